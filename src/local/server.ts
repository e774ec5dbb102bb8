import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { functionNameOf, PoolSpec, readPools, resolveValue, stableId, TRIGGERS, type TriggerName } from './assembly';
import { LocalAwsEndpoints, type ReceivedMessage } from './aws-endpoints';
import { FunctionHost, InvocationError } from './function-host';
import { TokenSigner } from './tokens';
import { ClientSettings, CognitoError, LocalUserPool } from './user-pool';

/** A user to create at start (`--users`). */
export interface UserEntry {
  /** Only in the pools of this stack; by default in every pool. */
  readonly stack?: string;
  readonly username: string;
  readonly password?: string;
  readonly attributes?: Record<string, string>;
}

export interface LocalCognitoOptions {
  /** The cloud assembly directory. */
  readonly app: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  readonly users?: readonly UserEntry[];
  /** Only the pools of this stack. */
  readonly stack?: string;
  /** Human-readable lines (messages, users). */
  readonly print?: (line: string) => void;
  /** The functions' log lines. */
  readonly functionLog?: (line: string) => void;
}

/** One pool as the first stdout line describes it. */
export interface RunningPool {
  readonly stack: string;
  readonly path: string;
  readonly userPoolId: string;
  /** The pool's first app client that allows custom auth (the construct's own). */
  readonly userPoolClientId: string;
  readonly region: string;
  /** Every app client of the pool (clients added with `userPool.addClient()` too), those that allow custom auth first. */
  readonly userPoolClientIds: string[];
}

/** One message of the mailbox, `GET /_local/messages`. */
export interface MailboxEntry {
  readonly to: string;
  readonly channel: string;
  readonly subject?: string;
  readonly body: string;
  readonly at: string;
}

/** The Cognito user pools API actions served locally. */
const ACTIONS = ['InitiateAuth', 'RespondToAuthChallenge', 'GetTokensFromRefreshToken', 'GetUser', 'GlobalSignOut', 'RevokeToken', 'SignUp', 'ConfirmSignUp',
  'AdminConfirmSignUp', 'AdminCreateUser', 'AdminSetUserPassword', 'AdminGetUser', 'AdminDeleteUser', 'AdminUpdateUserAttributes', 'ListUsers'] as const;
type Action = typeof ACTIONS[number];

/** Actions that need IAM credentials on Cognito: never answered to a web page (below). */
const ADMIN_ACTIONS: ReadonlySet<string> = new Set(ACTIONS.filter((action) => action.startsWith('Admin') || action === 'ListUsers'));

/**
 * Browsers send `Origin` with every cross-origin request, scripts and the AWS SDK in Node.js do not.
 * Any web page open on this machine can reach a loopback port, and CORS lets it read the answers as it
 * does Cognito's, so what Cognito guards with IAM (admin actions) or does not have (the mailbox, the
 * clock) is answered only to requests without one.
 */
function fromWebPage(req: IncomingMessage): boolean {
  return req.headers.origin !== undefined;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, x-amz-target, x-amz-user-agent, x-amz-date, x-amz-security-token, authorization, '
    + 'amz-sdk-invocation-id, amz-sdk-request, cache-control',
  'access-control-expose-headers': 'x-amzn-requestid, x-amzn-errortype, x-amzn-errormessage, date',
  'access-control-max-age': '86400',
};

/**
 * A local Cognito endpoint for a synthesized app: the user pools API (AWS JSON 1.1) in front of each
 * pool with custom auth triggers, the triggers run from the assembly's assets, a JWKS per pool, a
 * mailbox of every message sent, and local SES, SNS, Lambda (custom sender) and DynamoDB endpoints.
 */
