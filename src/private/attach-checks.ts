import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct, IConstruct } from 'constructs';

/**
 * What `CustomAuth` checks, at synth time, of the user pool it attaches to and of the pool's other
 * app clients: what it can see in the app's construct tree (the pool's L1 resource and its clients').
 */

/** A user pool defined in this app: the L2 to add triggers to and the L1 to read its settings from. */
export interface AttachablePool {
  readonly userPool: cognito.UserPool;
  readonly cfn: cognito.CfnUserPool;
}

/** A custom attribute of the pool's schema, without its `custom:` prefix. */
export interface CustomAttributeSchema {
  readonly name: string;
  readonly mutable: boolean;
}

/** Cognito's standard attributes by their `StandardAttributesMask` key (aws-cdk-lib keeps its own copy private). */
const STANDARD_ATTRIBUTES: Record<keyof cognito.StandardAttributesMask, string> = {
  address: 'address',
  birthdate: 'birthdate',
  email: 'email',
  familyName: 'family_name',
  gender: 'gender',
  givenName: 'given_name',
  locale: 'locale',
  middleName: 'middle_name',
  fullname: 'name',
  nickname: 'nickname',
  phoneNumber: 'phone_number',
  profilePicture: 'picture',
  preferredUsername: 'preferred_username',
  profilePage: 'profile',
  timezone: 'zoneinfo',
  lastUpdateTime: 'updated_at',
  website: 'website',
  emailVerified: 'email_verified',
  phoneNumberVerified: 'phone_number_verified',
};
const STANDARD_NAMES = new Set([...Object.values(STANDARD_ATTRIBUTES), 'sub']);

/** The three triggers of the custom flow, as the pool's LambdaConfig names them. */
const CUSTOM_AUTH_TRIGGERS = ['DefineAuthChallenge', 'CreateAuthChallenge', 'VerifyAuthChallengeResponse'];

/** Explicit auth flows that sign in with a password alone, or offer another way past the codes. */
const PASSWORD_FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_AUTH',
  'ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH'];

/** The identity provider of the pool's own users in a client's SupportedIdentityProviders. */
const MANAGED_LOGIN_PROVIDER = 'COGNITO';

/** Only Cognito (after a code) or an administrator may mark an address verified: no client writes these by default. */
const VERIFIED_ATTRIBUTES = ['email_verified', 'phone_number_verified'];

/** Account recovery mechanisms by the attribute they send the reset code to. */
const RECOVERY_ATTRIBUTES: Record<string, string> = { verified_email: 'email', verified_phone_number: 'phone_number' };

/**
 * The pool, if `CustomAuth` can attach to it: defined in this app, in the scope's stack, with none of
 * the three triggers and MFA not required. Anything else is an error that says why and what to do.
 */
export function attachablePool(scope: Construct, userPool: cognito.IUserPool): AttachablePool {
  const cfn = userPool.node.defaultChild;
  // Duck-typed: a pool from another copy of aws-cdk-lib (Amplify's, say) is not an instance of ours.
  const defined = cfn !== undefined && CfnResource.isCfnResource(cfn) && cfn.cfnResourceType === 'AWS::Cognito::UserPool'
    && typeof (userPool as Partial<cognito.UserPool>).addTrigger === 'function';
  if (!defined) {
    throw new Error('userPool must be a user pool defined in this CDK app (new cognito.UserPool, or Amplify Gen 2\'s backend.auth.resources.userPool), '
      + `got an imported pool (${userPool.node.path}). Cognito triggers are settings of the pool resource itself (LambdaConfig), which `
      + 'CloudFormation can change only on a pool its stack manages. Define the pool in this app (bring an existing pool under '
      + 'CloudFormation with `cdk import`), or use CustomAuthUserPool for a new pool.');
  }
  const poolStack = Stack.of(userPool);
  if (poolStack !== Stack.of(scope)) {
    throw new Error(`CustomAuth must be in the same stack as its userPool, got userPool in ${poolStack.node.path} and CustomAuth in `
      + `${Stack.of(scope).node.path}. The pool's LambdaConfig refers to the functions and their invoke permissions refer to the pool: `
      + 'across two stacks that is a dependency cycle. Create it in the pool\'s stack: new CustomAuth(Stack.of(userPool), ...).');
  }
  const pool: AttachablePool = { userPool: userPool as cognito.UserPool, cfn: cfn as cognito.CfnUserPool };
  const poolProperties = deployed(pool.cfn);
  const taken = Object.entries(poolProperties.LambdaConfig ?? {})
    .filter(([trigger, target]) => target !== undefined && CUSTOM_AUTH_TRIGGERS.includes(trigger)).map(([trigger]) => trigger);
  if (taken.length > 0) {
    throw new Error(`userPool already has a ${taken.join(', ')} trigger (${userPool.node.path}): a pool runs one function per trigger, `
      + 'and custom authentication needs its own Define, Create and Verify Auth Challenge triggers. Remove the pool\'s existing '
      + 'custom authentication triggers, or keep them and do not add CustomAuth.');
  }
  if (poolProperties.MfaConfiguration === 'ON') {
    throw new Error(requiredMfaError(userPool.node.path));
  }
  return pool;
}

