import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { TRIGGERS, type TriggerName } from './assembly';
import { createVerifier, SrpServerSession, type SrpVerifier } from './srp';
import type { TokenSigner } from './tokens';
import { generateCode } from '../../lambda/codes';
import { maskEmail } from '../../lambda/mask';

/** An error as Cognito's API returns it: `{ "__type": code, "message": message }` with HTTP 400. */
export class CognitoError extends Error {
  public constructor(public readonly code: string, message: string) {
    super(message);
    this.name = code;
  }
}

/** Invokes one trigger with Cognito's event; resolves to the event as the function returned it. */
export type TriggerInvoker = (trigger: TriggerName, event: TriggerEvent) => Promise<any>;

/** Cognito's event for the custom auth triggers. */
export interface TriggerEvent {
  readonly version: string;
  readonly region: string;
  readonly userPoolId: string;
  readonly userName: string;
  readonly callerContext: { readonly awsSdkVersion: string; readonly clientId: string };
  readonly triggerSource: string;
  readonly request: Record<string, unknown>;
  readonly response: Record<string, unknown>;
}

/** An app client's settings that sign-in depends on (from its template). */
export interface ClientSettings {
  readonly clientId: string;
  readonly explicitAuthFlows: readonly string[];
  readonly preventUserExistenceErrors: boolean;
  readonly authSessionValidityMinutes: number;
  readonly idTokenValiditySeconds: number;
  readonly accessTokenValiditySeconds: number;
  readonly refreshTokenValiditySeconds: number;
}

/** A user of the local pool. */
export interface LocalUser {
  /** The internal username: a UUID when the pool signs in by email or phone (UsernameAttributes). */
  readonly username: string;
  attributes: Record<string, string>;
  srp?: SrpVerifier;
  status: 'CONFIRMED' | 'UNCONFIRMED' | 'FORCE_CHANGE_PASSWORD';
  readonly createdAt: number;
  modifiedAt: number;
  confirmationCode?: string;
}

/** One message Cognito itself sends (sign-up confirmation codes). */
export type CognitoMessage = (message: { to: string; channel: 'email' | 'sms'; subject?: string; body: string }) => void;

/** What a local pool is made of. */
export interface LocalUserPoolOptions {
  readonly userPoolId: string;
  readonly region: string;
  readonly clients: readonly ClientSettings[];
  /** The pool's UsernameAttributes: users sign in with these instead of a username. */
  readonly usernameAttributes: readonly string[];
  /** The pool's AliasAttributes: users sign in with these as well as their username (email and phone once verified). */
  readonly aliasAttributes?: readonly string[];
  readonly autoVerifiedAttributes: readonly string[];
  readonly allowAdminCreateUserOnly: boolean;
  readonly passwordPolicy: {
    readonly MinimumLength?: number;
    readonly RequireLowercase?: boolean;
    readonly RequireUppercase?: boolean;
    readonly RequireNumbers?: boolean;
    readonly RequireSymbols?: boolean;
  };
  readonly verificationEmail: { readonly subject: string; readonly message: string };
  readonly invokeTrigger: TriggerInvoker;
  readonly signer: TokenSigner;
  readonly sendMessage: CognitoMessage;
  /** Milliseconds since the epoch; tests move it. */
  readonly clock?: () => number;
}

interface HistoryEntry {
  readonly challengeName: string;
  readonly challengeResult: boolean;
  readonly challengeMetadata?: string;
}

interface AuthSession {
  readonly clientId: string;
  /** The name the client signed in with. */
  readonly signInName: string;
  readonly user: LocalUser | undefined;
  readonly history: readonly HistoryEntry[];
  readonly challengeName: string;
  readonly expiresAt: number;
  readonly privateChallengeParameters?: Record<string, string>;
  readonly challengeMetadata?: string;
  readonly srp?: { readonly server: SrpServerSession; readonly clientPublic: string; readonly userIdForSrp: string };
}

interface RefreshGrant {
  readonly username: string;
  readonly clientId: string;
  readonly originJti: string;
  readonly authTime: number;
  readonly expiresAt: number;
}

type Json = Record<string, any>;

