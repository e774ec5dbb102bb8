import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { CodeDelivery, CustomAuthUserPool } from '../src';

/**
 * The example app: a user pool whose users sign in with their password, then two emailed codes.
 * `npx projen synth:example` (or `cd examples && npx cdk synth`) synthesizes it offline.
 */
export function buildExampleApp(outdir?: string): { app: App; auth: CustomAuthUserPool } {
  const app = new App({ outdir });
  const stack = new Stack(app, 'CustomAuthExample', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012', region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
  });
  const auth = new CustomAuthUserPool(stack, 'Auth', {
    delivery: CodeDelivery.email({ fromAddress: 'Example <no-reply@example.com>' }),
    passwordFirst: true,
    challengeCount: 2,
  });
  new CfnOutput(stack, 'UserPoolId', { value: auth.userPool.userPoolId });
  new CfnOutput(stack, 'UserPoolClientId', { value: auth.userPoolClient.userPoolClientId });
  return { app, auth };
}

if (require.main === module) {
  buildExampleApp().app.synth();
}