export class LocalCognitoServer {
  public static async start(options: LocalCognitoOptions): Promise<LocalCognitoServer> {
    const specs = readPools(options.app).filter((pool) => options.stack === undefined || pool.stack === options.stack);
    if (specs.length === 0) {
      throw new Error(`no user pool with custom auth triggers (DefineAuthChallenge, CreateAuthChallenge, VerifyAuthChallengeResponse) in ${options.app}`
        + (options.stack ? ` in stack ${options.stack}` : ''));
    }
    const server = new LocalCognitoServer(options);
    await server.listen(options.port, options.host ?? '127.0.0.1');
    try {
      for (const spec of specs) {
        await server.addPool(spec);
      }
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  public endpoint = '';
  public readonly pools: RunningPool[] = [];
  /** Moves the endpoint's clock (sessions, tokens) ahead: `POST /_local/clock {"advanceSeconds": n}`. */
  private clockOffsetMillis = 0;
  /** The API actions received, oldest first: `GET /_local/requests`. */
  private readonly requests: Array<{ action: string; status: number; at: string }> = [];
  private readonly userPools: LocalUserPool[] = [];
  private readonly hosts: FunctionHost[] = [];
  private readonly aws = new LocalAwsEndpoints();
  private readonly http: Server = createServer((req, res) => void this.handle(req, res));
  private readonly print: (line: string) => void;

  private constructor(private readonly options: LocalCognitoOptions) {
    this.print = options.print ?? (() => undefined);
  }

  /** Every message sent, oldest first, as `GET /_local/messages` lists them. */
  public get messages(): MailboxEntry[] {
    return this.aws.received.map(mailboxEntry);
  }

  public async stop(): Promise<void> {
    await Promise.all(this.hosts.map((host) => host.stop()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    await this.aws.stop();
  }

  private async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, resolve);
    });
    this.endpoint = `http://${host}:${(this.http.address() as AddressInfo).port}`;
    await this.aws.listen();
    this.aws.onMessage((message) => {
      const entry = mailboxEntry(message);
      this.print(`Message by ${entry.channel} to ${entry.to}${entry.subject ? ` "${entry.subject}"` : ''}: ${entry.body}`);
    });
  }

  private async addPool(spec: PoolSpec): Promise<void> {
    const seed = `${spec.stack}${spec.path}`;
    const userPoolId = `${spec.region}_${stableId(seed, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 9)}`;
    const arn = (service: string, resource: string) => `arn:aws:${service}:${spec.region}:${spec.account}:${resource}`;
    const tables = new Map<string, string>();
    for (const [logicalId, resource] of Object.entries(spec.resources)) {
      if (resource.Type === 'AWS::DynamoDB::Table') {
        const name = typeof resource.Properties?.TableName === 'string' ? resource.Properties.TableName : `${spec.stack}-${logicalId}`;
        tables.set(logicalId, await this.aws.dynamodb.createTable(`${name}-${tables.size}-${this.userPools.length}`, resource.Properties as any));
      }
    }
    const functionName = (logicalId: string) => functionNameOf(spec.stack, logicalId, spec.resources[logicalId]);
    // A Ref is the resource's name (or id), Fn::GetAtt Arn its ARN; no other attribute has a local counterpart.
    const refOrArn = (attribute: string | undefined, name: string | undefined, service: string, resourcePrefix: string) =>
      attribute === 'Arn' ? arn(service, `${resourcePrefix}${name}`) : attribute ? undefined : name;
    const resolver = (logicalId: string, attribute?: string): string | undefined => {
      const type = spec.resources[logicalId]?.Type;
      if (type === 'AWS::DynamoDB::Table') {
        return refOrArn(attribute, tables.get(logicalId), 'dynamodb', 'table/');
      }
      if (type === 'AWS::Cognito::UserPool' && logicalId === spec.logicalId) {
        return refOrArn(attribute, userPoolId, 'cognito-idp', 'userpool/');
      }
      if (type === 'AWS::Lambda::Function') {
        return refOrArn(attribute, functionName(logicalId), 'lambda', 'function:');
      }
      return undefined;
    };
    const hosts = {} as Record<TriggerName, FunctionHost>;
    for (const trigger of Object.keys(TRIGGERS) as TriggerName[]) {
      const fn = spec.triggers[trigger];
      const variables = Object.fromEntries(Object.entries(fn.environment).map(([name, value]) => {
        try {
          return [name, resolveValue(value, spec, resolver)];
        } catch (error) {
          throw new Error(`${spec.stack}/${fn.logicalId}: environment variable ${name}: ${(error as Error).message}`);
        }
      }));
      const label = `${spec.stack}/${TRIGGERS[trigger]}`;
      hosts[trigger] = new FunctionHost(fn, { ...variables, ...this.lambdaRuntimeEnvironment(spec, fn.functionName, fn.memoryMegabytes) },
        arn('lambda', `function:${fn.functionName}`), (line) => (this.options.functionLog ?? console.error)(`[${label}] ${line}`));
      this.hosts.push(hosts[trigger]);
    }
    const signer = TokenSigner.create(`${this.endpoint}/${userPoolId}`);
    const clients = spec.clients.map((client) => clientSettings(stableId(`${seed}${client.logicalId}`, 'abcdefghijklmnopqrstuvwxyz0123456789', 26), client.properties));
    const properties = spec.properties;
    const pool = new LocalUserPool({
      userPoolId,
      region: spec.region,
      clients,
      usernameAttributes: properties.UsernameAttributes ?? [],
      aliasAttributes: properties.AliasAttributes ?? [],
      autoVerifiedAttributes: properties.AutoVerifiedAttributes ?? [],
      allowAdminCreateUserOnly: properties.AdminCreateUserConfig?.AllowAdminCreateUserOnly === true,
      passwordPolicy: properties.Policies?.PasswordPolicy ?? {},
      verificationEmail: {
        subject: properties.VerificationMessageTemplate?.EmailSubject ?? properties.EmailVerificationSubject ?? 'Your verification code',
        message: properties.VerificationMessageTemplate?.EmailMessage ?? properties.EmailVerificationMessage ?? 'Your verification code is {####}.',
      },
      signer,
      clock: () => Date.now() + this.clockOffsetMillis,
      sendMessage: (message) => this.aws.record({ ...message, to: [message.to], attributes: {} }),
      invokeTrigger: async (trigger, event) => {
        try {
          return await hosts[trigger].invokeAsCognito(event);
        } catch (error) {
          if (error instanceof InvocationError && error.kind === 'cognito-timeout') {
            throw new CognitoError('UnexpectedLambdaException', `${TRIGGERS[trigger]} did not answer within 5 seconds in 3 tries.`);
          }
          throw error;
        }
      },
    });
    for (const user of (this.options.users ?? []).filter((entry) => entry.stack === undefined || entry.stack === spec.stack)) {
      let created;
      try {
        created = pool.addUser(user.username, user.attributes ?? {}, user.password);
      } catch (error) {
        // Pools of one app may differ (username or email as username): say how to aim an entry at one stack.
        const everyPool = user.stack === undefined ? ` (an entry without "stack" is created in every pool: give it "stack": "${spec.stack}" or another stack)` : '';
        throw new Error(`--users: ${user.username} in ${spec.stack} (${userPoolId}): ${(error as Error).message}${everyPool}`);
      }
      this.print(`User ${user.username} (${created.username}) created in ${userPoolId}${user.password === undefined ? ', no password' : ''}`);
    }
    this.userPools.push(pool);
    this.pools.push({
      stack: spec.stack,
      path: spec.path,
      userPoolId,
      userPoolClientId: clients[0]?.clientId ?? '',
      region: spec.region,
      userPoolClientIds: clients.map((client) => client.clientId),
    });
  }

