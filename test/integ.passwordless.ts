import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import { CodeDelivery, CustomAuthUserPool } from '../src';

/**
 * Integration test: a passwordless pool (one emailed code) against the real Cognito API.
 *
 * Offline, `integ-runner` synthesizes this app and compares it with the committed snapshot
 * (test/integ.passwordless.ts.snapshot/). With AWS credentials, `npx projen integ:deploy` deploys it and
 * checks that:
 * (a) InitiateAuth CUSTOM_AUTH for an unknown username returns CUSTOM_CHALLENGE with the same public
 *     challenge parameter keys as for a known user (no user enumeration);
 * (b) the app client rejects password-only flows (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH).
 *
 * Deploying needs a verified SES identity for the sender, given by context or environment:
 *   CUSTOM_AUTH_INTEG_SENDER='Tests <no-reply@mail.example.org>'  (context: customAuthInteg:sender)
 *   CUSTOM_AUTH_INTEG_SES_IDENTITY=mail.example.org                (optional; default: the sender's domain)
 * The known user's address is the SES mailbox simulator, which accepts mail even in the SES sandbox.
 */
const app = new App();
const setting = (contextKey: string, variable: string): string | undefined =>
  app.node.tryGetContext(contextKey) ?? process.env[variable];
const sender = setting('customAuthInteg:sender', 'CUSTOM_AUTH_INTEG_SENDER') ?? 'Integ tests <no-reply@example.com>';
const identityName = setting('customAuthInteg:sesIdentity', 'CUSTOM_AUTH_INTEG_SES_IDENTITY');

const KNOWN_USER = 'success@simulator.amazonses.com';
const UNKNOWN_USER = 'nobody-here@example.com';
const PUBLIC_PARAMETERS = ['attemptsRemaining', 'challengeCount', 'challengeNumber', 'codeLength', 'deliveryMedium', 'destination'];

const stack = new Stack(app, 'CustomAuthIntegPasswordless');
const auth = new CustomAuthUserPool(stack, 'Auth', {
  delivery: CodeDelivery.email({
    fromAddress: sender,
    identity: identityName ? ses.EmailIdentity.fromEmailIdentityName(stack, 'SenderIdentity', identityName) : undefined,
  }),
  removalPolicy: RemovalPolicy.DESTROY,
  logRetention: logs.RetentionDays.ONE_DAY,
});

/**
 * Signs in the way clients do and reports each outcome (challenge name and parameter keys, or the
 * error name): integ-tests' awsApiCall fails on an API error, and (b) expects one.
 */
const probe = new lambda.Function(stack, 'Probe', {
  runtime: lambda.Runtime.NODEJS_22_X,
  architecture: lambda.Architecture.ARM_64,
  handler: 'index.handler',
  timeout: Duration.seconds(30),
  logGroup: new logs.LogGroup(stack, 'ProbeLogs', { retention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY }),
  code: lambda.Code.fromInline(`
const { CognitoIdentityProviderClient, InitiateAuthCommand, AdminInitiateAuthCommand } = require('@aws-sdk/client-cognito-identity-provider');
const cognito = new CognitoIdentityProviderClient({});
const outcome = (call) => cognito.send(call).then(
  (r) => ({ challengeName: r.ChallengeName || null, keys: Object.keys(r.ChallengeParameters || {}).sort(), tokens: Boolean(r.AuthenticationResult) }),
  (e) => ({ error: e.name, message: String(e.message) }));
exports.handler = async ({ userPoolId, clientId, knownUser, unknownUser, password }) => {
  const customAuth = (username) => outcome(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: username } }));
  const known = await customAuth(knownUser);
  const unknown = await customAuth(unknownUser);
  const passwordOnly = await outcome(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: knownUser, PASSWORD: password } }));
  const adminPasswordOnly = await outcome(new AdminInitiateAuthCommand({ UserPoolId: userPoolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: knownUser, PASSWORD: password } }));
  const result = { known, unknown, sameKeys: JSON.stringify(known.keys) === JSON.stringify(unknown.keys), passwordOnly, adminPasswordOnly };
  console.log(JSON.stringify({ sameKeys: result.sameKeys, known: known.challengeName || known.error, unknown: unknown.challengeName || unknown.error }));
  return result;
};
`),
});
probe.addToRolePolicy(new iam.PolicyStatement({
  actions: ['cognito-idp:AdminInitiateAuth'],
  resources: [auth.userPool.userPoolArn],
}));

const integ = new IntegTest(app, 'CustomAuthPasswordless', {
  testCases: [stack],
  // The snapshot's sender (example.com) cannot send: there is no committed state to update from.
  stackUpdateWorkflow: false,
});

// The known user: verified email, permanent password (never FORCE_CHANGE_PASSWORD, see README).
// The password only proves (b): it is correct, so the password-only flows fail for the flow alone.
const password = `Integ-${stack.node.addr.slice(0, 12)}-Aa1!`;
const createUser = integ.assertions.awsApiCall('CognitoIdentityServiceProvider', 'adminCreateUser', {
  UserPoolId: auth.userPool.userPoolId,
  Username: KNOWN_USER,
  MessageAction: 'SUPPRESS',
  UserAttributes: [
    { Name: 'email', Value: KNOWN_USER },
    { Name: 'email_verified', Value: 'true' },
  ],
});
const setPassword = integ.assertions.awsApiCall('CognitoIdentityServiceProvider', 'adminSetUserPassword', {
  UserPoolId: auth.userPool.userPoolId,
  Username: KNOWN_USER,
  Password: password,
  Permanent: true,
});

const signIns = integ.assertions.invokeFunction({
  functionName: probe.functionName,
  payload: JSON.stringify({
    userPoolId: auth.userPool.userPoolId,
    clientId: auth.userPoolClient.userPoolClientId,
    knownUser: KNOWN_USER,
    unknownUser: UNKNOWN_USER,
    password,
  }),
});
signIns.expect(ExpectedResult.objectLike({
  Payload: Match.serializedJson(Match.objectLike({
    // (a) an unknown username looks like a known one: same challenge, same public parameter keys
    known: Match.objectLike({ challengeName: 'CUSTOM_CHALLENGE', keys: Match.arrayWith(PUBLIC_PARAMETERS), tokens: false }),
    unknown: Match.objectLike({ challengeName: 'CUSTOM_CHALLENGE', keys: Match.arrayWith(PUBLIC_PARAMETERS), tokens: false }),
    sameKeys: true,
    // (b) no password-only flow, even with the right password
    passwordOnly: Match.objectLike({ error: 'InvalidParameterException', message: Match.stringLikeRegexp('not enabled') }),
    adminPasswordOnly: Match.objectLike({ error: 'InvalidParameterException', message: Match.stringLikeRegexp('not enabled') }),
  })),
}));

createUser.next(setPassword).next(signIns);

app.synth();
