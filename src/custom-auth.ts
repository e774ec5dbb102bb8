import { CfnResource, Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CodeDelivery } from './code-delivery';
import { CrossSessionLimits } from './cross-session-limits';
import {
  AttachablePool, attachablePool, checkClients, checkPoolForCustomAuth, CustomAttributeSchema, customAttributesOf, GuardedAttributes,
  hardenedWriteAttributes, poolErrorsOnceBuilt, recoveryAttributesOf, signUpWriteAttributes,
} from './private/attach-checks';
import { CreateAuthChallengeFunction } from './private/create-auth-challenge-function';
import { DefineAuthChallengeFunction } from './private/define-auth-challenge-function';
import {
  CHALLENGE_COUNT,
  CODE_LENGTH, CODE_VALIDITY_SECONDS, ENV, IntegerBounds, MAX_ATTEMPTS,
} from './private/handler-contract';
import { addLimitsTable } from './private/limits-table';
import { acknowledge, functionAcknowledgements, ROLE_POLICY_ACKNOWLEDGEMENTS } from './private/nag-acknowledgements';
import { isNewestKnownNodeRuntime, runtimeProp, useRuntime } from './private/runtime';
import { warnBeyondStandards } from './private/standards';
import { integerProp, minutesProp, numberEnv, secondsProp } from './private/validate';
import { VerifyAuthChallengeFunction } from './private/verify-auth-challenge-function';

/** Cognito's own bounds for an app client's AuthSessionValidity, in minutes. */
const AUTH_SESSION_VALIDITY_MINUTES: IntegerBounds = { min: 3, max: 15, default: 3 };

/**
 * Options of an app client that signs users in with the custom authentication flow.
 */
export interface CustomAuthClientOptions {
  /**
   * How long a client has to answer each step (the app client's AuthSessionValidity), in whole
   * minutes from 3 to 15. Cannot be a token.
   *
   * @default Duration.minutes(3)
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html
   */
  readonly authSessionValidity?: Duration;

  /**
   * Give the app client a secret (for server-side clients, which must then send SECRET_HASH).
   *
   * @default false
   */
  readonly generateSecret?: boolean;

  /**
   * OAuth settings of the app client. Custom authentication runs only through the
   * InitiateAuth API: leave OAuth off unless a federated or machine flow needs it. Managed login
   * never runs custom challenges, so the client offers it only the pool's federated identity
   * providers, never the pool's own users (`COGNITO`).
   *
   * @default - OAuth disabled
   */
  readonly oAuth?: cognito.OAuthSettings;

  /**
   * The user attributes a signed-in user may change with their access token (`UpdateUserAttributes`).
   * It must not name an attribute a channel sends codes to (`email`, `phone_number`, a custom sender's
   * attribute) nor its `_verified` companion: a stolen access token could then redirect every later
   * code. Change those through an admin path (`AdminUpdateUserAttributes`) instead.
   *
   * @default - every standard attribute and every mutable custom attribute of the pool, except the
   * channels' destination attributes, `email_verified` and `phone_number_verified` (only Cognito, after a
   * code, or an administrator marks an address verified) and, with `passwordFirst`, the recovery address
   */
  readonly writeAttributes?: cognito.ClientAttributes;

  /**
   * How long an access token is valid, from 5 minutes to 1 day. What a stolen access token can do
   * (read the user, change writable attributes, `DeleteUser`) lasts this long.
   *
   * @default Duration.minutes(60)
   */
  readonly accessTokenValidity?: Duration;

  /**
   * How long an ID token is valid, from 5 minutes to 1 day.
   *
   * @default Duration.minutes(60)
   */
  readonly idTokenValidity?: Duration;

  /**
   * How long a refresh token is valid, from 60 minutes to 10 years, and so how long a user stays signed
   * in without answering the codes again (token revocation and `GlobalSignOut` end it sooner).
   *
   * @default Duration.days(30)
   */
  readonly refreshTokenValidity?: Duration;
}

/**
 * Options of an app client that only signs users up.
 */
