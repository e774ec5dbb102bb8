import { IApiCall, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { CodeDelivery, CustomAuthUserPool } from '../../src';

/**
 * Shared by the integ apps (test/integ.*.ts): the sender, the known user, and a probe function that
 * signs in the way clients do and reports each outcome, the challenge and its parameter keys or the
 * error name, because integ-tests' awsApiCall fails on an API error and some assertions expect one.
 */

/** The known user's address: the SES mailbox simulator accepts mail even in the SES sandbox. */
export const KNOWN_USER = 'success@simulator.amazonses.com';
export const UNKNOWN_USER = 'nobody-here@example.com';
/** The public challenge parameters the Create Auth Challenge trigger returns. */
export const PUBLIC_PARAMETERS = ['attemptsRemaining', 'challengeCount', 'challengeNumber', 'codeLength', 'deliveryMedium', 'destination'];

/**
 * Code delivery for an integ app. Deploying needs a verified SES identity for the sender, given by
 * context (`customAuthInteg:sender`, `customAuthInteg:sesIdentity`) or environment
 * (`CUSTOM_AUTH_INTEG_SENDER`, `CUSTOM_AUTH_INTEG_SES_IDENTITY`); the snapshot uses example.com.
 */
export function integDelivery(stack: Stack): CodeDelivery {
  const setting = (contextKey: string, variable: string): string | undefined =>
    stack.node.tryGetContext(contextKey) ?? process.env[variable];
  const identityName = setting('customAuthInteg:sesIdentity', 'CUSTOM_AUTH_INTEG_SES_IDENTITY');
  return CodeDelivery.email({
    fromAddress: setting('customAuthInteg:sender', 'CUSTOM_AUTH_INTEG_SENDER') ?? 'Integ tests <no-reply@example.com>',
    identity: identityName ? ses.EmailIdentity.fromEmailIdentityName(stack, 'SenderIdentity', identityName) : undefined,
  });
}

/** One sign-in attempt the probe makes. */
export interface Attempt {
  readonly flow: 'CUSTOM_AUTH' | 'CUSTOM_AUTH_SRP' | 'USER_PASSWORD_AUTH' | 'ADMIN_USER_PASSWORD_AUTH';
  readonly username: string;
}

const PROBE_CODE = `
const { randomBytes } = require('node:crypto');
const { CognitoIdentityProviderClient, InitiateAuthCommand, AdminInitiateAuthCommand } = require('@aws-sdk/client-cognito-identity-provider');
const cognito = new CognitoIdentityProviderClient({});
const outcome = (call) => cognito.send(call).then(
  (r) => ({ challengeName: r.ChallengeName || null, keys: Object.keys(r.ChallengeParameters || {}).sort(), tokens: Boolean(r.AuthenticationResult) }),
  (e) => ({ error: e.name, message: String(e.message) }));
// A well-formed SRP A (below the 3072-bit group prime): enough to start the password step, not to finish it.
const srpA = () => '1' + randomBytes(384).toString('hex').slice(1);
const call = ({ flow, username }, { userPoolId, clientId, password }) => {
  switch (flow) {
    case 'CUSTOM_AUTH': return new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: username } });
    case 'CUSTOM_AUTH_SRP': return new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: username, CHALLENGE_NAME: 'SRP_A', SRP_A: srpA() } });
    case 'USER_PASSWORD_AUTH': return new InitiateAuthCommand({ ClientId: clientId, AuthFlow: flow, AuthParameters: { USERNAME: username, PASSWORD: password } });
    case 'ADMIN_USER_PASSWORD_AUTH': return new AdminInitiateAuthCommand({ UserPoolId: userPoolId, ClientId: clientId, AuthFlow: flow, AuthParameters: { USERNAME: username, PASSWORD: password } });
    default: throw new Error('unknown flow ' + flow);
  }
};
exports.handler = async (event) => {
  const result = {};
  for (const [name, attempt] of Object.entries(event.attempts)) {
    result[name] = await outcome(call(attempt, event));
  }
  for (const [a, b] of event.sameKeys || []) {
    result[a + '=' + b] = JSON.stringify(result[a].keys) === JSON.stringify(result[b].keys);
  }
  console.log(JSON.stringify(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.challengeName || v.error || v]))));
  return result;
};
`;

/** The probe function and the known user of one integ app. */
export class SignInProbe extends Construct {
  public readonly function: lambda.Function;
  /** The known user's password: correct, so a password-only flow can only fail for the flow itself. */
  public readonly password: string;

  public constructor(scope: Construct, id: string, private readonly auth: CustomAuthUserPool) {
    super(scope, id);
    this.password = `Integ-${this.node.addr.slice(0, 12)}-Aa1!`;
    this.function = new lambda.Function(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      timeout: Duration.seconds(30),
      logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY }),
      code: lambda.Code.fromInline(PROBE_CODE),
    });
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['cognito-idp:AdminInitiateAuth'],
      resources: [auth.userPool.userPoolArn],
    }));
  }

  /**
   * The known user, created as the README asks: verified email, permanent password (never in
   * FORCE_CHANGE_PASSWORD). Returns the last call, to chain the probe after it.
   */
  public createKnownUser(integ: IntegTest): IApiCall {
    const create = integ.assertions.awsApiCall('CognitoIdentityServiceProvider', 'adminCreateUser', {
      UserPoolId: this.auth.userPool.userPoolId,
      Username: KNOWN_USER,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: KNOWN_USER },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    const setPassword = integ.assertions.awsApiCall('CognitoIdentityServiceProvider', 'adminSetUserPassword', {
      UserPoolId: this.auth.userPool.userPoolId,
      Username: KNOWN_USER,
      Password: this.password,
      Permanent: true,
    });
    return create.next(setPassword);
  }

  /** Makes the attempts in order; `sameKeys` pairs report `<a>=<b>: true` when both got the same parameter keys. */
  public signIns(integ: IntegTest, attempts: Record<string, Attempt>, sameKeys: Array<[string, string]> = []): IApiCall {
    return integ.assertions.invokeFunction({
      functionName: this.function.functionName,
      payload: JSON.stringify({
        userPoolId: this.auth.userPool.userPoolId,
        clientId: this.auth.userPoolClient.userPoolClientId,
        password: this.password,
        attempts,
        sameKeys,
      }),
    });
  }
}