function requiredMfaError(path: string): string {
  return `userPool must not require MFA, got mfa Mfa.REQUIRED (${path}): Cognito would add an SMS or TOTP `
    + 'step to every custom sign-in, which the Define trigger rejects, so nobody could sign in. Set mfa to cognito.Mfa.OFF: '
    + 'the one-time codes are the extra factors.';
}

/**
 * Errors about the pool once the app is built: what `attachablePool` checked may have changed since, by an
 * assignment to the L1 or an escape-hatch override (MFA required, a custom auth trigger replaced or removed).
 */
export function poolErrorsOnceBuilt(pool: AttachablePool, triggers: Record<string, IConstruct & { readonly functionArn: string }>): string[] {
  const properties = deployed(pool.cfn);
  const stack = Stack.of(pool.cfn);
  const replaced = Object.entries(triggers)
    .filter(([trigger, fn]) => JSON.stringify(properties.LambdaConfig?.[trigger]) !== JSON.stringify(stack.resolve(fn.functionArn)))
    .map(([trigger, fn]) => `${trigger} (${fn.node.path})`);
  return [
    ...properties.MfaConfiguration === 'ON' ? [requiredMfaError(pool.userPool.node.path)] : [],
    ...replaced.length > 0 ? [`The user pool ${pool.userPool.node.path} no longer runs ${replaced.join(', ')} in its LambdaConfig: a later `
      + 'change (an assignment to the L1\'s lambdaConfig, an override) replaced or removed it, so the custom flow would run another '
      + 'function or none. Leave the three custom authentication triggers to CustomAuth; add other triggers with userPool.addTrigger().'] : [],
  ];
}

/** The pool's custom attributes, from its schema. */
export function customAttributesOf(cfn: cognito.CfnUserPool): CustomAttributeSchema[] {
  const schema = deployed(cfn).Schema;
  if (!Array.isArray(schema)) {
    return [];
  }
  return schema
    .filter((attribute) => typeof attribute?.Name === 'string' && !STANDARD_NAMES.has(attribute.Name))
    .map((attribute) => ({ name: String(attribute.Name).replace(/^custom:/, ''), mutable: attribute.Mutable === true }));
}

/**
 * The attributes no user's own access token may write: where the codes go and, with `passwordFirst`,
 * where password reset codes go (a token that could point recovery at its holder would reset the password).
 */
export interface GuardedAttributes {
  readonly destinations: ReadonlySet<string>;
  readonly recovery: ReadonlySet<string>;
}

/**
 * The write attributes of a client the construct creates: the user's, which must not name a protected
 * attribute, or every writable attribute of the pool except the protected ones and any `*_verified`.
 */