export interface CustomAuthSignUpClientOptions {
  /**
   * Give the app client a secret (for server-side clients, which must then send SECRET_HASH).
   *
   * @default false
   */
  readonly generateSecret?: boolean;
}

/**
 * The custom authentication flow's settings, shared by `CustomAuth` and `CustomAuthUserPool`.
 */
export interface CustomAuthFlowOptions extends CustomAuthClientOptions {
  /**
   * How one-time codes reach users: the channel of every challenge that `challengeDeliveries` does
   * not set, e.g. `CodeDelivery.email({ fromAddress: 'no-reply@example.com' })`.
   */
  readonly delivery: CodeDelivery;

  /**
   * A channel per challenge, in order: `challengeDeliveries[0]` delivers challenge 1's code, and so on
   * (for example email, then SMS). Must have exactly `challengeCount` entries.
   *
   * @default - every challenge uses `delivery`
   */
  readonly challengeDeliveries?: CodeDelivery[];

  /**
   * How many custom challenges (one code each) a user must answer correctly to get tokens.
   *
   * @default 1
   */
  readonly challengeCount?: number;

  /**
   * Verify the user's password (SRP: `SRP_A` then `PASSWORD_VERIFIER`) before the custom challenges.
   * Clients then start with `CHALLENGE_NAME: SRP_A` (Amplify JS: `CUSTOM_WITH_SRP`); a sign-in that
   * skips or fails the password step fails.
   *
   * @default false
   */
  readonly passwordFirst?: boolean;

  /**
   * Answers a user may give per challenge: the sign-in fails at this many wrong answers (at 3, a user
   * has 3 tries at each code).
   *
   * @default 3
   */
  readonly maxAttempts?: number;

  /**
   * Digits in each one-time code, from 6 to 10.
   *
   * @default 6
   */
  readonly codeLength?: number;

  /**
   * How long one code stays valid, from 1 to 60 minutes. The limit is absolute: retries of the same
   * challenge reuse the code but not beyond it; a retry after it issues and sends a new code.
   *
   * @default Duration.minutes(5)
   */
  readonly codeValidity?: Duration;

  /**
   * Per-user limits on codes sent and wrong answers across sign-ins, in a time window.
   *
   * @default - on: per user, 10 codes and 10 wrong answers, each refilling over a day
   */
  readonly crossSessionLimits?: CrossSessionLimits;

  /**
   * How long the three functions' logs are kept.
   *
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * A KMS key to encrypt the three functions' log groups with. As for any encrypted log group, the
   * key policy must let CloudWatch Logs (`logs.<region>.amazonaws.com`) use the key.
   *
   * @default - CloudWatch Logs' own encryption at rest
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * The three functions' Lambda runtime: Node.js 22 or later. The handlers are bundled for Node.js 22
   * and tested on 22 and 24.
   *
   * @default - nodejs24.x when the app's aws-cdk-lib has `lambda.Runtime.NODEJS_24_X`, else nodejs22.x
   */
  readonly runtime?: lambda.Runtime;
}

/**
 * Properties of a `CustomAuth`.
 */
export interface CustomAuthProps extends CustomAuthFlowOptions {
  /**
   * The user pool to add custom authentication to. It must be defined in this CDK app, in the same
   * stack as this construct (`new cognito.UserPool`, or Amplify Gen 2's `backend.auth.resources.userPool`),
   * and must not already have a Define, Create or Verify Auth Challenge trigger, nor MFA required.
   */
  readonly userPool: cognito.IUserPool;

