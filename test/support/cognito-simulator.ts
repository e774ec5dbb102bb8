import { randomBytes } from 'node:crypto';
import type { TriggerHandlers } from './bundled-handlers';
import { formatTimestamp, g, k, modPow, N, passwordClaimSignature, privateKey, scramblingParameter } from '../../src/local/srp';
import { TokenSigner } from '../../src/local/tokens';
import { CognitoError as LocalCognitoError, LocalUserPool } from '../../src/local/user-pool';

/** A user the simulated pool knows. */
export interface SimulatedUser {
  readonly username: string;
  readonly password: string;
  readonly attributes: Record<string, string>;
}

/** What InitiateAuth and RespondToAuthChallenge return. */
export interface AuthResult {
  readonly ChallengeName?: string;
  readonly ChallengeParameters?: Record<string, string>;
  readonly Session?: string;
  readonly AuthenticationResult?: { readonly AccessToken: string; readonly IdToken: string; readonly RefreshToken: string };
}

/** An error as Cognito's API returns it; the message starts with the code. */
export class CognitoError extends Error {
  public constructor(public readonly code: string, message: string) {
    super(`${code}: ${message}`);
  }
}

/** How the simulated pool finds users, as a pool's sign-in settings say. */
export interface SimulatedPoolOptions {
  /** Attributes users may also sign in with (the pool's alias attributes; email and phone once verified). Default: `email`. */
  readonly aliases?: string[];
}

/** Called after each trigger invocation, for a printout of the loop. */
export type TriggerObserver = (trigger: 'define' | 'create' | 'verify', request: any, response: any) => void;

const USER_POOL_ID = 'us-east-1_SIMULATED';
/** One signing key for every simulated pool of a run: an RSA key takes a while to generate. */
let sharedSigner: TokenSigner | undefined;
const CLIENT_ID = 'simulatedclient';

/**
 * The local endpoint's user pool (src/local/user-pool.ts: Cognito's loop, sessions, SRP, tokens) for
 * in-process tests: the triggers are handlers loaded in this process (so the run's log capture sees
 * them), for an app client with PreventUserExistenceErrors ENABLED and only ALLOW_CUSTOM_AUTH. Clients
 * answer PASSWORD_VERIFIER with a `PASSWORD`: this class plays the client side of SRP with it.
 */
export class CognitoSimulator {
  private readonly pool: LocalUserPool;
  /** The client's SRP secret `a` of each sign-in started with SRP_A, by session. */
  private readonly srpClients = new Map<string, { a: bigint; A: bigint; parameters: Record<string, string> }>();
  /** The sign-up code Cognito emailed, by address. */
  private readonly signUpCodes = new Map<string, string>();

  public constructor(
    triggers: TriggerHandlers,
    users: SimulatedUser[],
    observe: TriggerObserver = () => undefined,
    options: SimulatedPoolOptions = {},
  ) {
    this.pool = new LocalUserPool({
      userPoolId: USER_POOL_ID,
      region: 'us-east-1',
      clients: [{
        clientId: CLIENT_ID,
        explicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        preventUserExistenceErrors: true,
        authSessionValidityMinutes: 3,
        idTokenValiditySeconds: 3600,
        accessTokenValiditySeconds: 3600,
        refreshTokenValiditySeconds: 86400,
      }],
      usernameAttributes: [],
      aliasAttributes: options.aliases ?? ['email'],
      autoVerifiedAttributes: ['email'],
      allowAdminCreateUserOnly: false,
      passwordPolicy: {},
      verificationEmail: { subject: 'Your verification code', message: '{####}' },
      signer: (sharedSigner ??= TokenSigner.create(`https://cognito-idp.us-east-1.amazonaws.com/${USER_POOL_ID}`)),
      sendMessage: (message) => this.signUpCodes.set(message.to, message.body),
      invokeTrigger: async (trigger, event) => {
        const result = await triggers[trigger](event);
        observe(trigger, event.request, result?.response);
        return result;
      },
    });
    for (const user of users) {
      this.pool.addUser(user.username, user.attributes, user.password);
    }
  }

  /**
   * SignUp through a client of a pool with self sign-up: the user exists, unconfirmed, with the
   * attributes given; a client cannot set `*_verified` (Cognito marks an address verified only once
   * its owner confirms a code sent to it).
   */
  public signUp(username: string, password: string, attributes: Record<string, string>): void {
    this.sync(() => this.pool.SignUp({
      ClientId: CLIENT_ID,
      Username: username,
      Password: password,
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }));
  }

  /** ConfirmSignUp with the code Cognito emailed at sign-up: confirms the user and verifies that email. */
  public confirmSignUp(username: string): void {
    const user = this.sync(() => this.pool.AdminGetUser({ UserPoolId: USER_POOL_ID, Username: username }));
    const email = user.UserAttributes.find(({ Name }: { Name: string }) => Name === 'email')?.Value;
    this.sync(() => this.pool.ConfirmSignUp({ ClientId: CLIENT_ID, Username: username, ConfirmationCode: this.signUpCodes.get(email) }));
  }