export function hardenedWriteAttributes(
  writeAttributes: cognito.ClientAttributes | undefined,
  guarded: GuardedAttributes,
  customAttributes: CustomAttributeSchema[],
): cognito.ClientAttributes {
  const protectedAttributes = withVerified([...guarded.destinations, ...guarded.recovery]);
  if (writeAttributes !== undefined) {
    const named = writeAttributes.attributes().filter((attribute) => !Token.isUnresolved(attribute) && protectedAttributes.has(attribute));
    const codeAttributes = withVerified(guarded.destinations);
    const codes = named.filter((attribute) => codeAttributes.has(attribute));
    if (codes.length > 0) {
      throw new Error(`writeAttributes must not include ${codes.join(', ')}, got ${JSON.stringify(writeAttributes.attributes())}: codes are sent to `
        + `${[...guarded.destinations].join(', ')}, and a user's access token could change it (UpdateUserAttributes) and receive every later code. `
        + 'Remove it; change a user\'s address through an admin path (AdminUpdateUserAttributes), as "Changing a user\'s address" in the docs/security.md of cdk-cognito-custom-auth shows.');
    }
    if (named.length > 0) {
      throw new Error(`writeAttributes must not include ${named.join(', ')}, got ${JSON.stringify(writeAttributes.attributes())}: with passwordFirst, `
        + `password reset codes go to ${[...guarded.recovery].join(', ')}, and a user's access token could change it (UpdateUserAttributes, `
        + 'then VerifyUserAttribute) and reset the password, leaving the codes as the only factor. Remove it; change a user\'s address '
        + 'through an admin path (AdminUpdateUserAttributes), or set the pool\'s account recovery to cognito.AccountRecovery.NONE.');
    }
    return writeAttributes;
  }
  return writableExcept(new Set([...protectedAttributes, ...VERIFIED_ATTRIBUTES]), customAttributes);
}

/**
 * The write attributes of a client that only signs users up: what a user signs up with, `email` and
 * `phone_number` destinations included (Cognito verifies those before a code goes there), but no
 * `*_verified` (only Cognito may mark an address verified) and no other destination (a custom sender's
 * attribute): nothing verifies it, so anyone could sign up accounts whose codes go to someone else.
 */
export function signUpWriteAttributes(destinations: ReadonlySet<string>, customAttributes: CustomAttributeSchema[]): cognito.ClientAttributes {
  const unverifiable = [...destinations].filter((attribute) => attribute !== 'email' && attribute !== 'phone_number');
  return writableExcept(new Set([...VERIFIED_ATTRIBUTES, ...unverifiable]), customAttributes);
}

/** Every standard attribute and mutable custom attribute of the pool, except `excluded`. */
function writableExcept(excluded: ReadonlySet<string>, customAttributes: CustomAttributeSchema[]): cognito.ClientAttributes {
  const standard = Object.fromEntries(Object.entries(STANDARD_ATTRIBUTES).map(([key, name]) => [key, !excluded.has(name)]));
  const custom = customAttributes.filter((attribute) => attribute.mutable && !excluded.has(`custom:${attribute.name}`));
  return new cognito.ClientAttributes().withStandardAttributes(standard).withCustomAttributes(...custom.map((attribute) => attribute.name));
}

/** `attributes` and, for email and phone_number, their `_verified` companions. */
function withVerified(attributes: Iterable<string>): Set<string> {
  const named = [...attributes];
  const verified = named.filter((attribute) => attribute === 'email' || attribute === 'phone_number').map((attribute) => `${attribute}_verified`);
  return new Set([...named, ...verified]);
}

/** The attributes the pool sends password reset codes to (`email`, `phone_number`), from its account recovery setting. */
export function recoveryAttributesOf(cfn: cognito.CfnUserPool): string[] {
  return recoveryAttributesIn(deployed(cfn));
}

/** `recoveryAttributesOf` for the pool's properties as deployed. */
function recoveryAttributesIn(poolProperties: Record<string, any>): string[] {
  const setting = poolProperties.AccountRecoverySetting;
  const mechanisms: unknown[] = Array.isArray(setting?.RecoveryMechanisms)
    ? setting.RecoveryMechanisms.map((mechanism: { Name?: unknown }) => mechanism?.Name)
    // Without AccountRecoverySetting Cognito recovers through a verified phone number, else a verified email.
    : ['verified_phone_number', 'verified_email'];
  return mechanisms.map((name) => RECOVERY_ATTRIBUTES[String(name)]).filter((attribute) => attribute !== undefined);
}