  /**
   * What happens to the three functions' log groups when removed from the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** One trigger function with the log group and the role it alone uses. */
interface TriggerSpec {
  readonly id: string;
  readonly functionClass: typeof DefineAuthChallengeFunction;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
}

/**
 * Cognito's custom authentication flow added to an existing user pool of this app: one-time codes in
 * one or more challenges, optionally after the password, through three hardened Lambda triggers
 * (Define, Create and Verify Auth Challenge) wired to the pool, with a hardened app client.
 */
export class CustomAuth extends Construct {
  /** The user pool the triggers are wired to. */
  public readonly userPool: cognito.IUserPool;
  /** The app client: custom auth and refresh only, PreventUserExistenceErrors enabled, no write access to the codes' destinations. */
  public readonly userPoolClient: cognito.UserPoolClient;
  /** The Define Auth Challenge trigger. */
  public readonly defineAuthChallengeFunction: lambda.IFunction;
  /** The Create Auth Challenge trigger, which delivers the codes. */
  public readonly createAuthChallengeFunction: lambda.IFunction;
  /** The Verify Auth Challenge Response trigger. */
  public readonly verifyAuthChallengeFunction: lambda.IFunction;
  /** The table of per-user counts for `crossSessionLimits`, if they are on. */
  public readonly limitsTable?: dynamodb.ITable;

  /** The pool as this construct inspects and changes it. */
  private readonly pool: AttachablePool;
  /** What no client this construct creates may write: the destinations and, with `passwordFirst`, the recovery attributes. */
  private readonly guardedAttributes: GuardedAttributes;
  /** The sign-up clients this construct created, which may write the destinations (they sign nobody in). */
  private readonly signUpClients = new Set<cognito.UserPoolClient>();

  public constructor(scope: Construct, id: string, props: CustomAuthProps) {
    super(scope, id);
    const pool = attachablePool(this, props.userPool);
    this.pool = pool;
    this.userPool = props.userPool;

    const challengeCount = integerProp('challengeCount', props.challengeCount, CHALLENGE_COUNT);
    const challengeEnvironment = {
      [ENV.challengeCount]: numberEnv(challengeCount),
      [ENV.passwordFirst]: String(props.passwordFirst ?? false),
      [ENV.maxAttempts]: numberEnv(integerProp('maxAttempts', props.maxAttempts, MAX_ATTEMPTS)),
    };
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const runtime = runtimeProp(props.runtime);

    const createTrigger = (spec: TriggerSpec): lambda.Function => {
      const logGroup = new logs.LogGroup(this, `${spec.id}Logs`, {
        retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
        encryptionKey: props.logEncryptionKey,
        removalPolicy,
      });
      // Only its own log group: no AWSLambdaBasicExecutionRole and its logs:* on every group.
      const role = new iam.Role(this, `${spec.id}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Runs the ${spec.description} trigger`,
      });
      logGroup.grantWrite(role);
      const fn = new spec.functionClass(this, spec.id, {
        description: `Cognito custom auth: ${spec.description}`,
        architecture: lambda.Architecture.ARM_64,
        memorySize: spec.memorySize,
        timeout: spec.timeout,
        role,
        logGroup,
        loggingFormat: lambda.LoggingFormat.JSON,
        applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
        systemLogLevelV2: lambda.SystemLogLevel.WARN,
        environment: spec.environment,
      });
      useRuntime(fn, runtime);
      return fn;
    };

    const define = createTrigger({
      id: 'DefineAuthChallenge',
      functionClass: DefineAuthChallengeFunction,
      description: 'Define Auth Challenge',
      memorySize: 128,
      timeout: Duration.seconds(3),
      environment: challengeEnvironment,
    });
    const create = createTrigger({
      id: 'CreateAuthChallenge',
      functionClass: CreateAuthChallengeFunction,
      description: 'Create Auth Challenge',
      memorySize: 256,
      timeout: Duration.seconds(5),
      environment: {
        ...challengeEnvironment,
        [ENV.codeLength]: numberEnv(integerProp('codeLength', props.codeLength, CODE_LENGTH)),
        [ENV.codeValiditySeconds]: numberEnv(secondsProp('codeValidity', props.codeValidity, CODE_VALIDITY_SECONDS)),
      },
    });
    const verify = createTrigger({
      id: 'VerifyAuthChallenge',
      functionClass: VerifyAuthChallengeFunction,
      description: 'Verify Auth Challenge Response',
      memorySize: 128,
      timeout: Duration.seconds(3),
      environment: {},
    });
    this.limitsTable = addLimitsTable(this, props.crossSessionLimits ?? {}, create);
    const delivery = this.bindDeliveries(props, challengeCount, create, customAttributesOf(pool.cfn));
    create.addEnvironment(ENV.codeDelivery, Stack.of(this).toJsonString(delivery.config));
    // With passwordFirst the password is a factor: a token that could move its recovery address could reset it.
    this.guardedAttributes = { destinations: delivery.attributes, recovery: new Set(props.passwordFirst ? recoveryAttributesOf(pool.cfn) : []) };
    warnBeyondStandards(this, props, delivery.attributes);

