import { randomUUID } from 'node:crypto';
import type { TriggerHandlers } from './bundled-handlers';

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

/** An error as Cognito's API returns it. */
export class CognitoError extends Error {
  public constructor(public readonly code: string, message: string) {
    super(`${code}: ${message}`);
  }
}

interface SessionEntry {
  readonly challengeName: string;
  readonly challengeResult: boolean;
  readonly challengeMetadata?: string;
}

interface ServerSession {
  readonly username: string;
  readonly user: SimulatedUser | undefined;
  readonly history: SessionEntry[];
  readonly challengeName: string;
  readonly privateChallengeParameters?: Record<string, string>;
  readonly challengeMetadata?: string;
}

/** How the simulated pool finds users, as a pool's sign-in settings say. */
export interface SimulatedPoolOptions {
  /** Attributes users may also sign in with (the pool's alias attributes). Default: `email`. */
  readonly aliases?: string[];
}

/** Called after each trigger invocation, for a printout of the loop. */
export type TriggerObserver = (trigger: 'define' | 'create' | 'verify', request: any, response: any) => void;

/**
 * Cognito's custom authentication loop as documented (user-pool-lambda-challenge.html), for an app
 * client with PreventUserExistenceErrors ENABLED and only ALLOW_CUSTOM_AUTH: it calls the triggers
 * with the events Cognito sends and applies their answers. The password step compares the password
 * instead of doing SRP math: what the triggers see (SRP_A, then PASSWORD_VERIFIER true/false) is the same.
 */
export class CognitoSimulator {
  private readonly sessions = new Map<string, ServerSession>();
  private readonly users: Map<string, SimulatedUser>;
  /** Users who signed up and are not confirmed yet: Cognito refuses to sign them in. */
  private readonly unconfirmed = new Set<string>();
  private readonly aliases: string[];

  public constructor(
    private readonly triggers: TriggerHandlers,
    users: SimulatedUser[],
    private readonly observe: TriggerObserver = () => undefined,
    options: SimulatedPoolOptions = {},
  ) {
    this.users = new Map(users.map((user) => [user.username.toLowerCase(), user]));
    this.aliases = options.aliases ?? ['email'];
  }

  /**
   * SignUp through a client of a pool with self sign-up: the user exists, unconfirmed, with the
   * attributes given; a client cannot set `*_verified` (Cognito marks an address verified only once
   * its owner confirms a code sent to it).
   */
  public signUp(username: string, password: string, attributes: Record<string, string>): void {
    if (this.findUser(username)) {
      throw new CognitoError('UsernameExistsException', 'User already exists');
    }
    const unverified = Object.fromEntries(Object.entries(attributes).filter(([name]) => !name.endsWith('_verified')));
    this.users.set(username.toLowerCase(), { username, password, attributes: { sub: randomUUID(), ...unverified } });
    this.unconfirmed.add(username.toLowerCase());
  }

  /** ConfirmSignUp with the code Cognito emailed at sign-up: confirms the user and verifies that email. */
  public confirmSignUp(username: string): void {
    this.confirm(username, { email_verified: 'true' });
  }

  /** AdminConfirmSignUp: confirms the user; no address is verified by it. */
  public adminConfirmSignUp(username: string): void {
    this.confirm(username, {});
  }

  /** VerifyUserAttribute: the user entered the code Cognito sent to that attribute. */
  public verifyUserAttribute(username: string, attribute: 'email' | 'phone_number'): void {
    this.confirm(username, { [`${attribute}_verified`]: 'true' });
  }

  private confirm(username: string, verified: Record<string, string>): void {
    const user = this.users.get(username.toLowerCase());
    if (!user) {
      throw new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
    }
    this.unconfirmed.delete(username.toLowerCase());
    this.users.set(username.toLowerCase(), { ...user, attributes: { ...user.attributes, ...verified } });
  }

  /** InitiateAuth with AuthFlow=CUSTOM_AUTH. Pass `CHALLENGE_NAME: 'SRP_A'` to start with the password. */
  public async initiateAuth(authFlow: string, authParameters: Record<string, string>): Promise<AuthResult> {
    if (authFlow !== 'CUSTOM_AUTH') {
      throw new CognitoError('InvalidParameterException', `${authFlow} flow is not enabled for this client`);
    }
    const user = this.findUser(authParameters.USERNAME);
    if (user && this.unconfirmed.has(user.username.toLowerCase())) {
      throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
    }
    // Signed in by an alias, the triggers and the client see the user's own username.
    const username = user?.username ?? authParameters.USERNAME;
    const history: SessionEntry[] = authParameters.CHALLENGE_NAME === 'SRP_A' && authParameters.SRP_A
      ? [{ challengeName: 'SRP_A', challengeResult: true }]
      : [];
    return this.nextStep(username, user, history);
  }