const INCORRECT = () => new CognitoError('NotAuthorizedException', 'Incorrect username or password.');

/**
 * One Cognito user pool, locally: its users, the custom authentication loop as Cognito runs it
 * (triggers invoked with Cognito's events and their answers applied; SRP verified as Cognito does),
 * single-use sessions that expire with the client's AuthSessionValidity, and signed tokens.
 * Each public action takes and returns the JSON of the Cognito API action of the same name.
 */
export class LocalUserPool {
  private readonly users = new Map<string, LocalUser>();
  private readonly sessions = new Map<string, AuthSession>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly revokedOrigins = new Set<string>();
  /** Keys the stand-in SRP salt of unknown users, so a name shows the same salt on every try. */
  private readonly fakeSaltKey = randomBytes(32);
  private readonly now: () => number;

  public constructor(private readonly options: LocalUserPoolOptions) {
    this.now = options.clock ?? Date.now;
  }

  public get userPoolId(): string {
    return this.options.userPoolId;
  }

  /** The pool's signing key, whose JWKS the endpoint serves. */
  public get signer(): TokenSigner {
    return this.options.signer;
  }

  public hasClient(clientId: string): boolean {
    return this.options.clients.some((client) => client.clientId === clientId);
  }

  // ------------------------------------------------------------------------------------------
  // Sign-in