    pool.userPool.addTrigger(cognito.UserPoolOperation.DEFINE_AUTH_CHALLENGE, define);
    pool.userPool.addTrigger(cognito.UserPoolOperation.CREATE_AUTH_CHALLENGE, create);
    pool.userPool.addTrigger(cognito.UserPoolOperation.VERIFY_AUTH_CHALLENGE_RESPONSE, verify);
    this.userPoolClient = this.addClient('Client', props);

    this.defineAuthChallengeFunction = define;
    this.createAuthChallengeFunction = create;
    this.verifyAuthChallengeFunction = verify;

    // cdk-nag findings that are facts of this design, acknowledged with their reasons (docs/security.md, cdk-nag).
    for (const fn of [define, create, verify]) {
      acknowledge(fn.node.defaultChild as CfnResource, functionAcknowledgements(isNewestKnownNodeRuntime(runtime)));
      // Each role has its policy from the log group grant above (and, for Create, the delivery grant).
      acknowledge(fn.role!.node.findChild('DefaultPolicy').node.defaultChild as CfnResource, ROLE_POLICY_ACKNOWLEDGEMENTS);
    }

    this.warnOnceBuilt(props.passwordFirst ?? false);
  }

  /**
   * Adds another app client (web, mobile) with the same hardening as `userPoolClient`: custom auth and
   * refresh only, PreventUserExistenceErrors enabled, token revocation on, and no write access to the
   * attributes codes are sent to.
   */
  public addClient(id: string, options: CustomAuthClientOptions = {}): cognito.UserPoolClient {
    const client = this.newClient(id, {
      // Custom auth (+ refresh, which CDK always adds): any password-only flow would skip the challenges.
      authFlows: { custom: true },
      generateSecret: options.generateSecret ?? false,
      authSessionValidity: minutesProp('authSessionValidity', options.authSessionValidity, AUTH_SESSION_VALIDITY_MINUTES),
      disableOAuth: options.oAuth === undefined,
      oAuth: options.oAuth,
      writeAttributes: hardenedWriteAttributes(options.writeAttributes, this.guardedAttributes, customAttributesOf(this.pool.cfn)),
      // aws-cdk-lib checks their ranges at synth.
      accessTokenValidity: options.accessTokenValidity,
      idTokenValidity: options.idTokenValidity,
      refreshTokenValidity: options.refreshTokenValidity,
    });
    if (options.oAuth !== undefined) {
      // The pool's federated providers only, registered before or after: managed login never runs custom
      // challenges, so its COGNITO provider would sign users in with a password (or passwordless) alone.
      (client.node.defaultChild as cognito.CfnUserPoolClient).supportedIdentityProviders = Lazy.list(
        { produce: () => this.userPool.identityProviders.map((provider) => provider.providerName) }, { omitEmpty: true });
    }
    return client;
  }

  /**
   * Checks the pool, its recovery and its clients when the app is built: they can still change after
   * this construct (a client added later, an escape-hatch override, say).
   */
  private warnOnceBuilt(passwordFirst: boolean): void {
    this.node.addValidation({
      validate: () => {
        checkPoolForCustomAuth(this, this.pool.cfn, { passwordFirst, destinations: this.guardedAttributes.destinations });
        checkClients(this, this.pool, { signUpClients: this.signUpClients, guarded: this.guardedAttributes });
        return poolErrorsOnceBuilt(this.pool, {
          DefineAuthChallenge: this.defineAuthChallengeFunction,
          CreateAuthChallenge: this.createAuthChallengeFunction,
          VerifyAuthChallengeResponse: this.verifyAuthChallengeFunction,
        });
      },
    });
  }