/** Warnings about the pool's own settings, once the app is built. */
export function checkPoolForCustomAuth(
  scope: Construct,
  cfn: cognito.CfnUserPool,
  flow: { readonly passwordFirst: boolean; readonly destinations: ReadonlySet<string> },
): void {
  const properties = deployed(cfn);
  if (properties.MfaConfiguration === 'OPTIONAL') {
    Annotations.of(scope).addWarningV2('cdk-cognito-custom-auth:optionalMfa', `The user pool ${cfn.node.path} has optional MFA: a user `
      + 'who sets up SMS or TOTP MFA gets that step inside the custom flow, which the Define trigger rejects, so that user cannot sign in. '
      + 'Set the pool\'s mfa to cognito.Mfa.OFF: the one-time codes are the extra factors.');
  }
  if (properties.DeviceConfiguration !== undefined) {
    // Seen in public client issues (amplify-js #2705, amplify-flutter #3541), not in Cognito's documentation.
    Annotations.of(scope).addWarningV2('cdk-cognito-custom-auth:deviceTracking', `The user pool ${cfn.node.path} tracks devices: Cognito's `
      + 'device steps do not fit the custom flow (a passwordless sign-in cannot confirm its device, and DEVICE_SRP_AUTH or '
      + 'DEVICE_PASSWORD_VERIFIER in a sign-in\'s session fails it in the Define trigger), so users with remembered devices may be '
      + 'unable to sign in. Leave the pool\'s deviceTracking unset: the one-time codes are the check of each sign-in.');
  }
  if (!flow.passwordFirst) {
    return;
  }
  const throughCodes = recoveryAttributesIn(properties).filter((attribute) => flow.destinations.has(attribute));
  if (throughCodes.length > 0) {
    Annotations.of(scope).addWarningV2('cdk-cognito-custom-auth:recoveryThroughCodeChannel', `With passwordFirst, the user pool ${cfn.node.path} `
      + `lets users reset their password through ${throughCodes.join(' and ')}, where the sign-in codes go: whoever reads those messages `
      + 'can reset the password and then answer the codes, so the password and the codes collapse to one factor. Set the pool\'s '
      + 'account recovery to cognito.AccountRecovery.NONE (admin only, the CustomAuthUserPool default with passwordFirst) or to a '
      + 'channel the codes do not use; acknowledge this warning only if you accept that cost.');
  }
}

/**
 * Warnings about the pool's app clients in this app, once the app is built: the construct's own too,
 * which pass unless an escape-hatch override changed them; its sign-up clients may write the destinations.
 */
