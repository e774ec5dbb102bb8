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

/** Called after each trigger invocation, for a printout of the loop. */
export type TriggerObserver = (trigger: 'define' | 'create' | 'verify', request: any, response: any) => void;

const USER_POOL_ID = 'us-east-1_SIMULATED';
const CLIENT_ID = 'simulatedclient';

/**
 * The local endpoint's user pool (src/local/user-pool.ts: Cognito's loop, sessions, SRP, tokens) for
 * in-process tests: the triggers are handlers loaded in this process (so the run's log capture sees
 * them), for an app client with PreventUserExistenceErrors ENABLED and only ALLOW_CUSTOM_AUTH. Clients
 * answer PASSWORD_VERIFIER with a `PASSWORD`: this class plays the client side of SRP with it.
 */
export class CognitoSimulator {
  private readonly pool: Promise<LocalUserPool>;
  /** The client's SRP secret `a` of each sign-in started with SRP_A, by session. */
  private readonly srpClients = new Map<string, { a: bigint; A: bigint; parameters: Record<string, string> }>();
  private pendingSrp?: { a: bigint; A: bigint };

  public constructor(triggers: TriggerHandlers, users: SimulatedUser[], observe: TriggerObserver = () => undefined) {
    this.pool = TokenSigner.create(`https://cognito-idp.us-east-1.amazonaws.com/${USER_POOL_ID}`).then((signer) => {
      const pool = new LocalUserPool({
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
        autoVerifiedAttributes: [],
        allowAdminCreateUserOnly: true,
        passwordPolicy: {},
        verificationEmail: { subject: '', message: '' },
        signer,
        sendMessage: () => undefined,
        invokeTrigger: async (trigger, event) => {
          const result = await triggers[trigger](event);
          observe(trigger, event.request, result?.response);
          return result;
        },
      });
      for (const user of users) {
        pool.addUser(user.username, user.attributes, user.password);
      }
      return pool;
    });
  }

  /** InitiateAuth with AuthFlow=CUSTOM_AUTH. Pass `CHALLENGE_NAME: 'SRP_A'` and any `SRP_A` to start with the password. */
  public async initiateAuth(authFlow: string, authParameters: Record<string, string>): Promise<AuthResult> {
    const parameters = { ...authParameters };
    if (parameters.CHALLENGE_NAME === 'SRP_A' && parameters.SRP_A) {
      const a = BigInt(`0x${randomBytes(32).toString('hex')}`);
      this.pendingSrp = { a, A: modPow(g, a, N) };
      parameters.SRP_A = this.pendingSrp.A.toString(16);
    }
    const result = await this.call((pool) => pool.InitiateAuth({ ClientId: CLIENT_ID, AuthFlow: authFlow, AuthParameters: parameters }));
    this.rememberSrp(result);
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

  private rememberSrp(result: AuthResult): void {
    if (result.ChallengeName === 'PASSWORD_VERIFIER' && this.pendingSrp && result.Session) {
      this.srpClients.set(result.Session, { ...this.pendingSrp, parameters: result.ChallengeParameters ?? {} });
    }
    this.pendingSrp = undefined;
  }

  private async call(action: (pool: LocalUserPool) => Promise<Record<string, any>>): Promise<AuthResult> {
    try {
      return await action(await this.pool) as AuthResult;
    } catch (error) {
      throw error instanceof LocalCognitoError ? new CognitoError(error.code, error.message) : error;
    }
  }
}