  /**
   * Adds an app client for self sign-up only (`SignUp`, `ConfirmSignUp`, `ResendConfirmationCode`).
   * Cognito checks the attributes of a sign-up against the client's write attributes, and the sign-in
   * clients may not write the codes' destinations (a required `email`, say): this client may write
   * `email` and `phone_number` (Cognito verifies them before a code goes there), but it signs nobody in
   * (no auth flow but refresh, no OAuth), so no token of it can change an address later. A custom
   * sender's attribute, which nothing verifies, is not writable here either: set it through an admin
   * path once your app has checked it.
   */
  public addSignUpClient(id: string, options: CustomAuthSignUpClientOptions = {}): cognito.UserPoolClient {
    const client = this.newClient(id, {
      // Only ALLOW_REFRESH_TOKEN_AUTH, which needs a refresh token this client can never issue.
      authFlows: { custom: false },
      generateSecret: options.generateSecret ?? false,
      disableOAuth: true,
      writeAttributes: signUpWriteAttributes(this.guardedAttributes.destinations, customAttributesOf(this.pool.cfn)),
    });
    this.signUpClients.add(client);
    return client;
  }

  /** A client of the pool with what every client of this construct has. */
  private newClient(id: string, options: cognito.UserPoolClientOptions): cognito.UserPoolClient {
    return new cognito.UserPoolClient(this, id, {
      ...options,
      userPool: this.userPool,
      // Not a prop: without it an unknown username fails differently from a known one.
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
  }

  /**
   * Binds each distinct channel once (grants, configuration) and maps every challenge to its channel;
   * checks the list fits `challengeCount` and that the pool declares each channel's custom attribute.
   */
  private bindDeliveries(
    props: CustomAuthFlowOptions, challengeCount: number, create: lambda.IFunction, poolCustomAttributes: CustomAttributeSchema[],
  ) {
    const perChallenge = props.challengeDeliveries;
    if (perChallenge !== undefined && !Token.isUnresolved(challengeCount) && perChallenge.length !== challengeCount) {
      throw new Error(`challengeDeliveries must have one entry per challenge (challengeCount is ${challengeCount}), `
        + `got ${perChallenge.length}. List exactly ${challengeCount} channels, or leave it out to use delivery for all.`);
    }
    if (perChallenge !== undefined && Token.isUnresolved(challengeCount)) {
      throw new Error('challengeDeliveries needs a challengeCount known at synth time, got a token. Set challengeCount to a number.');
    }
    const deliveries = perChallenge ?? [props.delivery];
    const distinct = [...new Set(deliveries)];
    const bindings = distinct.map((channel, index) => channel._bind(this, `DeliveryChannel${index}`, create));
    const declared = poolCustomAttributes.map((attribute) => attribute.name);
    for (const { attribute } of bindings) {
      const customName = attribute.startsWith('custom:') ? attribute.slice('custom:'.length) : undefined;
      if (customName !== undefined && !declared.includes(customName)) {
        throw new Error(`customAttributes must declare ${customName}: a delivery channel reads the destination from ${attribute}, `
          + `got ${JSON.stringify(declared)}. Add ${customName}: new cognito.StringAttribute({ mutable: true }) to the user pool's customAttributes.`);
      }
    }
    const challenges = perChallenge === undefined
      ? Array.from({ length: Token.isUnresolved(challengeCount) ? CHALLENGE_COUNT.max : challengeCount }, () => 0)
      : deliveries.map((channel) => distinct.indexOf(channel));
    return {
      config: { channels: bindings.map((binding) => binding.channel), challenges },
      attributes: new Set(bindings.map((binding) => binding.attribute)),
    };
  }
}