  public async InitiateAuth(request: Json): Promise<Json> {
    const client = this.client(request.ClientId);
    const parameters: Record<string, string> = request.AuthParameters ?? {};
    const flow = String(request.AuthFlow);
    if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
      return this.refresh(client, parameters.REFRESH_TOKEN);
    }
    if (!['CUSTOM_AUTH', 'USER_SRP_AUTH', 'USER_PASSWORD_AUTH'].includes(flow)) {
      throw new CognitoError('InvalidParameterException',
        `${flow} is not supported locally (CUSTOM_AUTH, USER_SRP_AUTH, USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH are)`);
    }
    if (!client.explicitAuthFlows.includes(`ALLOW_${flow}`)) {
      throw new CognitoError('InvalidParameterException', `${flow} flow not enabled for this client`);
    }
    const signInName = required(parameters, 'USERNAME');
    const user = this.signInUser(client, signInName);
    if (flow === 'USER_PASSWORD_AUTH') {
      const srp = user?.srp ?? this.fakeVerifier(signInName);
      const given = createVerifier(this.userPoolId, user?.username ?? signInName, required(parameters, 'PASSWORD'), Buffer.from(srp.salt, 'hex'));
      const correct = user !== undefined && given.verifier === srp.verifier;
      if (!correct) {
        throw INCORRECT();
      }
      return this.tokens(client, user);
    }
    if (flow === 'USER_SRP_AUTH') {
      return this.passwordVerifierChallenge(client, signInName, user, [], required(parameters, 'SRP_A'));
    }
    // CUSTOM_AUTH: with SRP_A the session starts with the password step, which Define decides on.
    const withSrp = parameters.CHALLENGE_NAME === 'SRP_A' && parameters.SRP_A !== undefined;
    const history = withSrp ? [{ challengeName: 'SRP_A', challengeResult: true }] : [];
    return this.nextStep(client, signInName, user, history, request.ClientMetadata, withSrp ? parameters.SRP_A : undefined);
  }

  public async RespondToAuthChallenge(request: Json): Promise<Json> {
    const client = this.client(request.ClientId);
    const responses: Record<string, string> = request.ChallengeResponses ?? {};
    const session = this.sessions.get(String(request.Session));
    this.sessions.delete(String(request.Session)); // single use
    const matches = session && session.clientId === client.clientId && session.challengeName === request.ChallengeName
      && this.namesSessionUser(session, responses.USERNAME);
    if (!session || !matches) {
      throw new CognitoError('NotAuthorizedException', 'Invalid session for the user.');
    }
    if (session.expiresAt <= this.now()) {
      throw new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    }
    if (session.challengeName === 'PASSWORD_VERIFIER') {
      const correct = session.user !== undefined && session.user.srp !== undefined && session.srp!.server.verify(this.userPoolId,
        session.srp!.userIdForSrp, session.srp!.clientPublic, {
          secretBlock: responses.PASSWORD_CLAIM_SECRET_BLOCK ?? '',
          signature: responses.PASSWORD_CLAIM_SIGNATURE ?? '',
          timestamp: responses.TIMESTAMP ?? '',
        });
      if (!session.history.length) { // USER_SRP_AUTH: no triggers, the password decides
        if (!correct) {
          throw INCORRECT();
        }
        return this.tokens(client, session.user!);
      }
      const history = [...session.history, { challengeName: 'PASSWORD_VERIFIER', challengeResult: correct }];
      return this.nextStep(client, session.signInName, session.user, history, request.ClientMetadata);
    }
    const verified = await this.invoke('verify', 'VerifyAuthChallengeResponse_Authentication', client, session.signInName, session.user, {
      userAttributes: this.triggerAttributes(session.user),
      privateChallengeParameters: session.privateChallengeParameters ?? {},
      challengeAnswer: responses.ANSWER ?? '',
      clientMetadata: request.ClientMetadata ?? {},
      userNotFound: session.user === undefined,
    }, { answerCorrect: null });
    const entry = { challengeName: 'CUSTOM_CHALLENGE', challengeResult: verified.answerCorrect === true, challengeMetadata: session.challengeMetadata };
    return this.nextStep(client, session.signInName, session.user, [...session.history, entry], request.ClientMetadata);
  }

  private async nextStep(client: ClientSettings, signInName: string, user: LocalUser | undefined, history: HistoryEntry[],
    clientMetadata: Record<string, string> | undefined, srpA?: string): Promise<Json> {
    const common = {
      userAttributes: this.triggerAttributes(user),
      session: history,
      clientMetadata: clientMetadata ?? {},
      userNotFound: user === undefined,
    };
    const decision = await this.invoke('define', 'DefineAuthChallenge_Authentication', client, signInName, user, common,
      { challengeName: null, issueTokens: null, failAuthentication: null });
    if (decision.issueTokens === true && decision.failAuthentication !== true && user !== undefined) {
      return this.tokens(client, user);
    }
    if (decision.failAuthentication === true || decision.issueTokens === true) {
      throw INCORRECT();
    }
    if (decision.challengeName === 'PASSWORD_VERIFIER' && srpA !== undefined) {
      return this.passwordVerifierChallenge(client, signInName, user, history, srpA);
    }
    if (decision.challengeName !== 'CUSTOM_CHALLENGE') {
      throw new CognitoError('InvalidLambdaResponseException', 'Unrecognizable lambda output');
    }
    const created = await this.invoke('create', 'CreateAuthChallenge_Authentication', client, signInName, user,
      { ...common, challengeName: 'CUSTOM_CHALLENGE' },
      { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null });
    return this.openSession({
      clientId: client.clientId,
      signInName,
      user,
      history,
      challengeName: 'CUSTOM_CHALLENGE',
      expiresAt: this.sessionExpiry(client),
      privateChallengeParameters: created.privateChallengeParameters ?? {},
      challengeMetadata: created.challengeMetadata ?? undefined,
    }, { ...(created.publicChallengeParameters ?? {}), USERNAME: this.publicUsername(user, signInName) });
  }

  private passwordVerifierChallenge(client: ClientSettings, signInName: string, user: LocalUser | undefined,
    history: HistoryEntry[], srpA: string): Json {
    const userIdForSrp = this.publicUsername(user, signInName);
    const verifier = user?.srp ?? this.fakeVerifier(signInName);
    const server = new SrpServerSession(verifier);
    return this.openSession({
      clientId: client.clientId,
      signInName,
      user,
      history,
      challengeName: 'PASSWORD_VERIFIER',
      expiresAt: this.sessionExpiry(client),
      srp: { server, clientPublic: srpA, userIdForSrp },
    }, {
      SALT: verifier.salt,
      SRP_B: server.serverPublic,
      SECRET_BLOCK: server.secretBlock,
      USERNAME: userIdForSrp,
      USER_ID_FOR_SRP: userIdForSrp,
    });
  }

  private openSession(session: AuthSession, challengeParameters: Record<string, string>): Json {
    const token = randomBytes(96).toString('base64');
    this.sessions.set(token, session);
    return { ChallengeName: session.challengeName, ChallengeParameters: challengeParameters, Session: token };
  }

  private sessionExpiry(client: ClientSettings): number {
    return this.now() + client.authSessionValidityMinutes * 60_000;
  }

  private namesSessionUser(session: AuthSession, username: string | undefined): boolean {
    const name = String(username ?? '').toLowerCase();
    return name === session.signInName.toLowerCase() || name === this.publicUsername(session.user, session.signInName).toLowerCase()
      || (session.user !== undefined && this.findUser(name) === session.user);
  }

  /**
   * The USERNAME (and USER_ID_FOR_SRP) a challenge names: the internal username, a UUID in pools that
   * sign in by email or phone. An unknown name there gets a stand-in UUID, stable per name, so the
   * parameter does not tell known from unknown users.
   */
  private publicUsername(user: LocalUser | undefined, signInName: string): string {
    if (user || this.options.usernameAttributes.length === 0) {
      return user?.username ?? signInName;
    }
    const hex = createHmac('sha256', this.fakeSaltKey).update(`username:${signInName.toLowerCase()}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** A verifier no password matches, with a salt stable per name: what an unknown user's PASSWORD_VERIFIER uses. */
  private fakeVerifier(name: string): SrpVerifier {
    const salt = createHmac('sha256', this.fakeSaltKey).update(name.toLowerCase()).digest().subarray(0, 16);
    return createVerifier(this.userPoolId, name, randomBytes(32).toString('hex'), salt);
  }

  private async invoke(trigger: TriggerName, triggerSource: string, client: ClientSettings, signInName: string, user: LocalUser | undefined,
    request: Record<string, unknown>, response: Record<string, unknown>): Promise<any> {
    const event: TriggerEvent = {
      version: '1',
      region: this.options.region,
      userPoolId: this.userPoolId,
      userName: user?.username ?? signInName,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: client.clientId },
      triggerSource,
      request: structuredClone(request),
      response,
    };
    let result;
    try {
      result = await this.options.invokeTrigger(trigger, event);
    } catch (error) {
      if (error instanceof CognitoError) {
        throw error;
      }
      throw new CognitoError('UserLambdaValidationException', `${TRIGGERS[trigger]} failed with error ${(error as Error).message}.`);
    }
    if (typeof result?.response !== 'object' || result.response === null) {
      throw new CognitoError('InvalidLambdaResponseException', 'Unrecognizable lambda output');
    }
    return result.response;
  }

  private async tokens(client: ClientSettings, user: LocalUser): Promise<Json> {
    const now = Math.floor(this.now() / 1000);
    const refreshToken = randomBytes(96).toString('base64url');
    const grant = {
      username: user.username,
      clientId: client.clientId,
      originJti: randomUUID(),
      authTime: now,
      expiresAt: now + client.refreshTokenValiditySeconds,
    };
    this.refreshTokens.set(refreshToken, grant);
    return { ChallengeParameters: {}, AuthenticationResult: { ...(await this.issue(client, user, grant, now)), RefreshToken: refreshToken } };
  }

  private async issue(client: ClientSettings, user: LocalUser, grant: RefreshGrant, now: number): Promise<Json> {
    const { idToken, accessToken } = await this.options.signer.issue({
      sub: user.attributes.sub,
      username: user.username,
      clientId: client.clientId,
      attributes: user.attributes,
      authTime: grant.authTime,
      originJti: grant.originJti,
    }, now, { idToken: client.idTokenValiditySeconds, accessToken: client.accessTokenValiditySeconds });
    return { AccessToken: accessToken, IdToken: idToken, ExpiresIn: client.accessTokenValiditySeconds, TokenType: 'Bearer' };
  }

  private async refresh(client: ClientSettings, token: string | undefined): Promise<Json> {
    if (!client.explicitAuthFlows.includes('ALLOW_REFRESH_TOKEN_AUTH')) {
      throw new CognitoError('InvalidParameterException', 'REFRESH_TOKEN_AUTH flow not enabled for this client');
    }
    const now = Math.floor(this.now() / 1000);
    const grant = this.refreshTokens.get(String(token));
    const user = grant && this.users.get(grant.username);
    if (!grant || grant.clientId !== client.clientId || grant.expiresAt <= now || this.revokedOrigins.has(grant.originJti) || !user) {
      throw new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');
    }
    return { ChallengeParameters: {}, AuthenticationResult: await this.issue(client, user, grant, now) };
  }

  // ------------------------------------------------------------------------------------------
  // Tokens

  /** What Amplify JS v6 refreshes with: REFRESH_TOKEN_AUTH by another name (refresh token rotation is off). */
  public async GetTokensFromRefreshToken(request: Json): Promise<Json> {
    return { AuthenticationResult: (await this.refresh(this.client(request.ClientId), request.RefreshToken)).AuthenticationResult };
  }

  public async GetUser(request: Json): Promise<Json> {
    const user = await this.userOfAccessToken(request.AccessToken);
    return { Username: user.username, UserAttributes: attributeList(user.attributes) };
  }

  public async GlobalSignOut(request: Json): Promise<Json> {
    const user = await this.userOfAccessToken(request.AccessToken);
    for (const [token, grant] of this.refreshTokens) {
      if (grant.username === user.username) {
        this.revokedOrigins.add(grant.originJti);
        this.refreshTokens.delete(token);
      }
    }
    return {};
  }

  public RevokeToken(request: Json): Json {
    const client = this.client(request.ClientId);
    const grant = this.refreshTokens.get(String(request.Token));
    if (grant && grant.clientId !== client.clientId) {
      throw new CognitoError('UnauthorizedException', 'Client is not authorized to revoke the token.');
    }
    if (grant) {
      this.revokedOrigins.add(grant.originJti);
      this.refreshTokens.delete(String(request.Token));
    }
    return {};
  }

  private async userOfAccessToken(token: unknown): Promise<LocalUser> {
    const claims = await this.options.signer.verifyAccessToken(String(token ?? ''), Math.floor(this.now() / 1000));
    if (!claims) {
      throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
    }
    if (this.revokedOrigins.has(claims.origin_jti)) {
      throw new CognitoError('NotAuthorizedException', 'Access Token has been revoked');
    }
    const user = this.users.get(claims.username);
    if (!user) {
      throw new CognitoError('UserNotFoundException', 'User does not exist.');
    }
    return user;
  }

  // ------------------------------------------------------------------------------------------
  // Sign-up and administration

  public SignUp(request: Json): Json {
    this.client(request.ClientId);
    if (this.options.allowAdminCreateUserOnly) {
      throw new CognitoError('NotAuthorizedException', 'SignUp is not permitted for this user pool');
    }
    // A client cannot mark its own address verified: that takes the code Cognito sends to it.
    const attributes = (request.UserAttributes ?? []).filter(({ Name }: { Name: string }) => !String(Name).endsWith('_verified'));
    const user = this.createUser(String(request.Username ?? ''), attributes, 'UNCONFIRMED');
    this.setPassword(user, required(request, 'Password'));
    const email = user.attributes.email;
    if (email && this.options.autoVerifiedAttributes.includes('email')) {
      user.confirmationCode = generateCode(6);
      const fill = (text: string) => text.replace(/\{####\}/g, user.confirmationCode!);
      this.options.sendMessage({ to: email, channel: 'email', subject: fill(this.options.verificationEmail.subject), body: fill(this.options.verificationEmail.message) });
    }
    return {
      UserConfirmed: false,
      UserSub: user.attributes.sub,
      ...(email ? { CodeDeliveryDetails: { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' } } : {}),
    };
  }

  public ConfirmSignUp(request: Json): Json {
    this.client(request.ClientId);
    const user = this.findUser(String(request.Username ?? ''));
    const given = Buffer.from(String(request.ConfirmationCode ?? ''));
    const expected = Buffer.from(user?.confirmationCode ?? randomBytes(8).toString('hex'));
    if (!user || user.status !== 'UNCONFIRMED' || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
    }
    user.status = 'CONFIRMED';
    user.confirmationCode = undefined;
    if (user.attributes.email) {
      user.attributes.email_verified = 'true';
    }
    user.modifiedAt = this.now();
    return {};
  }

  /** Confirms a signed-up user; verifies no address. */
  public AdminConfirmSignUp(request: Json): Json {
    this.checkPool(request);
    const user = this.existingUser(request.Username);
    if (user.status !== 'UNCONFIRMED') {
      throw new CognitoError('NotAuthorizedException', `User cannot be confirmed. Current status is ${user.status}`);
    }
    user.status = 'CONFIRMED';
    user.confirmationCode = undefined;
    user.modifiedAt = this.now();
    return {};
  }

  public AdminCreateUser(request: Json): Json {
    this.checkPool(request);
    const user = this.createUser(String(request.Username ?? ''), request.UserAttributes ?? [], 'FORCE_CHANGE_PASSWORD');
    this.setPassword(user, typeof request.TemporaryPassword === 'string' ? request.TemporaryPassword : `Tmp-${randomBytes(12).toString('base64url')}1!a`);
    return { User: this.describe(user, 'Attributes') };
  }

  public AdminSetUserPassword(request: Json): Json {
    this.checkPool(request);
    const user = this.existingUser(request.Username);
    this.setPassword(user, required(request, 'Password'));
    user.status = request.Permanent === true ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
    return {};
  }

  public AdminGetUser(request: Json): Json {
    this.checkPool(request);
    return this.describe(this.existingUser(request.Username), 'UserAttributes');
  }

  public AdminDeleteUser(request: Json): Json {
    this.checkPool(request);
    this.users.delete(this.existingUser(request.Username).username);
    return {};
  }

  public AdminUpdateUserAttributes(request: Json): Json {
    this.checkPool(request);
    const user = this.existingUser(request.Username);
    for (const { Name, Value } of request.UserAttributes ?? []) {
      if (Name === 'sub') {
        throw new CognitoError('InvalidParameterException', 'Cannot modify the non-mutable attribute sub');
      }
      user.attributes[Name] = String(Value);
    }
    user.modifiedAt = this.now();
    return {};
  }

  public ListUsers(request: Json): Json {
    this.checkPool(request);
    // Cognito's filter syntax: `attribute = "value"` or `attribute ^= "prefix"`.
    const filter = /^\s*([\w:]+)\s*(\^?=)\s*"(.*)"\s*$/.exec(String(request.Filter ?? ''));
    const matches = (user: LocalUser) => {
      if (!filter) {
        return true;
      }
      const [, name, operator, value] = filter;
      const actual = name === 'username' ? user.username : name === 'status' ? user.status : user.attributes[name];
      return actual !== undefined && (operator === '=' ? actual === value : actual.startsWith(value));
    };
    const users = [...this.users.values()].filter(matches).slice(0, Number(request.Limit ?? 60));
    return { Users: users.map((user) => this.describe(user, 'Attributes')) };
  }

  /** Creates a user from a users file entry: confirmed, with a permanent password if one is given. */
  public addUser(username: string, attributes: Record<string, string>, password?: string): LocalUser {
    const user = this.createUser(username, attributeList(attributes), 'CONFIRMED');
    if (password !== undefined) {
      this.setPassword(user, password);
    }
    return user;
  }

  private createUser(name: string, attributes: Array<{ Name: string; Value: string }>, status: LocalUser['status']): LocalUser {
    if (!name) {
      throw new CognitoError('InvalidParameterException', '1 validation error detected: Value at \'username\' failed to satisfy constraint: Member must not be null');
    }
    if (this.findUser(name)) {
      throw new CognitoError('UsernameExistsException', 'User already exists');
    }
    const byAttribute = this.options.usernameAttributes.includes('email') && name.includes('@') ? 'email'
      : this.options.usernameAttributes.includes('phone_number') && name.startsWith('+') ? 'phone_number' : undefined;
    if (this.options.usernameAttributes.length > 0 && !byAttribute) {
      throw new CognitoError('InvalidParameterException', `Username should be ${this.options.usernameAttributes.join(' or ')}.`);
    }
    const sub = randomUUID();
    const now = this.now();
    const user: LocalUser = {
      username: byAttribute ? sub : name,
      attributes: {
        ...Object.fromEntries(attributes.map(({ Name, Value }) => [Name, String(Value)])),
        ...(byAttribute ? { [byAttribute]: name } : {}),
        sub,
      },
      status,
      createdAt: now,
      modifiedAt: now,
    };
    this.users.set(user.username, user);
    return user;
  }

  private setPassword(user: LocalUser, password: string): void {
    const policy = this.options.passwordPolicy;
    const problems = [
      password.length < (policy.MinimumLength ?? 8) && `must have length at least ${policy.MinimumLength ?? 8}`,
      policy.RequireLowercase && !/[a-z]/.test(password) && 'must have lowercase characters',
      policy.RequireUppercase && !/[A-Z]/.test(password) && 'must have uppercase characters',
      policy.RequireNumbers && !/[0-9]/.test(password) && 'must have numeric characters',
      policy.RequireSymbols && !/[^A-Za-z0-9]/.test(password) && 'must have symbol characters',
    ].filter(Boolean);
    if (problems.length > 0) {
      throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: Password ${problems[0]}`);
    }
    user.srp = createVerifier(this.userPoolId, user.username, password);
    user.modifiedAt = this.now();
  }

  private describe(user: LocalUser, attributesKey: 'Attributes' | 'UserAttributes'): Json {
    return {
      Username: user.username,
      [attributesKey]: attributeList(user.attributes),
      UserStatus: user.status,
      Enabled: true,
      UserCreateDate: user.createdAt / 1000,
      UserLastModifiedDate: user.modifiedAt / 1000,
    };
  }

  private findUser(name: string): LocalUser | undefined {
    const lower = name.toLowerCase();
    const isAlias = (user: LocalUser, attribute: string) => user.attributes[attribute]?.toLowerCase() === lower
      && (attribute === 'preferred_username' || user.attributes[`${attribute}_verified`] === 'true');
    return this.users.get(name) ?? [...this.users.values()].find((user) => user.username.toLowerCase() === lower
      || this.options.usernameAttributes.some((attribute) => user.attributes[attribute]?.toLowerCase() === lower)
      || (this.options.aliasAttributes ?? []).some((attribute) => isAlias(user, attribute)));
  }

  /** The user a sign-in names; an unknown user is an error only when the client does not prevent user existence errors. */
  private signInUser(client: ClientSettings, name: string): LocalUser | undefined {
    const user = this.findUser(name);
    if (!user && !client.preventUserExistenceErrors) {
      throw new CognitoError('UserNotFoundException', 'User does not exist.');
    }
    if (user?.status === 'UNCONFIRMED') {
      throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
    }
    return user;
  }

  private existingUser(name: unknown): LocalUser {
    const user = this.findUser(String(name ?? ''));
    if (!user) {
      throw new CognitoError('UserNotFoundException', 'User does not exist.');
    }
    return user;
  }

  private triggerAttributes(user: LocalUser | undefined): Record<string, string> {
    return user ? { ...user.attributes, 'cognito:user_status': user.status } : {};
  }

  private client(clientId: unknown): ClientSettings {
    const client = this.options.clients.find((candidate) => candidate.clientId === clientId);
    if (!client) {
      throw new CognitoError('ResourceNotFoundException', `User pool client ${String(clientId)} does not exist.`);
    }
    return client;
  }

  private checkPool(request: Json): void {
    if (request.UserPoolId !== this.userPoolId) {
      throw new CognitoError('ResourceNotFoundException', `User pool ${String(request.UserPoolId)} does not exist.`);
    }
  }
}

function required(parameters: Record<string, unknown>, name: string): string {
  const value = parameters[name];
  if (typeof value !== 'string' || value === '') {
    throw new CognitoError('InvalidParameterException', `Missing required parameter ${name}`);
  }
  return value;
}

function attributeList(attributes: Record<string, string>): Array<{ Name: string; Value: string }> {
  return Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));
}
