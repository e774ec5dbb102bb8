import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CustomAuthUserPool } from '../src';
import { integDelivery, KNOWN_USER, PUBLIC_PARAMETERS, SignInProbe, UNKNOWN_USER } from './support/integ-sign-in-probe';

/**
 * Integration test: a passwordless pool (one emailed code) against the real Cognito API.
 *
 * Offline, `npx projen integ` synthesizes this app and compares it with the committed snapshot
 * (test/integ.passwordless.ts.snapshot/). With AWS credentials, `npx projen integ:deploy` deploys it and
 * checks that:
 * (a) InitiateAuth CUSTOM_AUTH for an unknown username returns CUSTOM_CHALLENGE with the same public
 *     challenge parameter keys as for a known user (no user enumeration);
 * (b) the app client rejects password-only flows (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH), even
 *     with the right password.
 * Deploying needs a verified SES identity for the sender: see integDelivery() and the README.
 */
const app = new App();
const stack = new Stack(app, 'CustomAuthIntegPasswordless');
const auth = new CustomAuthUserPool(stack, 'Auth', {
  delivery: integDelivery(stack),
  removalPolicy: RemovalPolicy.DESTROY,
  logRetention: logs.RetentionDays.ONE_DAY,
});
const probe = new SignInProbe(stack, 'Probe', auth);

const integ = new IntegTest(app, 'CustomAuthPasswordless', {
  testCases: [stack],
  // The snapshot's sender (example.com) cannot send: there is no deployable state to update from.
  stackUpdateWorkflow: false,
});

const codeChallenge = Match.objectLike({ challengeName: 'CUSTOM_CHALLENGE', keys: Match.arrayWith(PUBLIC_PARAMETERS), tokens: false });
const flowNotEnabled = Match.objectLike({ error: 'InvalidParameterException', message: Match.stringLikeRegexp('not enabled') });

const signIns = probe.signIns(integ, {
  known: { flow: 'CUSTOM_AUTH', username: KNOWN_USER },
  unknown: { flow: 'CUSTOM_AUTH', username: UNKNOWN_USER },
  passwordOnly: { flow: 'USER_PASSWORD_AUTH', username: KNOWN_USER },
  adminPasswordOnly: { flow: 'ADMIN_USER_PASSWORD_AUTH', username: KNOWN_USER },
}, [['known', 'unknown']]);
signIns.expect(ExpectedResult.objectLike({
  Payload: Match.serializedJson(Match.objectLike({
    // (a) an unknown username looks like a known one: same challenge, same public parameter keys
    'known': codeChallenge,
    'unknown': codeChallenge,
    'known=unknown': true,
    // (b) no password-only flow
    'passwordOnly': flowNotEnabled,
    'adminPasswordOnly': flowNotEnabled,
  })),
}));

probe.createKnownUser(integ).next(signIns);

app.synth();