  /** RespondToAuthChallenge: `PASSWORD_VERIFIER` with `PASSWORD`, or `CUSTOM_CHALLENGE` with `ANSWER`. */
  public async respondToAuthChallenge(
    challengeName: string,
    session: string,
    responses: Record<string, string>,
    clientMetadata?: Record<string, string>,
  ): Promise<AuthResult> {
    const state = this.sessions.get(session);
    this.sessions.delete(session); // single use
    if (!state || state.challengeName !== challengeName || responses.USERNAME?.toLowerCase() !== state.username.toLowerCase()) {
      throw new CognitoError('NotAuthorizedException', 'Invalid session for the user.');
    }
    if (challengeName === 'PASSWORD_VERIFIER') {
      const correct = state.user !== undefined && responses.PASSWORD === state.user.password;
      return this.nextStep(state.username, state.user, [...state.history, { challengeName, challengeResult: correct }], clientMetadata);
    }
    const request = {
      userAttributes: state.user?.attributes ?? {},
      privateChallengeParameters: state.privateChallengeParameters,
      challengeAnswer: responses.ANSWER,
      userNotFound: state.user === undefined,
      clientMetadata,
    };
    const verified = await this.invoke('verify', 'VerifyAuthChallengeResponse_Authentication', state, request, { answerCorrect: false });
    const entry = { challengeName, challengeResult: verified.answerCorrect === true, challengeMetadata: state.challengeMetadata };
    return this.nextStep(state.username, state.user, [...state.history, entry], clientMetadata);
  }

  private findUser(username: string): SimulatedUser | undefined {
    return this.users.get(username.toLowerCase())
      ?? [...this.users.values()].find((user) => this.aliases.some((alias) => user.attributes[alias]?.toLowerCase() === username.toLowerCase()));
  }

  private async nextStep(
    username: string,
    user: SimulatedUser | undefined,
    history: SessionEntry[],
    clientMetadata?: Record<string, string>,
  ): Promise<AuthResult> {
    const base = { username, user, history, challengeName: '' };
    const common = { userAttributes: user?.attributes ?? {}, session: history, userNotFound: user === undefined };
    const decision = await this.invoke('define', 'DefineAuthChallenge_Authentication', base,
      { ...common, clientMetadata }, { issueTokens: false, failAuthentication: false });
    if (decision.issueTokens === true && decision.failAuthentication !== true) {
      return { AuthenticationResult: { AccessToken: `access-${randomUUID()}`, IdToken: `id-${randomUUID()}`, RefreshToken: `refresh-${randomUUID()}` } };
    }
    if (decision.failAuthentication === true || decision.issueTokens === true) {
      throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
    }
    if (decision.challengeName === 'PASSWORD_VERIFIER') {
      return this.openSession({ ...base, challengeName: 'PASSWORD_VERIFIER' }, { USERNAME: username, SALT: 'simulated', SRP_B: 'simulated', SECRET_BLOCK: 'simulated' });
    }
    if (decision.challengeName !== 'CUSTOM_CHALLENGE') {
      throw new CognitoError('InvalidLambdaResponseException', 'Invalid challenge name from DefineAuthChallenge.');
    }
    const created = await this.invoke('create', 'CreateAuthChallenge_Authentication', base,
      { ...common, challengeName: 'CUSTOM_CHALLENGE', clientMetadata },
      { publicChallengeParameters: {}, privateChallengeParameters: {}, challengeMetadata: '' });
    return this.openSession(
      { ...base, challengeName: 'CUSTOM_CHALLENGE', privateChallengeParameters: created.privateChallengeParameters, challengeMetadata: created.challengeMetadata },
      { ...created.publicChallengeParameters, USERNAME: username },
    );
  }

  private openSession(state: ServerSession, challengeParameters: Record<string, string>): AuthResult {
    const session = randomUUID();
    this.sessions.set(session, state);
    return { ChallengeName: state.challengeName, ChallengeParameters: challengeParameters, Session: session };
  }

  private async invoke(
    trigger: 'define' | 'create' | 'verify',
    triggerSource: string,
    state: Pick<ServerSession, 'username'>,
    request: Record<string, unknown>,
    response: Record<string, unknown>,
  ): Promise<any> {
    const event = {
      version: '1',
      region: 'us-east-1',
      userPoolId: 'us-east-1_SIMULATED',
      userName: state.username,
      callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'simulatedclient' },
      triggerSource,
      request: structuredClone(request),
      response,
    };
    let result;
    try {
      result = await this.triggers[trigger](event);
    } catch (error) {
      const name = { define: 'DefineAuthChallenge', create: 'CreateAuthChallenge', verify: 'VerifyAuthChallengeResponse' }[trigger];
      throw new CognitoError('UserLambdaValidationException', `${name} failed with error ${(error as Error).message}.`);
    }
    this.observe(trigger, event.request, result.response);
    return result.response;
  }
}

/** The challenge parameters every custom challenge returns to the client, known user or not. */
export const CHALLENGE_PARAMETER_KEYS = ['USERNAME', 'attemptsRemaining', 'challengeCount', 'challengeNumber', 'codeLength', 'deliveryMedium', 'destination'];

/** RespondToAuthChallenge with `answer` to the custom challenge of `step`, as a client does. */
export async function answerWith(cognito: CognitoSimulator, step: AuthResult, answer: string): Promise<AuthResult> {
  return cognito.respondToAuthChallenge('CUSTOM_CHALLENGE', step.Session!, { USERNAME: step.ChallengeParameters!.USERNAME, ANSWER: answer });
}
