import { App, Aspects, CfnElement, CfnResource, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { CodeDelivery, CustomAuth, CustomAuthProps } from '../src';
import { STANDARDS_WARNINGS } from '../src/private/standards';

const EMAIL = CodeDelivery.email({ fromAddress: 'no-reply@example.com' });
/** What the client writes by default with email codes: every standard attribute but email and any `*_verified`. */
const ALL_STANDARD_BUT_EMAIL = ['address', 'birthdate', 'family_name', 'gender', 'given_name', 'locale', 'middle_name', 'name', 'nickname',
  'phone_number', 'picture', 'preferred_username', 'profile', 'updated_at', 'website', 'zoneinfo'];

interface Attached {
  readonly app: App;
  readonly stack: Stack;
  readonly pool: cognito.UserPool;
  readonly auth: CustomAuth;
}

/** A user pool of the app's own (its own aliases and self sign-up), with custom auth attached. */
function attach(
  props: Partial<CustomAuthProps> = {},
  poolProps: cognito.UserPoolProps = {},
  build: (stack: Stack, pool: cognito.UserPool) => void = () => undefined,
): Attached {
  const app = new App();
  const stack = new Stack(app, 'Existing', { env: { account: '123456789012', region: 'us-east-1' } });
  const pool = new cognito.UserPool(stack, 'Pool', {
    signInAliases: { username: true, email: true },
    selfSignUpEnabled: true,
    accountRecovery: cognito.AccountRecovery.NONE,
    ...poolProps,
  });
  build(stack, pool);
  const auth = new CustomAuth(stack, 'CustomAuth', { userPool: pool, delivery: EMAIL, ...props });
  return { app, stack, pool, auth };
}

function logicalId(construct: IConstruct): string {
  return Stack.of(construct).resolve((construct.node.defaultChild as CfnElement).logicalId);
}

/** The construct's warnings about the pool, without the standards warning for SMS channels (test/standards.test.ts checks that one). */
function warningsOf({ stack }: Attached): string[] {
  return Annotations.fromStack(stack).findWarning('/Existing/CustomAuth', Match.stringLikeRegexp('.*')).map((message) => String(message.entry.data))
    .filter((message) => !message.endsWith(`[ack: ${STANDARDS_WARNINGS.sms}]`));
}

describe('CustomAuth', () => {
  describe('on a user pool of the app', () => {
    test('wires the three triggers into the pool and leaves its own settings alone', () => {
      // GIVEN / WHEN
      const { stack, auth } = attach();

      // THEN
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        LambdaConfig: Match.exact({
          DefineAuthChallenge: { 'Fn::GetAtt': [logicalId(auth.defineAuthChallengeFunction), 'Arn'] },
          CreateAuthChallenge: { 'Fn::GetAtt': [logicalId(auth.createAuthChallengeFunction), 'Arn'] },
          VerifyAuthChallengeResponse: { 'Fn::GetAtt': [logicalId(auth.verifyAuthChallengeFunction), 'Arn'] },
        }),
        AliasAttributes: ['email'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      });
      template.resourceCountIs('AWS::Lambda::Function', 3);
      template.resourceCountIs('AWS::Lambda::Permission', 3);
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      expect(auth.limitsTable).toBeDefined();
    });

    test('creates a hardened client: custom auth and refresh only, no user existence errors, no write access to the codes\' destination nor any *_verified', () => {
      // GIVEN / WHEN
      const { stack, auth, pool } = attach();

      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPoolClient', {
        UserPoolId: stack.resolve(pool.userPoolId),
        ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        GenerateSecret: false,
        EnableTokenRevocation: true,
        AuthSessionValidity: 3,
        WriteAttributes: ALL_STANDARD_BUT_EMAIL,
      });
      expect(auth.userPoolClient.node.path).toBe('Existing/CustomAuth/Client');
      expect(auth.userPool).toBe(pool);
    });

    test('addClient adds a client with the same hardening and its own options', () => {
      // GIVEN
      const { stack, auth } = attach({ delivery: CodeDelivery.sms() });

      // WHEN
      const mobile = auth.addClient('Mobile', { generateSecret: true, authSessionValidity: Duration.minutes(10) });

      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Cognito::UserPoolClient', 2);
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        GenerateSecret: true,
        AuthSessionValidity: 10,
        WriteAttributes: Match.arrayEquals(['address', 'birthdate', 'email', 'family_name', 'gender', 'given_name', 'locale',
          'middle_name', 'name', 'nickname', 'picture', 'preferred_username', 'profile', 'updated_at', 'website', 'zoneinfo']),
      });
      expect(mobile.node.path).toBe('Existing/CustomAuth/Mobile');
    });

    test('addSignUpClient adds a client that may write what users sign up with but signs nobody in', () => {
      // GIVEN
      const attached = attach({}, { customAttributes: { team: new cognito.StringAttribute({ mutable: true }) } });

      // WHEN
      const signUp = attached.auth.addSignUpClient('SignUp');

      // THEN
      Template.fromStack(attached.stack).hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        AllowedOAuthFlowsUserPoolClient: false,
        PreventUserExistenceErrors: 'ENABLED',
        GenerateSecret: false,
        WriteAttributes: ['address', 'birthdate', 'custom:team', 'email', 'family_name', 'gender', 'given_name', 'locale', 'middle_name', 'name',
          'nickname', 'phone_number', 'picture', 'preferred_username', 'profile', 'updated_at', 'website', 'zoneinfo'],
      });
      expect(signUp.node.path).toBe('Existing/CustomAuth/SignUp');
      expect(warningsOf(attached)).toEqual([]);
    });

    test('addSignUpClient never writes a custom sender\'s destination, which nothing verifies (email and phone_number Cognito verifies)', () => {
      // GIVEN a custom sender to custom:chat_id, and SMS codes
      const sender = lambda.Function.fromFunctionArn(new Stack(), 'S', 'arn:aws:lambda:us-east-1:123456789012:function:s');
      const attached = attach(
        {
          challengeCount: 2,
          delivery: CodeDelivery.customSender(sender, { destinationAttribute: 'custom:chat_id' }),
          challengeDeliveries: [CodeDelivery.customSender(sender, { destinationAttribute: 'custom:chat_id' }), CodeDelivery.sms()],
        },
        { customAttributes: { chat_id: new cognito.StringAttribute({ mutable: true }), team: new cognito.StringAttribute({ mutable: true }) } },
      );

      // WHEN
      attached.auth.addSignUpClient('SignUp');

      // THEN anyone signing up could otherwise send an account's codes to someone else's chat
      const signUp = Object.values(Template.fromStack(attached.stack).findResources('AWS::Cognito::UserPoolClient'))
        .find((client) => client.Properties.ExplicitAuthFlows?.length === 1)!;
      expect(signUp.Properties.WriteAttributes).toEqual(expect.arrayContaining(['custom:team', 'phone_number', 'email']));
      expect(signUp.Properties.WriteAttributes).not.toContain('custom:chat_id');
      expect(signUp.Properties.WriteAttributes).not.toContain('phone_number_verified');
    });

    test('addClient passes token validities through; aws-cdk-lib checks their ranges', () => {
      const attached = attach();

      attached.auth.addClient('Web', { accessTokenValidity: Duration.minutes(15), idTokenValidity: Duration.minutes(15), refreshTokenValidity: Duration.days(1) });

      Template.fromStack(attached.stack).hasResourceProperties('AWS::Cognito::UserPoolClient', {
        AccessTokenValidity: 15,
        IdTokenValidity: 15,
        RefreshTokenValidity: 1440,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      });
      expect(() => attach().auth.addClient('Web', { accessTokenValidity: Duration.minutes(1) })).toThrow(/accessTokenValidity/);
    });

    test('addSignUpClient may have a secret', () => {
      const attached = attach();

      attached.auth.addSignUpClient('SignUp', { generateSecret: true });

      Template.fromStack(attached.stack).hasResourceProperties('AWS::Cognito::UserPoolClient', { ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'], GenerateSecret: true });
    });

    test('the pool\'s mutable custom attributes stay writable, except a custom sender\'s destination', () => {
      // GIVEN / WHEN
      const { stack } = attach(
        {},
        {
          customAttributes: {
            chat_id: new cognito.StringAttribute({ mutable: true }),
            team: new cognito.StringAttribute({ mutable: true }),
            tier: new cognito.StringAttribute({ mutable: false }),
          },
        },
      );
      const chat = attach(
        { delivery: CodeDelivery.customSender(lambda.Function.fromFunctionArn(new Stack(), 'S', 'arn:aws:lambda:us-east-1:123456789012:function:s'), { destinationAttribute: 'custom:chat_id' }) },
        { customAttributes: { chat_id: new cognito.StringAttribute({ mutable: true }), team: new cognito.StringAttribute({ mutable: true }) } },
      );

      // THEN
      const writes = (s: Stack) => Object.values(Template.fromStack(s).findResources('AWS::Cognito::UserPoolClient'))[0].Properties.WriteAttributes;
      expect(writes(stack)).toEqual([...ALL_STANDARD_BUT_EMAIL, 'custom:chat_id', 'custom:team'].sort());
      expect(writes(chat.stack)).toEqual(expect.arrayContaining(['custom:team', 'email']));
      expect(writes(chat.stack)).not.toContain('custom:chat_id');
      expect(writes(chat.stack)).not.toContain('email_verified');
    });

    test('writeAttributes replaces the default', () => {
      const { stack } = attach({ writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ givenName: true }) });

      Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPoolClient', { WriteAttributes: ['given_name'] });
    });

    test.each([
      [{ email: true }, 'email'],
      [{ emailVerified: true }, 'email_verified'],
    ])('writeAttributes with %j is an error: it would let a token redirect the codes', (mask, named) => {
      expect(() => attach({ writeAttributes: new cognito.ClientAttributes().withStandardAttributes(mask) }))
        .toThrow(`writeAttributes must not include ${named}, got ["${named}"]: codes are sent to email, and a user's access token could change it `
          + '(UpdateUserAttributes) and receive every later code. Remove it; change a user\'s address through an admin path (AdminUpdateUserAttributes)');
    });

    test('writeAttributes may name phone_number when codes go by email only, and a custom sender\'s attribute is protected', () => {
      const phone = new cognito.ClientAttributes().withStandardAttributes({ phoneNumber: true, phoneNumberVerified: true });
      expect(() => attach({ writeAttributes: phone })).not.toThrow();
      expect(() => attach(
        {
          delivery: CodeDelivery.customSender(lambda.Function.fromFunctionArn(new Stack(), 'S', 'arn:aws:lambda:us-east-1:123456789012:function:s'), { destinationAttribute: 'custom:chat_id' }),
          writeAttributes: new cognito.ClientAttributes().withCustomAttributes('chat_id'),
        },
        { customAttributes: { chat_id: new cognito.StringAttribute({ mutable: true }) } },
      )).toThrow(/^writeAttributes must not include custom:chat_id, got \["custom:chat_id"\]: codes are sent to custom:chat_id/);
    });

    test('with passwordFirst, the recovery address is not writable either: a token could point password resets at its holder', () => {
      // GIVEN codes by email, password resets by SMS
      const { stack } = attach({ passwordFirst: true }, { accountRecovery: cognito.AccountRecovery.PHONE_ONLY_WITHOUT_MFA });

      // THEN the client writes neither the codes' nor the resets' address
      const writes = Object.values(Template.fromStack(stack).findResources('AWS::Cognito::UserPoolClient'))[0].Properties.WriteAttributes;
      expect(writes).toEqual(ALL_STANDARD_BUT_EMAIL.filter((attribute) => !attribute.startsWith('phone_number')));
      expect(() => attach(
        { passwordFirst: true, writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ givenName: true, phoneNumber: true }) },
        { accountRecovery: cognito.AccountRecovery.PHONE_ONLY_WITHOUT_MFA },
      )).toThrow('writeAttributes must not include phone_number, got ["given_name","phone_number"]: with passwordFirst, password reset codes go to '
        + 'phone_number, and a user\'s access token could change it (UpdateUserAttributes, then VerifyUserAttribute) and reset the password, '
        + 'leaving the codes as the only factor.');
      // Cognito's default without an AccountRecoverySetting is a verified phone number, else email.
      const legacy = attach({ passwordFirst: true }, {}, (_stack, pool) => {
        (pool.node.defaultChild as cognito.CfnUserPool).accountRecoverySetting = undefined;
      });
      expect(Object.values(Template.fromStack(legacy.stack).findResources('AWS::Cognito::UserPoolClient'))[0].Properties.WriteAttributes)
        .not.toContain('phone_number');
    });

    test('without passwordFirst, or with admin-only recovery, the recovery address stays writable', () => {
      const phone = new cognito.ClientAttributes().withStandardAttributes({ phoneNumber: true });
      expect(() => attach({ writeAttributes: phone }, { accountRecovery: cognito.AccountRecovery.PHONE_ONLY_WITHOUT_MFA })).not.toThrow();
      expect(() => attach({ passwordFirst: true, writeAttributes: phone }, { accountRecovery: cognito.AccountRecovery.NONE })).not.toThrow();
    });

    test('with oAuth, a client leaves the COGNITO provider out: managed login never runs custom challenges', () => {
      // GIVEN a client with a user OAuth flow, and a federated provider registered after it
      const oAuth = { flows: { authorizationCodeGrant: true }, callbackUrls: ['https://app.example.com/callback'] };
      const noProvider = Template.fromStack(attach({ oAuth }).stack);
      const attached = attach({ oAuth });
      new cognito.UserPoolIdentityProviderOidc(attached.stack, 'Idp', {
        userPool: attached.pool, name: 'Corp', clientId: 'id', clientSecret: 'secret', issuerUrl: 'https://idp.example.com',
      });

      // THEN only the federated provider signs in through managed login
      noProvider.hasResourceProperties('AWS::Cognito::UserPoolClient', { AllowedOAuthFlows: ['code'], SupportedIdentityProviders: Match.absent() });
      Template.fromStack(attached.stack).hasResourceProperties('AWS::Cognito::UserPoolClient', {
        AllowedOAuthFlows: ['code'],
        SupportedIdentityProviders: [{ Ref: Match.stringLikeRegexp('^Idp') }],
      });
    });

    test('writeAttributes with a token is passed through unchecked', () => {
      const { stack } = attach({ writeAttributes: new cognito.ClientAttributes().withCustomAttributes(Fn.importValue('AttributeName')) });

      Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPoolClient', {
        WriteAttributes: [{ 'Fn::Join': ['', ['custom:', { 'Fn::ImportValue': 'AttributeName' }]] }],
      });
    });

    test('addClient checks writeAttributes too', () => {
      const { auth } = attach();

      expect(() => auth.addClient('Web', { writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }) }))
        .toThrow(/^writeAttributes must not include email/);
    });

    test('a custom sender\'s attribute must be in the pool\'s schema', () => {
      expect(() => attach({
        delivery: CodeDelivery.customSender(lambda.Function.fromFunctionArn(new Stack(), 'S', 'arn:aws:lambda:us-east-1:123456789012:function:s'), { destinationAttribute: 'custom:chat_id' }),
      }, { customAttributes: { team: new cognito.StringAttribute({ mutable: true }) } }))
        .toThrow('customAttributes must declare chat_id: a delivery channel reads the destination from custom:chat_id, got ["team"].');
    });
  });

  describe('what it cannot attach to', () => {
    test('an imported pool is an error that says why and what to do', () => {
      // GIVEN
      const stack = new Stack(new App(), 'Existing');
      const imported = cognito.UserPool.fromUserPoolId(stack, 'Imported', 'us-east-1_abc');

      // WHEN / THEN
      expect(() => new CustomAuth(stack, 'CustomAuth', { userPool: imported, delivery: EMAIL }))
        .toThrow('userPool must be a user pool defined in this CDK app (new cognito.UserPool, or Amplify Gen 2\'s backend.auth.resources.userPool), '
          + 'got an imported pool (Existing/Imported). Cognito triggers are settings of the pool resource itself (LambdaConfig), which '
          + 'CloudFormation can change only on a pool its stack manages. Define the pool in this app (bring an existing pool under '
          + 'CloudFormation with `cdk import`), or use CustomAuthUserPool for a new pool.');
    });

    test('a pool imported by ARN, or from a token, is the same error', () => {
      const stack = new Stack(new App(), 'Existing');
      const byArn = cognito.UserPool.fromUserPoolArn(stack, 'ByArn', 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc');
      const byToken = cognito.UserPool.fromUserPoolId(stack, 'ByToken', Fn.importValue('PoolId'));

      expect(() => new CustomAuth(stack, 'A', { userPool: byArn, delivery: EMAIL })).toThrow(/^userPool must be a user pool defined in this CDK app/);
      expect(() => new CustomAuth(stack, 'B', { userPool: byToken, delivery: EMAIL })).toThrow(/^userPool must be a user pool defined in this CDK app/);
    });

    test('a pool in another stack of the app is an error naming both stacks and the fix', () => {
      // GIVEN
      const app = new App();
      const poolStack = new Stack(app, 'Pools');
      const pool = new cognito.UserPool(poolStack, 'Pool');
      const authStack = new Stack(app, 'Auth');

      // WHEN / THEN
      expect(() => new CustomAuth(authStack, 'CustomAuth', { userPool: pool, delivery: EMAIL }))
        .toThrow('CustomAuth must be in the same stack as its userPool, got userPool in Pools and CustomAuth in Auth. The pool\'s LambdaConfig '
          + 'refers to the functions and their invoke permissions refer to the pool: across two stacks that is a dependency cycle. '
          + 'Create it in the pool\'s stack: new CustomAuth(Stack.of(userPool), ...).');
    });

    test('created in the pool\'s stack, its pool and client serve another stack without a dependency cycle', () => {
      // GIVEN a pool in one stack, used by a second stack (an API, say)
      const app = new App();
      const poolStack = new Stack(app, 'Pools');
      const pool = new cognito.UserPool(poolStack, 'Pool');
      const auth = new CustomAuth(Stack.of(pool), 'CustomAuth', { userPool: pool, delivery: EMAIL });
      const apiStack = new Stack(app, 'Api');
      new lambda.Function(apiStack, 'Api', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
        environment: { CLIENT_ID: auth.userPoolClient.userPoolClientId, POOL_ID: pool.userPoolId },
      });

      // WHEN / THEN
      expect(() => app.synth()).not.toThrow();
      expect(apiStack.dependencies).toEqual([poolStack]);
    });

    test.each([
      ['defineAuthChallenge', 'DefineAuthChallenge'],
      ['createAuthChallenge', 'CreateAuthChallenge'],
      ['verifyAuthChallengeResponse', 'VerifyAuthChallengeResponse'],
    ])('a pool that already has a %s trigger is an error', (trigger, name) => {
      expect(() => attach({}, {}, (stack, pool) => pool.addTrigger(
        cognito.UserPoolOperation.of(trigger), lambda.Function.fromFunctionArn(stack, 'Existing', 'arn:aws:lambda:us-east-1:123456789012:function:x'),
      ))).toThrow(`userPool already has a ${name} trigger (Existing/Pool): a pool runs one function per trigger, and custom authentication `
        + 'needs its own Define, Create and Verify Auth Challenge triggers. Remove the pool\'s existing custom authentication triggers, '
        + 'or keep them and do not add CustomAuth.');
    });

    test('a pool with other triggers (pre sign-up) is fine', () => {
      const { stack } = attach({}, {}, (s, pool) => pool.addTrigger(
        cognito.UserPoolOperation.PRE_SIGN_UP, lambda.Function.fromFunctionArn(s, 'PreSignUp', 'arn:aws:lambda:us-east-1:123456789012:function:x'),
      ));

      Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPool', {
        LambdaConfig: Match.objectLike({ PreSignUp: Match.anyValue(), DefineAuthChallenge: Match.anyValue() }),
      });
    });

    test('a pool that requires MFA is an error', () => {
      expect(() => attach({}, { mfa: cognito.Mfa.REQUIRED, mfaSecondFactor: { sms: false, otp: true } }))
        .toThrow('userPool must not require MFA, got mfa Mfa.REQUIRED (Existing/Pool): Cognito would add an SMS or TOTP step to every custom '
          + 'sign-in, which the Define trigger rejects, so nobody could sign in. Set mfa to cognito.Mfa.OFF: the one-time codes are the extra factors.');
    });

    test('an MFA setting that is a token is not guessed at', () => {
      expect(() => attach({}, {}, (_stack, pool) => {
        (pool.node.defaultChild as cognito.CfnUserPool).mfaConfiguration = Fn.importValue('Mfa');
      })).not.toThrow();
    });

    test('a pool changed after CustomAuth, to require MFA or to replace a custom auth trigger, fails synthesis', () => {
      // GIVEN changes made after the construct checked the pool
      const required = attach();
      (required.pool.node.defaultChild as CfnResource).addPropertyOverride('MfaConfiguration', 'ON');
      const reassigned = attach();
      (reassigned.pool.node.defaultChild as cognito.CfnUserPool).lambdaConfig = { preSignUp: 'arn:aws:lambda:us-east-1:123456789012:function:x' };
      const overridden = attach();
      (overridden.pool.node.defaultChild as CfnResource).addPropertyOverride('LambdaConfig.VerifyAuthChallengeResponse', 'arn:aws:lambda:us-east-1:123456789012:function:x');
      const another = attach();
      another.pool.addTrigger(cognito.UserPoolOperation.PRE_SIGN_UP, lambda.Function.fromFunctionArn(another.stack, 'Pre', 'arn:aws:lambda:us-east-1:123456789012:function:x'));

      // THEN
      expect(() => required.app.synth()).toThrow(/userPool must not require MFA, got mfa Mfa.REQUIRED \(Existing\/Pool\)/);
      expect(() => reassigned.app.synth()).toThrow('The user pool Existing/Pool no longer runs DefineAuthChallenge (Existing/CustomAuth/DefineAuthChallenge), '
        + 'CreateAuthChallenge (Existing/CustomAuth/CreateAuthChallenge), VerifyAuthChallengeResponse (Existing/CustomAuth/VerifyAuthChallenge) in its '
        + 'LambdaConfig: a later change');
      expect(() => overridden.app.synth()).toThrow(/no longer runs VerifyAuthChallengeResponse \(Existing\/CustomAuth\/VerifyAuthChallenge\) in its LambdaConfig/);
      expect(() => another.app.synth()).not.toThrow();
    });

    test('device tracking is a warning', () => {
      const tracking = attach({}, { deviceTracking: { challengeRequiredOnNewDevice: true, deviceOnlyRememberedOnUserPrompt: true } });

      expect(warningsOf(tracking)).toEqual([expect.stringMatching(/^The user pool Existing\/Pool\/Resource tracks devices: Cognito's device steps do not fit/)]);
      expect(warningsOf(tracking)[0]).toContain('[ack: cdk-cognito-custom-auth:deviceTracking]');
      expect(warningsOf(attach())).toEqual([]);
    });

    test('optional MFA is a warning; MFA off is not', () => {
      const optional = attach({}, { mfa: cognito.Mfa.OPTIONAL, mfaSecondFactor: { sms: false, otp: true } });
      const off = attach({}, { mfa: cognito.Mfa.OFF });

      expect(warningsOf(optional)).toEqual([expect.stringMatching(/^The user pool Existing\/Pool\/Resource has optional MFA: a user who sets up SMS or TOTP MFA/)]);
      expect(warningsOf(optional)[0]).toContain('[ack: cdk-cognito-custom-auth:optionalMfa]');
      expect(warningsOf(off)).toEqual([]);
    });
  });

  describe('warnings about the rest of the pool, once the app is built', () => {
    test('another client added later with the default auth flows: a password signs in without the codes', () => {
      // GIVEN / WHEN a client added after the construct
      const attached = attach();
      attached.pool.addClient('Web');

      // THEN
      expect(warningsOf(attached)).toEqual([
        'The app client Existing/Pool/Web of the same user pool allows ALLOW_USER_SRP_AUTH (Cognito\'s default when no auth flow is set): a sign-in there gets tokens without the one-time '
        + 'codes of Existing/CustomAuth. Allow only custom auth on it (authFlows: { custom: true }), or create it with addClient() of this construct. '
        + '[ack: cdk-cognito-custom-auth:otherClientPasswordFlow]',
        expect.stringMatching(/^The app client Existing\/Pool\/Web of the same user pool signs the pool's own users in through managed login/),
        'The app client Existing/Pool/Web of the same user pool lets users change email, email_verified with their access token, where the '
        + 'one-time codes of Existing/CustomAuth go: a stolen token could redirect every later code. Give it writeAttributes without them, '
        + 'or create it with addClient() of this construct. [ack: cdk-cognito-custom-auth:otherClientWritesDestination]',
      ]);
    });

    test('a client without explicit auth flows gets Cognito\'s default, which includes SRP', () => {
      const attached = attach({}, {}, (_stack, pool) => new cognito.CfnUserPoolClient(pool, 'Legacy', {
        userPoolId: pool.userPoolId,
        writeAttributes: ['given_name'],
      }));

      expect(warningsOf(attached)).toEqual([expect.stringContaining('allows ALLOW_USER_SRP_AUTH (Cognito\'s default when no auth flow is set)')]);
    });

    test.each([
      [{ userPassword: true }, 'ALLOW_USER_PASSWORD_AUTH'],
      [{ adminUserPassword: true }, 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
      [{ user: true }, 'ALLOW_USER_AUTH'],
    ])('a client with %j is a warning', (authFlows, flow) => {
      const attached = attach();
      attached.pool.addClient('Web', { authFlows, disableOAuth: true, writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ givenName: true }) });

      expect(warningsOf(attached)).toEqual([expect.stringContaining(`allows ${flow}: a sign-in there gets tokens without the one-time codes`)]);
    });

    test('a client that signs the pool\'s own users in through managed login is a warning, even with custom auth only', () => {
      // GIVEN a client hardened as the password-flow warning says, but with CDK's default OAuth (code and implicit, COGNITO)
      const attached = attach({}, {}, (_stack, pool) => {
        pool.addClient('Web', { authFlows: { custom: true }, writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ givenName: true }) });
        pool.addClient('Federated', {
          authFlows: { custom: true },
          writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ givenName: true }),
          supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.GOOGLE],
        });
        pool.addClient('Machine', {
          authFlows: { custom: true },
          writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ givenName: true }),
          oAuth: { flows: { clientCredentials: true }, scopes: [cognito.OAuthScope.custom('api/read')] },
        });
      });

      // THEN only the client with COGNITO and a user flow is named
      expect(warningsOf(attached)).toEqual([
        'The app client Existing/Pool/Web of the same user pool signs the pool\'s own users in through managed login (OAuth implicit, code with the '
        + 'COGNITO identity provider), which never runs custom challenges: once the pool has a domain, its sign-in pages give tokens for a password alone '
        + '(the classic hosted UI whatever the client\'s auth flows), without the one-time codes of Existing/CustomAuth. Disable OAuth on it (disableOAuth: true), leave COGNITO out of its '
        + 'supportedIdentityProviders, or create it with addClient() of this construct. [ack: cdk-cognito-custom-auth:otherClientManagedLogin]',
      ]);
    });

    test('a client that allows only custom auth, no managed login, and cannot write the destination is fine, as is a client of another pool', () => {
      const attached = attach({ delivery: CodeDelivery.sms() }, {}, (stack, pool) => {
        pool.addClient('Web', { authFlows: { custom: true }, disableOAuth: true, writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }) });
        new cognito.UserPool(stack, 'Other').addClient('Elsewhere', { authFlows: { userPassword: true } });
      });

      expect(warningsOf(attached)).toEqual([]);
    });

    test('escape-hatch overrides are checked as deployed: on the pool, another client, and the construct\'s own clients', () => {
      // GIVEN settings changed with addPropertyOverride, which the L1's own properties do not show
      const override = (construct: IConstruct, property: string, value: unknown) =>
        (construct.node.defaultChild as CfnResource).addPropertyOverride(property, value);
      const required = () => attach({}, {}, (_stack, pool) => override(pool, 'MfaConfiguration', 'ON'));
      const triggered = () => attach({}, {}, (_stack, pool) => override(pool, 'LambdaConfig.DefineAuthChallenge', 'arn:aws:lambda:us-east-1:123456789012:function:x'));
      const attached = attach({}, {}, (_stack, pool) => {
        const web = pool.addClient('Web', { authFlows: { custom: true }, disableOAuth: true, writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ givenName: true }) });
        override(web, 'ExplicitAuthFlows', ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
      });
      override(attached.auth.userPoolClient, 'WriteAttributes', ['email']);
      override(attached.auth.addSignUpClient('SignUp'), 'ExplicitAuthFlows', ['ALLOW_USER_SRP_AUTH']);

      // THEN
      expect(required).toThrow(/^userPool must not require MFA/);
      expect(triggered).toThrow(/^userPool already has a DefineAuthChallenge trigger/);
      expect(warningsOf(attached)).toEqual([
        expect.stringMatching(/^The app client Existing\/Pool\/Web of the same user pool allows ALLOW_USER_PASSWORD_AUTH/),
        expect.stringMatching(/^The app client Existing\/CustomAuth\/Client of the same user pool lets users change email/),
        expect.stringMatching(/^The app client Existing\/CustomAuth\/SignUp of the same user pool allows ALLOW_USER_SRP_AUTH/),
      ]);
    });

    test('with passwordFirst, another client that can write the recovery address is a warning; the sign-up client is not', () => {
      // GIVEN codes by email, password resets by SMS, and a client that writes phone_number
      const attached = attach({ passwordFirst: true }, { accountRecovery: cognito.AccountRecovery.PHONE_ONLY_WITHOUT_MFA }, (_stack, pool) => {
        pool.addClient('Web', { authFlows: { custom: true }, disableOAuth: true, writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ phoneNumber: true }) });
      });
      attached.auth.addSignUpClient('SignUp');

      // THEN
      expect(warningsOf(attached)).toEqual([
        'The app client Existing/Pool/Web of the same user pool lets users change phone_number with their access token, where password reset codes '
        + 'go: with passwordFirst, a stolen token could point password resets at its holder (UpdateUserAttributes, then VerifyUserAttribute) and reset '
        + 'the password, leaving the one-time codes of Existing/CustomAuth as the only factor. Give it writeAttributes without them, or create it with '
        + 'addClient() of this construct. [ack: cdk-cognito-custom-auth:otherClientWritesRecovery]',
      ]);
      expect(warningsOf(attach({}, { accountRecovery: cognito.AccountRecovery.PHONE_ONLY_WITHOUT_MFA }, (_stack, pool) => {
        pool.addClient('Web', { authFlows: { custom: true }, disableOAuth: true, writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ phoneNumber: true }) });
      }))).toEqual([]);
    });

    test.each([
      ['cfnPool.ref', (pool: cognito.UserPool) => (pool.node.defaultChild as cognito.CfnUserPool).ref],
      ['cfnPool.attrUserPoolId', (pool: cognito.UserPool) => (pool.node.defaultChild as cognito.CfnUserPool).attrUserPoolId],
      ['Fn.ref', (pool: cognito.UserPool) => Fn.ref(Stack.of(pool).resolve((pool.node.defaultChild as cognito.CfnUserPool).logicalId))],
    ])('a client that names the pool by %s is checked too', (_name, poolId) => {
      const attached = attach({}, {}, (stack, pool) => new cognito.CfnUserPoolClient(stack, 'Raw', {
        userPoolId: poolId(pool),
        explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
        writeAttributes: ['given_name'],
      }));

      expect(warningsOf(attached)).toEqual([expect.stringMatching(/^The app client Existing\/Raw of the same user pool allows ALLOW_USER_PASSWORD_AUTH/)]);
    });

    test('a client whose auth flows and write attributes are tokens is not guessed at', () => {
      const attached = attach({}, {}, (_stack, pool) => new cognito.CfnUserPoolClient(pool, 'Tokens', {
        userPoolId: pool.userPoolId,
        explicitAuthFlows: Fn.split(',', Fn.importValue('Flows')),
        writeAttributes: Fn.split(',', Fn.importValue('Attributes')),
      }));

      expect(warningsOf(attached)).toEqual([]);
    });

    test('a client in another stack of the app is checked too', () => {
      const attached = attach();
      const web = new Stack(attached.app, 'Web', { env: { account: '123456789012', region: 'us-east-1' } });
      new cognito.UserPoolClient(web, 'Client', { userPool: attached.pool });

      expect(warningsOf(attached)).toEqual([
        expect.stringMatching(/^The app client Web\/Client of the same user pool allows ALLOW_USER_SRP_AUTH/),
        expect.stringMatching(/^The app client Web\/Client of the same user pool signs the pool's own users in through managed login/),
        expect.stringMatching(/^The app client Web\/Client of the same user pool lets users change email, email_verified/),
      ]);
    });

    test.each([
      [cognito.AccountRecovery.EMAIL_ONLY, 'email'],
      [cognito.AccountRecovery.EMAIL_AND_PHONE_WITHOUT_MFA, 'email'],
    ])('with passwordFirst, recovery through the codes\' channel (%s) is a warning that says what it costs', (accountRecovery, through) => {
      const attached = attach({ passwordFirst: true }, { accountRecovery });

      expect(warningsOf(attached)).toEqual([
        `With passwordFirst, the user pool Existing/Pool/Resource lets users reset their password through ${through}, where the sign-in codes go: `
        + 'whoever reads those messages can reset the password and then answer the codes, so the password and the codes collapse to one factor. '
        + 'Set the pool\'s account recovery to cognito.AccountRecovery.NONE (admin only, the CustomAuthUserPool default with passwordFirst) '
        + 'or to a channel the codes do not use; acknowledge this warning only if you accept that cost. '
        + '[ack: cdk-cognito-custom-auth:recoveryThroughCodeChannel]',
      ]);
    });

    test('with passwordFirst, recovery through a channel the codes do not use, or admin only, is fine; passwordless never warns', () => {
      expect(warningsOf(attach({ passwordFirst: true }, { accountRecovery: cognito.AccountRecovery.PHONE_ONLY_WITHOUT_MFA }))).toEqual([]);
      expect(warningsOf(attach({ passwordFirst: true }, { accountRecovery: cognito.AccountRecovery.NONE }))).toEqual([]);
      expect(warningsOf(attach({ passwordFirst: false }, { accountRecovery: cognito.AccountRecovery.EMAIL_ONLY }))).toEqual([]);
      expect(warningsOf(attach({ passwordFirst: true, delivery: CodeDelivery.sms() }, { accountRecovery: cognito.AccountRecovery.PHONE_AND_EMAIL })))
        .toEqual([expect.stringContaining('lets users reset their password through phone_number, where the sign-in codes go')]);
    });
  });
});

describe('CustomAuth under cdk-nag', () => {
  test('AwsSolutions finds nothing unacknowledged on the resources CustomAuth adds; the pool\'s own findings stay the pool owner\'s', () => {
    // GIVEN
    const attached = attach();
    Aspects.of(attached.stack).add(new AwsSolutionsChecks());

    // WHEN
    const annotations = Annotations.fromStack(attached.stack);
    const findings = [...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')), ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-'))];

    // THEN
    expect(findings.filter((finding) => finding.id.startsWith('/Existing/CustomAuth/'))).toEqual([]);
    expect(findings.map((finding) => finding.id)).toEqual(expect.arrayContaining(['/Existing/Pool/Resource']));
  });
});