export function checkClients(
  scope: Construct,
  pool: AttachablePool,
  flow: { readonly signUpClients: ReadonlySet<cognito.UserPoolClient>; readonly guarded: GuardedAttributes },
): void {
  const signUp = new Set([...flow.signUpClients].map((client) => client.node.defaultChild));
  const clients = scope.node.root.node.findAll().filter((construct): construct is cognito.CfnUserPoolClient =>
    CfnResource.isCfnResource(construct) && construct.cfnResourceType === 'AWS::Cognito::UserPoolClient'
    && refersTo(pool.cfn, (construct as cognito.CfnUserPoolClient).userPoolId));
  const codeAttributes = withVerified(flow.guarded.destinations);
  const recoveryAttributes = [...withVerified(flow.guarded.recovery)].filter((attribute) => !codeAttributes.has(attribute));
  for (const client of clients) {
    const path = clientPath(client);
    const properties = deployed(client);
    const flows = properties.ExplicitAuthFlows;
    const passwordFlows = flows === undefined
      ? ['ALLOW_USER_SRP_AUTH (Cognito\'s default when no auth flow is set)']
      : Array.isArray(flows) ? flows.filter((name) => PASSWORD_FLOWS.includes(name)) : [];
    if (passwordFlows.length > 0) {
      Annotations.of(scope).addWarningV2('cdk-cognito-custom-auth:otherClientPasswordFlow', `The app client ${path} of the same user pool `
        + `allows ${passwordFlows.join(', ')}: a sign-in there gets tokens without the one-time codes of ${scope.node.path}. `
        + 'Allow only custom auth on it (authFlows: { custom: true }), or create it with addClient() of this construct.');
    }
    const oAuthFlows = properties.AllowedOAuthFlows;
    const userFlows = Array.isArray(oAuthFlows) ? oAuthFlows.filter((name) => name === 'code' || name === 'implicit') : [];
    const providers = properties.SupportedIdentityProviders;
    if (properties.AllowedOAuthFlowsUserPoolClient === true && userFlows.length > 0
      && Array.isArray(providers) && providers.includes(MANAGED_LOGIN_PROVIDER)) {
      Annotations.of(scope).addWarningV2('cdk-cognito-custom-auth:otherClientManagedLogin', `The app client ${path} of the same user pool `
        + `signs the pool's own users in through managed login (OAuth ${userFlows.join(', ')} with the COGNITO identity provider), which never `
        + 'runs custom challenges: once the pool has a domain, its sign-in pages give tokens for a password alone (the classic hosted UI '
        + `whatever the client's auth flows), without the one-time codes of ${scope.node.path}. Disable OAuth on it (disableOAuth: true), leave COGNITO out of its supportedIdentityProviders, `
        + 'or create it with addClient() of this construct.');
    }
    const writes = properties.WriteAttributes;
    // Without WriteAttributes a client may write every standard attribute.
    const writableOf = (guarded: Iterable<string>) => [...guarded].filter((attribute) =>
      writes === undefined ? STANDARD_NAMES.has(attribute) : Array.isArray(writes) && writes.includes(attribute));
    const writable = signUp.has(client) ? [] : writableOf(codeAttributes);
    if (writable.length > 0) {
      Annotations.of(scope).addWarningV2('cdk-cognito-custom-auth:otherClientWritesDestination', `The app client ${path} of the same user pool `
        + `lets users change ${writable.join(', ')} with their access token, where the one-time codes of ${scope.node.path} go: a stolen `
        + 'token could redirect every later code. Give it writeAttributes without them, or create it with addClient() of this construct.');
    }
    const writableRecovery = signUp.has(client) ? [] : writableOf(recoveryAttributes);
    if (writableRecovery.length > 0) {
      Annotations.of(scope).addWarningV2('cdk-cognito-custom-auth:otherClientWritesRecovery', `The app client ${path} of the same user pool `
        + `lets users change ${writableRecovery.join(', ')} with their access token, where password reset codes go: with passwordFirst, a `
        + 'stolen token could point password resets at its holder (UpdateUserAttributes, then VerifyUserAttribute) and reset the password, '
        + `leaving the one-time codes of ${scope.node.path} as the only factor. Give it writeAttributes without them, or create it with addClient() `
        + 'of this construct.');
    }
  }
}

/**
 * Whether a client's UserPoolId is the pool's ID, however it is written (`userPool.userPoolId`, `cfnPool.ref`,
 * `cfnPool.attrUserPoolId`, `Fn.ref`), from any stack: resolved in the pool's own stack, each is a Ref or GetAtt of it.
 */
function refersTo(cfn: cognito.CfnUserPool, userPoolId: string): boolean {
  const stack = Stack.of(cfn);
  const logicalId = stack.resolve(cfn.logicalId);
  const id = stack.resolve(userPoolId);
  const getAtt = id?.['Fn::GetAtt'];
  return id?.Ref === logicalId || (Array.isArray(getAtt) && getAtt[0] === logicalId && getAtt[1] === 'UserPoolId');
}

/** The L2 client's path when the L1 is its default child, for messages. */
function clientPath(client: IConstruct): string {
  return client.node.id === 'Resource' && client.node.scope ? client.node.scope.node.path : client.node.path;
}

/**
 * An L1 resource's properties as CloudFormation will get them (CloudFormation's names), resolved in its
 * stack: the L2 sets most of them lazily, and escape-hatch overrides (`addPropertyOverride`) are not in
 * the L1's own properties but must not slip past the checks.
 */
function deployed(resource: CfnResource): Record<string, any> {
  const template = Stack.of(resource).resolve((resource as unknown as { _toCloudFormation(): object })._toCloudFormation());
  return Object.values<{ Properties?: Record<string, any> }>(template?.Resources ?? {})[0]?.Properties ?? {};
}