  /** What Lambda's runtime sets, with the AWS SDK (and the handlers' own signed calls) pointed at the local endpoints. */
  private lambdaRuntimeEnvironment(spec: PoolSpec, functionName: string, memory: number): Record<string, string> {
    return {
      ...this.aws.environment,
      AWS_REGION: spec.region,
      AWS_DEFAULT_REGION: spec.region,
      AWS_SESSION_TOKEN: 'local-session-token',
      AWS_LAMBDA_FUNCTION_NAME: functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      TZ: 'UTC',
      ...(process.env.PATH ? { PATH: process.env.PATH } : {}),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    for (const [name, value] of Object.entries(CORS_HEADERS)) {
      res.setHeader(name, value);
    }
    const url = new URL(req.url ?? '/', this.endpoint);
    const json = (status: number, body: unknown, contentType = 'application/json') =>
      res.writeHead(status, { 'content-type': contentType }).end(JSON.stringify(body));
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname.startsWith('/_local/') && fromWebPage(req)) {
      json(403, { message: `${url.pathname} answers scripts and tests on this machine, not web pages (the request has an Origin header)` });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/_local/messages') {
      json(200, this.messages);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/_local/requests') {
      json(200, this.requests);
      return;
    }
    const wellKnown = /^\/([\w-]+_\w+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec(url.pathname);
    const signer = wellKnown && this.userPools.find((pool) => pool.userPoolId === wellKnown[1])?.signer;
    if (req.method === 'GET' && signer) {
      json(200, wellKnown[2] === 'jwks.json' ? signer.jwks()
        : { issuer: signer.issuer, jwks_uri: `${signer.issuer}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256'], subject_types_supported: ['public'] });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/_local/clock') {
      const { advanceSeconds } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      if (typeof advanceSeconds !== 'number' || !(advanceSeconds >= 0)) {
        json(400, { message: 'advanceSeconds must be a number of seconds, 0 or more' });
        return;
      }
      this.clockOffsetMillis += advanceSeconds * 1000;
      json(200, { offsetSeconds: this.clockOffsetMillis / 1000 });
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || !target.startsWith('AWSCognitoIdentityProviderService.')) {
      json(404, { message: `Not found: ${req.method} ${url.pathname}` });
      return;
    }
    const action = target.slice('AWSCognitoIdentityProviderService.'.length);
    try {
      const request = parseRequest(Buffer.concat(chunks).toString('utf8'));
      if (!(ACTIONS as readonly string[]).includes(action)) {
        throw new CognitoError('UnsupportedOperationException', `${action} is not supported locally by cdk-cognito-custom-auth local (supported: ${ACTIONS.join(', ')})`);
      }
      if (ADMIN_ACTIONS.has(action) && fromWebPage(req)) {
        throw new CognitoError('AccessDeniedException', `${action} needs IAM credentials on Cognito; locally it answers scripts and tests, `
          + 'not web pages (the request has an Origin header)');
      }
      const pool = this.poolFor(request);
      const result = await pool[action as Action](request);
      this.requests.push({ action, status: 200, at: new Date().toISOString() });
      json(200, result, 'application/x-amz-json-1.1');
    } catch (error) {
      const known = error instanceof CognitoError;
      const code = known ? error.code : 'InternalErrorException';
      if (!known) {
        console.error(`${action} failed: ${(error as Error)?.stack ?? error}`);
      }
      this.requests.push({ action, status: known ? 400 : 500, at: new Date().toISOString() });
      res.setHeader('x-amzn-errortype', code);
      json(known ? 400 : 500, { __type: code, message: known ? error.message : 'Internal error' }, 'application/x-amz-json-1.1');
    }
  }

  /** The pool a request is for: by its UserPoolId, ClientId, or the issuer of its AccessToken. */
  private poolFor(request: Record<string, unknown>): LocalUserPool {
    let pool: LocalUserPool | undefined;
    if (typeof request.UserPoolId === 'string') {
      pool = this.userPools.find((candidate) => candidate.userPoolId === request.UserPoolId);
      if (!pool) {
        throw new CognitoError('ResourceNotFoundException', `User pool ${request.UserPoolId} does not exist.`);
      }
    } else if (typeof request.ClientId === 'string') {
      pool = this.userPools.find((candidate) => candidate.hasClient(request.ClientId as string));
      if (!pool) {
        throw new CognitoError('ResourceNotFoundException', `User pool client ${request.ClientId} does not exist.`);
      }
    } else if (typeof request.AccessToken === 'string') {
      const issuer = issuerOf(request.AccessToken);
      pool = this.userPools.find((candidate) => issuer === candidate.signer.issuer);
      if (!pool) {
        throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
      }
    }
    if (!pool) {
      throw new CognitoError('InvalidParameterException', 'Missing UserPoolId, ClientId or AccessToken');
    }
    return pool;
  }
}

function parseRequest(body: string): Record<string, unknown> {
  try {
    const request = JSON.parse(body || '{}');
    if (typeof request === 'object' && request !== null && !Array.isArray(request)) {
      return request;
    }
  } catch {
    // answered below, as Cognito answers a body that is not a JSON object
  }
  throw new CognitoError('SerializationException', 'The request body is not a JSON object');
}

function issuerOf(token: string): string | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).iss;
  } catch {
    return undefined;
  }
}

function mailboxEntry(message: ReceivedMessage): MailboxEntry {
  return { to: message.to.join(', '), channel: message.channel, ...(message.subject !== undefined ? { subject: message.subject } : {}), body: message.body, at: message.at };
}

/** An app client's settings from its template, with Cognito's defaults. */
function clientSettings(clientId: string, properties: Record<string, any>): ClientSettings {
  const units: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };
  const validity = (key: string, unitKey: string, fallbackSeconds: number, defaultUnit: string) => properties[key] === undefined ? fallbackSeconds
    : Number(properties[key]) * units[properties.TokenValidityUnits?.[unitKey] ?? defaultUnit];
  // Legacy flow names map to their ALLOW_ forms, as Cognito does.
  const legacy: Record<string, string> = { CUSTOM_AUTH_FLOW_ONLY: 'ALLOW_CUSTOM_AUTH', USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH', ADMIN_NO_SRP_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH' };
  const flows: string[] = (properties.ExplicitAuthFlows ?? ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']).map((flow: string) => legacy[flow] ?? flow);
  return {
    clientId,
    explicitAuthFlows: flows.includes('ALLOW_REFRESH_TOKEN_AUTH') ? flows : [...flows, 'ALLOW_REFRESH_TOKEN_AUTH'],
    preventUserExistenceErrors: properties.PreventUserExistenceErrors === 'ENABLED',
    authSessionValidityMinutes: Number(properties.AuthSessionValidity ?? 3),
    idTokenValiditySeconds: validity('IdTokenValidity', 'IdToken', 3600, 'hours'),
    accessTokenValiditySeconds: validity('AccessTokenValidity', 'AccessToken', 3600, 'hours'),
    refreshTokenValiditySeconds: validity('RefreshTokenValidity', 'RefreshToken', 30 * 86400, 'days'),
  };
}
