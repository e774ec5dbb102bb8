import { createHash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CodeDelivery, CustomAuthUserPool } from '../src';

/**
 * What the benchmark measures against: a pool that asks for the password, then three emailed
 * codes (the longest common flow), and the plain Cognito pool it is compared with at synth time.
 */

export const TRIGGERS = ['define', 'create', 'verify'] as const;
export type Trigger = typeof TRIGGERS[number];

export const ROOT = path.resolve(__dirname, '..');

export const BUNDLES: Record<Trigger, string> = {
  define: 'assets/lambda/define-auth-challenge.lambda/index.js',
  create: 'assets/lambda/create-auth-challenge.lambda/index.js',
  verify: 'assets/lambda/verify-auth-challenge.lambda/index.js',
};

export const USER = {
  username: 'alice@example.com',
  password: 'Correct-horse-9!',
  attributes: { sub: 'a1', email: 'alice@example.com', email_verified: 'true' },
};

const ENV = { account: '123456789012', region: 'us-east-1' };

/**
 * The construct under test, in a fresh App: password first, then three codes by email. Without the
 * cross-session limits: the warm loops invoke Create thousands of times for one user, past any budget,
 * and the limits add one DynamoDB UpdateItem per new code on the connection the send already opened.
 */
export function customAuthApp(outdir: string): { app: App; pool: CustomAuthUserPool } {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bench', { env: ENV });
  const pool = new CustomAuthUserPool(stack, 'Auth', {
    delivery: CodeDelivery.email({ fromAddress: 'Example <no-reply@example.com>' }),
    passwordFirst: true,
    challengeCount: 3,
    crossSessionLimits: { enabled: false },
  });
  return { app, pool };
}

/** The same stack with a plain user pool and app client, no triggers: the synth-time baseline. */
export function plainPoolApp(outdir: string): App {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bench', { env: ENV });
  const userPool = new cognito.UserPool(stack, 'UserPool', { signInAliases: { email: true } });
  new cognito.UserPoolClient(stack, 'Client', { userPool, authFlows: { custom: true }, preventUserExistenceErrors: true });
  return app;
}

/**
 * The least a hand-written pool with the same three triggers takes: plain functions from the same
 * assets with CDK's defaults (a role each with AWSLambdaBasicExecutionRole, no log group, no policy
 * for SES, no environment). Not a secure setup: a synth-time reference for what the construct adds.
 */
export function handWrittenTriggersApp(outdir: string): App {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bench', { env: ENV });
  const trigger = (id: string, name: Trigger) => new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.dirname(path.join(ROOT, BUNDLES[name]))),
  });
  const userPool = new cognito.UserPool(stack, 'UserPool', {
    signInAliases: { email: true },
    lambdaTriggers: {
      defineAuthChallenge: trigger('Define', 'define'),
      createAuthChallenge: trigger('Create', 'create'),
      verifyAuthChallengeResponse: trigger('Verify', 'verify'),
    },
  });
  new cognito.UserPoolClient(stack, 'Client', { userPool, authFlows: { custom: true }, preventUserExistenceErrors: true });
  return app;
}

/** Each trigger's environment variables, as synthesized into the template. */
export function synthesizedEnvironments(app: App, pool: CustomAuthUserPool): Record<Trigger, Record<string, string>> {
  const stack = Stack.of(pool);
  const template = app.synth().getStackArtifact(stack.artifactId).template;
  const env = (fn: lambda.IFunction): Record<string, string> => {
    const logicalId = stack.getLogicalId((fn as lambda.Function).node.defaultChild as lambda.CfnFunction);
    return template.Resources[logicalId].Properties.Environment?.Variables ?? {};
  };
  return {
    define: env(pool.defineAuthChallengeFunction),
    create: env(pool.createAuthChallengeFunction),
    verify: env(pool.verifyAuthChallengeFunction),
  };
}

/** A code Create issued for challenge 1, as it travels in the session and the private parameters. */
function issuedCode(code: string) {
  const salt = randomBytes(16).toString('hex');
  const digest = createHash('sha256').update(salt).update(':').update(code).digest('hex');
  const expiresAt = String(Date.now() + 60 * 60 * 1000);
  return {
    metadata: `CODE-1-${code.length}-${expiresAt}-${salt}-${digest}`,
    privateChallengeParameters: { codeLength: String(code.length), expiresAt, salt, digest },
  };
}

function event(triggerSource: string, request: Record<string, unknown>, response: Record<string, unknown>): string {
  return JSON.stringify({
    version: '1',
    region: ENV.region,
    userPoolId: `${ENV.region}_BENCHMARK`,
    userName: USER.username,
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'benchmarkclient' },
    triggerSource,
    request: { userAttributes: USER.attributes, ...request },
    response,
  });
}

/** The events of a sign-in in progress (password verified, first code answered), as Cognito sends them. */
export function triggerEvents(): { define: string; createSend: string; createRetry: string; verify: string } {
  const code = '123456';
  const issued = issuedCode(code);
  const passwordSteps = [
    { challengeName: 'SRP_A', challengeResult: true },
    { challengeName: 'PASSWORD_VERIFIER', challengeResult: true },
  ];
  const createResponse = { publicChallengeParameters: {}, privateChallengeParameters: {}, challengeMetadata: '' };
  return {
    // The next step after a right answer to challenge 1: Define asks for challenge 2.
    define: event('DefineAuthChallenge_Authentication',
      { session: [...passwordSteps, { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: issued.metadata }] },
      { challengeName: '', issueTokens: false, failAuthentication: false }),
    // The first code: Create draws it and sends it by email.
    createSend: event('CreateAuthChallenge_Authentication',
      { challengeName: 'CUSTOM_CHALLENGE', session: passwordSteps }, createResponse),
    // After a wrong answer: Create reuses the pending code and sends nothing.
    createRetry: event('CreateAuthChallenge_Authentication',
      { challengeName: 'CUSTOM_CHALLENGE', session: [...passwordSteps, { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: issued.metadata }] },
      createResponse),
    // The right answer to challenge 1.
    verify: event('VerifyAuthChallengeResponse_Authentication',
      { privateChallengeParameters: issued.privateChallengeParameters, challengeAnswer: code },
      { answerCorrect: false }),
  };
}
