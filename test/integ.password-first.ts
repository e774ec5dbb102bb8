import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CustomAuthUserPool } from '../src';
import { integDelivery, KNOWN_USER, SignInProbe, UNKNOWN_USER } from './support/integ-sign-in-probe';

/**
 * Integration test: password first, then two codes (the example app's configuration), against the
 * real Cognito API. Offline, `npx projen integ` compares it with test/integ.password-first.ts.snapshot/.
 * With AWS credentials (`npx projen integ:deploy`) it checks that:
 * - starting with SRP_A gets PASSWORD_VERIFIER, with the same parameter keys for an unknown username
 *   as for a known one;
 * - skipping the password (CUSTOM_AUTH without SRP_A) fails for known and unknown users alike;
 * - the app client rejects USER_PASSWORD_AUTH even with the right password.
 * Completing SRP needs the password proof, which the codes then follow: the offline end-to-end tests
 * (test/e2e/) cover that part through the bundled handlers.
 */
const app = new App();
const stack = new Stack(app, 'CustomAuthIntegPasswordFirst');
const auth = new CustomAuthUserPool(stack, 'Auth', {
  delivery: integDelivery(stack),
  passwordFirst: true,
  challengeCount: 2,
  removalPolicy: RemovalPolicy.DESTROY,
  logRetention: logs.RetentionDays.ONE_DAY,
});
const probe = new SignInProbe(stack, 'Probe', auth);

const integ = new IntegTest(app, 'CustomAuthPasswordFirst', {
  testCases: [stack],
  stackUpdateWorkflow: false,
});

const passwordStep = Match.objectLike({ challengeName: 'PASSWORD_VERIFIER', keys: Match.arrayWith(['SALT', 'SECRET_BLOCK', 'SRP_B']), tokens: false });
const refused = Match.objectLike({ error: 'NotAuthorizedException' });

const signIns = probe.signIns(integ, {
  knownWithPassword: { flow: 'CUSTOM_AUTH_SRP', username: KNOWN_USER },
  unknownWithPassword: { flow: 'CUSTOM_AUTH_SRP', username: UNKNOWN_USER },
  knownSkippingPassword: { flow: 'CUSTOM_AUTH', username: KNOWN_USER },
  unknownSkippingPassword: { flow: 'CUSTOM_AUTH', username: UNKNOWN_USER },
  passwordOnly: { flow: 'USER_PASSWORD_AUTH', username: KNOWN_USER },
}, [['knownWithPassword', 'unknownWithPassword']]);
signIns.expect(ExpectedResult.objectLike({
  Payload: Match.serializedJson(Match.objectLike({
    'knownWithPassword': passwordStep,
    'unknownWithPassword': passwordStep,
    'knownWithPassword=unknownWithPassword': true,
    'knownSkippingPassword': refused,
    'unknownSkippingPassword': refused,
    'passwordOnly': Match.objectLike({ error: 'InvalidParameterException', message: Match.stringLikeRegexp('not enabled') }),
  })),
}));

probe.createKnownUser(integ).next(signIns);

app.synth();