  /** AdminConfirmSignUp: confirms the user; no address is verified by it. */
  public adminConfirmSignUp(username: string): void {
    this.sync(() => this.pool.AdminConfirmSignUp({ UserPoolId: USER_POOL_ID, Username: username }));
  }

  /** The user entered the code Cognito sent to that attribute (VerifyUserAttribute): it is verified. */
  public verifyUserAttribute(username: string, attribute: 'email' | 'phone_number'): void {
    this.sync(() => this.pool.AdminUpdateUserAttributes({
      UserPoolId: USER_POOL_ID, Username: username, UserAttributes: [{ Name: `${attribute}_verified`, Value: 'true' }],
    }));
  }

  /** InitiateAuth with AuthFlow=CUSTOM_AUTH. Pass `CHALLENGE_NAME: 'SRP_A'` and any `SRP_A` to start with the password. */
  public async initiateAuth(authFlow: string, authParameters: Record<string, string>): Promise<AuthResult> {
    const parameters = { ...authParameters };
    let srp: { a: bigint; A: bigint } | undefined;
    if (parameters.CHALLENGE_NAME === 'SRP_A' && parameters.SRP_A) {
      const a = BigInt(`0x${randomBytes(32).toString('hex')}`);
      srp = { a, A: modPow(g, a, N) };
      parameters.SRP_A = srp.A.toString(16);
    }
    const result = await this.call((pool) => pool.InitiateAuth({ ClientId: CLIENT_ID, AuthFlow: authFlow, AuthParameters: parameters }));
    if (result.ChallengeName === 'PASSWORD_VERIFIER' && srp && result.Session) {
      this.srpClients.set(result.Session, { ...srp, parameters: result.ChallengeParameters ?? {} });
    }
    return result;
  }

  /** RespondToAuthChallenge: `PASSWORD_VERIFIER` with `PASSWORD`, or `CUSTOM_CHALLENGE` with `ANSWER`. */
  public async respondToAuthChallenge(challengeName: string, session: string, responses: Record<string, string>,
    clientMetadata?: Record<string, string>): Promise<AuthResult> {
    let challengeResponses = responses;
    const srp = this.srpClients.get(session);
    if (challengeName === 'PASSWORD_VERIFIER' && srp && responses.PASSWORD !== undefined) {
      const { SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP } = srp.parameters;
      const B = BigInt(`0x${SRP_B}`);
      const x = privateKey(USER_POOL_ID, USER_ID_FOR_SRP, responses.PASSWORD, SALT);
      const u = scramblingParameter(srp.A, B);
      const S = modPow((B - k * modPow(g, x, N) % N + N) % N, srp.a + u * x, N);
      const timestamp = formatTimestamp(new Date());
      challengeResponses = {
        USERNAME: responses.USERNAME,
        PASSWORD_CLAIM_SECRET_BLOCK: SECRET_BLOCK,
        PASSWORD_CLAIM_SIGNATURE: passwordClaimSignature(USER_POOL_ID, USER_ID_FOR_SRP, u, S, SECRET_BLOCK, timestamp).toString('base64'),
        TIMESTAMP: timestamp,
      };
    }
    this.srpClients.delete(session);
    return this.call((pool) => pool.RespondToAuthChallenge({
      ClientId: CLIENT_ID, ChallengeName: challengeName, Session: session, ChallengeResponses: challengeResponses, ClientMetadata: clientMetadata,
    }));
  }

  private async call(action: (pool: LocalUserPool) => Promise<Record<string, any>>): Promise<AuthResult> {
    try {
      return await action(this.pool) as AuthResult;
    } catch (error) {
      throw asSimulatorError(error);
    }
  }

  private sync(action: () => Record<string, any>): Record<string, any> {
    try {
      return action();
    } catch (error) {
      throw asSimulatorError(error);
    }
  }
}

function asSimulatorError(error: unknown): unknown {
  return error instanceof LocalCognitoError ? new CognitoError(error.code, error.message) : error;
}

/** The challenge parameters every custom challenge returns to the client, known user or not. */
export const CHALLENGE_PARAMETER_KEYS = ['USERNAME', 'attemptsRemaining', 'challengeCount', 'challengeNumber', 'codeLength', 'deliveryMedium', 'destination'];

/** RespondToAuthChallenge with `answer` to the custom challenge of `step`, as a client does. */
export async function answerWith(cognito: CognitoSimulator, step: AuthResult, answer: string): Promise<AuthResult> {
  return cognito.respondToAuthChallenge('CUSTOM_CHALLENGE', step.Session!, { USERNAME: step.ChallengeParameters!.USERNAME, ANSWER: answer });
}
