import { App, CfnElement, CfnParameter, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps } from '../src';

function stackWith(props: Partial<CustomAuthUserPoolProps> = {}): { stack: Stack; auth: CustomAuthUserPool; template: Template } {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const auth = new CustomAuthUserPool(stack, 'Auth', {
    delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }),
    ...props,
  });
  return { stack, auth, template: Template.fromStack(stack) };
}

/** The logical ID of the L1 resource behind an L2 construct. */
function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.resolve((construct.node.defaultChild as CfnElement).logicalId);
}

type Trigger = 'define' | 'create' | 'verify';
const TRIGGERS: Trigger[] = ['define', 'create', 'verify'];

/** The three trigger functions' logical IDs, by trigger. */
function triggerIds(stack: Stack, auth: CustomAuthUserPool): Record<Trigger, string> {
  return {
    define: logicalId(stack, auth.defineAuthChallengeFunction),
    create: logicalId(stack, auth.createAuthChallengeFunction),
    verify: logicalId(stack, auth.verifyAuthChallengeFunction),
  };
}

/** The Properties of a resource by logical ID. */
function propertiesOf(template: Template, id: string): Record<string, any> {
  const resource = template.toJSON().Resources[id];
  expect(resource).toBeDefined();
  return resource.Properties;
}

/** The Environment.Variables of one trigger function. */
function environmentOf(trigger: Trigger, props: Partial<CustomAuthUserPoolProps> = {}): Record<string, unknown> | undefined {
  const { stack, auth, template } = stackWith(props);
  return propertiesOf(template, triggerIds(stack, auth)[trigger]).Environment?.Variables;
}

const DEFAULT_BODY = 'Your sign-in code is {####}. If you did not try to sign in, you can ignore this message.';
const TOKEN = Token.asNumber({ Ref: 'P' });

describe('CustomAuthUserPool', () => {
  describe('user pool', () => {
    test('wires the three triggers into the user pool', () => {
      // GIVEN / WHEN
      const { stack, auth, template } = stackWith();

      // THEN
      const ids = triggerIds(stack, auth);
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        LambdaConfig: Match.exact({
          DefineAuthChallenge: { 'Fn::GetAtt': [ids.define, 'Arn'] },
          CreateAuthChallenge: { 'Fn::GetAtt': [ids.create, 'Arn'] },
          VerifyAuthChallengeResponse: { 'Fn::GetAtt': [ids.verify, 'Arn'] },
        }),
      });
      template.resourceCountIs('AWS::Cognito::UserPool', 1);
    });

    test('defaults to admin-only sign-up, email sign-in, case-insensitive usernames and no Cognito MFA', () => {
      // GIVEN / WHEN
      const { template } = stackWith();

      // THEN
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UsernameAttributes: ['email'],
        AliasAttributes: Match.absent(),
        UsernameConfiguration: { CaseSensitive: false },
        MfaConfiguration: 'OFF',
        Schema: Match.arrayWith([{ Name: 'email', Required: true, Mutable: true }]),
      });
    });

    test('defaults to a strong password policy', () => {
      // GIVEN / WHEN
      const { template } = stackWith();

      // THEN
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        Policies: {
          PasswordPolicy: Match.exact({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            TemporaryPasswordValidityDays: 3,
          }),
        },
      });
    });

    test('defaults to the Lite feature plan', () => {
      // GIVEN / WHEN
      const { template } = stackWith();

      // THEN
      template.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'LITE' });
    });

    test('retains the user pool and its log groups with deletion protection on by default', () => {
      // GIVEN / WHEN
      const { template } = stackWith();

      // THEN
      template.hasResource('AWS::Cognito::UserPool', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
      });
      expect(Object.keys(template.findResources('AWS::Logs::LogGroup', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      }))).toHaveLength(3);
    });

    test('removalPolicy DESTROY deletes the user pool and log groups and turns deletion protection off', () => {
      // GIVEN / WHEN
      const { template } = stackWith({ removalPolicy: RemovalPolicy.DESTROY });

      // THEN
      template.hasResource('AWS::Cognito::UserPool', {
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
        Properties: Match.objectLike({ DeletionProtection: 'INACTIVE' }),
      });
      expect(Object.keys(template.findResources('AWS::Logs::LogGroup', {
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      }))).toHaveLength(3);
    });

    test('selfSignUpEnabled lets users sign themselves up, through a sign-up client that signs nobody in', () => {
      // GIVEN / WHEN
      const { template } = stackWith({ selfSignUpEnabled: true });

      // THEN
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      });
      template.resourceCountIs('AWS::Cognito::UserPoolClient', 2);
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        WriteAttributes: Match.arrayWith(['email']),
      });
      // Without self sign-up, the app client is the only client.
      stackWith({}).template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    });

    test('signInAliases with username and email keeps email as an alias and still requires it', () => {
      // GIVEN / WHEN
      const { template } = stackWith({ signInAliases: { username: true, email: true } });

      // THEN
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        UsernameAttributes: Match.absent(),
        AliasAttributes: ['email'],
        Schema: Match.arrayWith([Match.objectLike({ Name: 'email', Required: true })]),
      });
    });

    test('passwordPolicy replaces the default policy', () => {
      // GIVEN / WHEN
      const { template } = stackWith({
        passwordPolicy: { minLength: 16, requireSymbols: false, tempPasswordValidity: Duration.days(1) },
      });

      // THEN
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 16,
            RequireSymbols: false,
            TemporaryPasswordValidityDays: 1,
          }),
        },
      });
    });

    test.each([
      [cognito.FeaturePlan.ESSENTIALS, 'ESSENTIALS'],
      [cognito.FeaturePlan.PLUS, 'PLUS'],
    ])('featurePlan %s sets the user pool tier', (featurePlan, tier) => {
      // GIVEN / WHEN
      const { template } = stackWith({ featurePlan });

      // THEN
      template.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: tier });
    });

    test('userPoolName names the user pool, which is otherwise unnamed', () => {
      // GIVEN / WHEN
      const named = stackWith({ userPoolName: 'customers' }).template;
      const unnamed = stackWith().template;

      // THEN
      named.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolName: 'customers' });
      unnamed.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolName: Match.absent() });
    });
  });

  describe('app client', () => {
    test('allows only custom auth and refresh, hides user existence and has no secret or OAuth', () => {
      // GIVEN / WHEN
      const { stack, auth, template } = stackWith();

      // THEN
      template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        UserPoolId: { Ref: logicalId(stack, auth.userPool) },
        ExplicitAuthFlows: Match.exact(['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
        PreventUserExistenceErrors: 'ENABLED',
        GenerateSecret: false,
        AllowedOAuthFlowsUserPoolClient: false,
        AllowedOAuthFlows: Match.absent(),
        AllowedOAuthScopes: Match.absent(),
        CallbackURLs: Match.absent(),
        EnableTokenRevocation: true,
        AuthSessionValidity: 3,
      });
    });

    test('authSessionValidity sets the client session validity in minutes', () => {
      // GIVEN / WHEN
      const { template } = stackWith({ authSessionValidity: Duration.minutes(15) });

      // THEN
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', { AuthSessionValidity: 15 });
    });

    test('generateSecret gives the client a secret', () => {
      // GIVEN / WHEN
      const { template } = stackWith({ generateSecret: true });

      // THEN
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: true });
    });

    test('oAuth enables OAuth without adding any auth flow', () => {
      // GIVEN / WHEN
      const { template } = stackWith({
        oAuth: {
          flows: { authorizationCodeGrant: true },
          scopes: [cognito.OAuthScope.OPENID],
          callbackUrls: ['https://app.example.com/callback'],
        },
      });

      // THEN
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid'],
        CallbackURLs: ['https://app.example.com/callback'],
        ExplicitAuthFlows: Match.exact(['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      });
    });
  });

  describe('trigger functions', () => {
    test('creates exactly three Node.js 22 arm64 functions with JSON logging to their own log groups', () => {
      // GIVEN / WHEN
      const { stack, auth, template } = stackWith();

      // THEN
      template.resourceCountIs('AWS::Lambda::Function', 3);
      template.resourceCountIs('AWS::Logs::LogGroup', 3);
      const ids = triggerIds(stack, auth);
      const logGroups = new Set<string>();
      for (const trigger of TRIGGERS) {
        const fn = propertiesOf(template, ids[trigger]);
        expect(fn).toEqual(expect.objectContaining({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          LoggingConfig: {
            LogFormat: 'JSON',
            ApplicationLogLevel: 'INFO',
            SystemLogLevel: 'WARN',
            LogGroup: { Ref: expect.any(String) },
          },
        }));
        const logGroupId = fn.LoggingConfig.LogGroup.Ref;
        expect(template.toJSON().Resources[logGroupId].Type).toBe('AWS::Logs::LogGroup');
        logGroups.add(logGroupId);
      }
      expect(logGroups.size).toBe(3);
    });

    test.each([
      ['define', 3, 128],
      ['create', 5, 256],
      ['verify', 3, 128],
    ] as Array<[Trigger, number, number]>)('the %s function has a %i second timeout and %i MB of memory', (trigger, timeout, memory) => {
      // GIVEN / WHEN
      const { stack, auth, template } = stackWith();

      // THEN
      const fn = propertiesOf(template, triggerIds(stack, auth)[trigger]);
      expect(fn.Timeout).toBe(timeout);
      expect(fn.MemorySize).toBe(memory);
    });

    test('keeps logs for three months by default', () => {
      // GIVEN / WHEN
      const { template } = stackWith();

      // THEN
      template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 90 }, 3);
    });

    test('logRetention sets the retention of all three log groups', () => {
      // GIVEN / WHEN
      const { template } = stackWith({ logRetention: logs.RetentionDays.ONE_YEAR });

      // THEN
      template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 365 }, 3);
    });

    test('the define function gets exactly the challenge settings', () => {
      // GIVEN / WHEN
      const environment = environmentOf('define');

      // THEN
      expect(environment).toEqual({ CHALLENGE_COUNT: '1', PASSWORD_FIRST: 'false', MAX_ATTEMPTS: '3' });
    });

    test('the create function gets the challenge, code, email and limits settings', () => {
      // GIVEN / WHEN
      const { stack, auth, template } = stackWith();
      const environment = propertiesOf(template, triggerIds(stack, auth).create).Environment.Variables;

      // THEN
      expect(environment).toEqual({
        CHALLENGE_COUNT: '1',
        PASSWORD_FIRST: 'false',
        MAX_ATTEMPTS: '3',
        CODE_LENGTH: '6',
        CODE_VALIDITY_SECONDS: '300',
        CODE_DELIVERY: JSON.stringify({
          channels: [{ kind: 'email', from: 'no-reply@example.com', subject: 'Your sign-in code', body: DEFAULT_BODY }],
          challenges: [0],
        }),
        BUDGET_TABLE: { Ref: stack.resolve((auth.limitsTable!.node.defaultChild as CfnElement).logicalId) },
        BUDGET_WINDOW_SECONDS: '86400',
        BUDGET_MAX_CODES: '10',
        BUDGET_MAX_WRONG_ANSWERS: '10',
        BUDGET_SALT: { Ref: 'AWS::StackId' },
      });
    });

    test('the verify function gets no environment', () => {
      // GIVEN / WHEN
      const { stack, auth, template } = stackWith();

      // THEN
      expect(propertiesOf(template, triggerIds(stack, auth).verify)).not.toHaveProperty('Environment');
      template.resourcePropertiesCountIs('AWS::Lambda::Function', { Environment: Match.absent() }, 1);
    });

    test('challenge and code props reach the define and create functions as strings', () => {
      // GIVEN
      const props: Partial<CustomAuthUserPoolProps> = {
        challengeCount: 3,
        passwordFirst: true,
        maxAttempts: 5,
        codeLength: 8,
        codeValidity: Duration.minutes(10),
      };

      // WHEN
      const define = environmentOf('define', props);
      const create = environmentOf('create', props);

      // THEN
      expect(define).toEqual({ CHALLENGE_COUNT: '3', PASSWORD_FIRST: 'true', MAX_ATTEMPTS: '5' });
      expect(create).toEqual(expect.objectContaining({
        CHALLENGE_COUNT: '3',
        PASSWORD_FIRST: 'true',
        MAX_ATTEMPTS: '5',
        CODE_LENGTH: '8',
        CODE_VALIDITY_SECONDS: '600',
      }));
    });

    test('the construct exposes the functions it creates', () => {
      // GIVEN / WHEN
      const { stack, auth, template } = stackWith();

      // THEN
      const ids = triggerIds(stack, auth);
      expect(propertiesOf(template, ids.define).Description).toBe('Cognito custom auth: Define Auth Challenge');
      expect(propertiesOf(template, ids.create).Description).toBe('Cognito custom auth: Create Auth Challenge');
      expect(propertiesOf(template, ids.verify).Description).toBe('Cognito custom auth: Verify Auth Challenge Response');
    });
  });

  describe('permissions', () => {
    test('no role has a managed policy or an inline policy of its own', () => {
      // GIVEN / WHEN
      const { template } = stackWith();

      // THEN
      const roles = Object.values(template.findResources('AWS::IAM::Role'));
      expect(roles).toHaveLength(3);
      for (const role of roles) {
        expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
        expect(role.Properties).not.toHaveProperty('Policies');
        expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
        }]);
      }
    });

    test('each function may write only to its own log group; only the create function may send email and count', () => {
      // GIVEN / WHEN
      const { stack, auth, template } = stackWith();

      // THEN
      template.resourceCountIs('AWS::IAM::Policy', 3);
      const ids = triggerIds(stack, auth);
      const policies = Object.values(template.findResources('AWS::IAM::Policy'));
      for (const trigger of TRIGGERS) {
        const fn = propertiesOf(template, ids[trigger]);
        const roleId = fn.Role['Fn::GetAtt'][0];
        const logGroupId = fn.LoggingConfig.LogGroup.Ref;
        const attached = policies.filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
        expect(attached).toHaveLength(1);

        const writeLogs = {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        };
        const email = {
          Action: 'ses:SendEmail',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:us-east-1:123456789012:identity/example.com']] },
        };
        const count = {
          Action: 'dynamodb:UpdateItem',
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [stack.resolve((auth.limitsTable!.node.defaultChild as CfnElement).logicalId), 'Arn'] },
        };
        expect(attached[0].Properties.PolicyDocument.Statement).toEqual(trigger === 'create' ? [writeLogs, count, email] : [writeLogs]);
      }
    });

    test('only this user pool may invoke the functions', () => {
      // GIVEN / WHEN
      const { stack, auth, template } = stackWith();

      // THEN
      template.resourceCountIs('AWS::Lambda::Permission', 3);
      const poolArn = { 'Fn::GetAtt': [logicalId(stack, auth.userPool), 'Arn'] };
      const ids = triggerIds(stack, auth);
      for (const trigger of TRIGGERS) {
        template.hasResourceProperties('AWS::Lambda::Permission', Match.exact({
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': [ids[trigger], 'Arn'] },
          Principal: 'cognito-idp.amazonaws.com',
          SourceArn: poolArn,
        }));
      }
    });
  });

  describe('validation', () => {
    test.each([
      ['challengeCount', 1, 10, 'CHALLENGE_COUNT'],
      ['maxAttempts', 1, 10, 'MAX_ATTEMPTS'],
      ['codeLength', 6, 10, 'CODE_LENGTH'],
    ] as Array<['challengeCount' | 'maxAttempts' | 'codeLength', number, number, string]>)(
      '%s accepts integers from %i to %i',
      (prop, min, max, variable) => {
        // GIVEN / WHEN / THEN
        expect(environmentOf('create', { [prop]: min })?.[variable]).toBe(String(min));
        expect(environmentOf('create', { [prop]: max })?.[variable]).toBe(String(max));
      },
    );

    test.each([
      ['challengeCount', 0, 'challengeCount must be an integer from 1 to 10, got 0. '],
      ['challengeCount', 11, 'challengeCount must be an integer from 1 to 10, got 11. '],
      ['challengeCount', 1.5, 'challengeCount must be an integer from 1 to 10, got 1.5. '],
      ['maxAttempts', 0, 'maxAttempts must be an integer from 1 to 10, got 0. '],
      ['maxAttempts', 11, 'maxAttempts must be an integer from 1 to 10, got 11. '],
      ['maxAttempts', 1.5, 'maxAttempts must be an integer from 1 to 10, got 1.5. '],
      ['codeLength', 5, 'codeLength must be an integer from 6 to 10, got 5. '],
      ['codeLength', 11, 'codeLength must be an integer from 6 to 10, got 11. '],
      ['codeLength', 6.5, 'codeLength must be an integer from 6 to 10, got 6.5. '],
    ])('%s rejects %d', (prop, value, message) => {
      // GIVEN / WHEN / THEN
      expect(() => stackWith({ [prop]: value })).toThrow(message);
    });

    test.each([
      ['challengeCount', 'CHALLENGE_COUNT'],
      ['maxAttempts', 'MAX_ATTEMPTS'],
      ['codeLength', 'CODE_LENGTH'],
    ])('%s passes a token through unchecked', (prop, variable) => {
      // GIVEN / WHEN
      const environment = environmentOf('create', { [prop]: TOKEN });

      // THEN
      expect(environment?.[variable]).toEqual({ Ref: 'P' });
    });

    test('integer props accept a CloudFormation parameter', () => {
      // GIVEN
      const stack = new Stack(new App(), 'Test');
      const count = new CfnParameter(stack, 'ChallengeCount', { type: 'Number' });

      // WHEN
      const auth = new CustomAuthUserPool(stack, 'Auth', {
        delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }),
        challengeCount: count.valueAsNumber,
      });

      // THEN
      const fn = propertiesOf(Template.fromStack(stack), logicalId(stack, auth.defineAuthChallengeFunction));
      expect(fn.Environment.Variables.CHALLENGE_COUNT).toEqual({ Ref: 'ChallengeCount' });
    });

    test('codeValidity accepts 1 to 60 minutes', () => {
      // GIVEN / WHEN / THEN
      expect(environmentOf('create', { codeValidity: Duration.seconds(60) })?.CODE_VALIDITY_SECONDS).toBe('60');
      expect(environmentOf('create', { codeValidity: Duration.minutes(60) })?.CODE_VALIDITY_SECONDS).toBe('3600');
    });

    test.each([
      [Duration.seconds(59), '59 seconds'],
      [Duration.seconds(3601), '1 hour 1 second'],
      [Duration.minutes(61), '1 hour 1 minute'],
    ])('codeValidity rejects %s', (codeValidity, human) => {
      // GIVEN / WHEN / THEN
      expect(() => stackWith({ codeValidity })).toThrow(
        `codeValidity must be a whole number of seconds from 60 to 3600 (1 to 60 minutes), got ${human}. `,
      );
    });

    test('codeValidity rejects a fraction of a second with its own message', () => {
      expect(() => stackWith({ codeValidity: Duration.millis(60500) })).toThrow(
        'codeValidity must be a whole number of seconds from 60 to 3600 (1 to 60 minutes), got 1 minute 500 millis. ',
      );
    });

    test('codeValidity rejects a token in minutes, naming the fix', () => {
      expect(() => stackWith({ codeValidity: Duration.minutes(TOKEN) })).toThrow(
        'codeValidity is a token in a unit other than seconds. Pass Duration.seconds(token) instead.',
      );
    });

    test('codeValidity passes a token in seconds through unchecked', () => {
      // GIVEN / WHEN
      const environment = environmentOf('create', { codeValidity: Duration.seconds(TOKEN) });

      // THEN
      expect(environment?.CODE_VALIDITY_SECONDS).toEqual({ Ref: 'P' });
    });

    test('authSessionValidity accepts 3 to 15 minutes', () => {
      // GIVEN / WHEN
      const shortest = stackWith({ authSessionValidity: Duration.minutes(3) }).template;
      const longest = stackWith({ authSessionValidity: Duration.seconds(900) }).template;

      // THEN
      shortest.hasResourceProperties('AWS::Cognito::UserPoolClient', { AuthSessionValidity: 3 });
      longest.hasResourceProperties('AWS::Cognito::UserPoolClient', { AuthSessionValidity: 15 });
    });

    test.each([
      [Duration.minutes(2), '2 minutes'],
      [Duration.seconds(179), '2 minutes 59 seconds'],
      [Duration.seconds(901), '15 minutes 1 second'],
      [Duration.minutes(16), '16 minutes'],
      [Duration.seconds(200), '3 minutes 20 seconds'],
      [Duration.seconds(Token.asNumber({ Ref: 'P' })), 'a token'],
    ])('authSessionValidity rejects %s', (authSessionValidity, human) => {
      // GIVEN / WHEN / THEN
      expect(() => stackWith({ authSessionValidity })).toThrow(
        `authSessionValidity must be a whole number of minutes from 3 to 15, got ${human}. `
        + 'Use Duration.minutes(n) with n from 3 to 15, or omit it for the default (3).',
      );
    });
  });

  test('removalPolicy RETAIN_ON_UPDATE_OR_DELETE keeps deletion protection on', () => {
    // GIVEN / WHEN
    const { template } = stackWith({ removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });

    // THEN
    template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
  });

  describe('account security around the codes', () => {
    const sender = (stack: Stack) => lambda.Function.fromFunctionArn(stack, 'Sender', 'arn:aws:lambda:us-east-1:123456789012:function:sender');
    const email = CodeDelivery.email({ fromAddress: 'no-reply@example.com' });
    const CHANNELS: Array<[string, (stack: Stack) => Partial<CustomAuthUserPoolProps>]> = [
      ['email only', () => ({ delivery: email })],
      ['SMS only', () => ({ delivery: CodeDelivery.sms() })],
      ['email, then SMS', () => ({ delivery: email, challengeCount: 2, challengeDeliveries: [email, CodeDelivery.sms()] })],
      ['a custom sender', (stack) => ({ delivery: CodeDelivery.customSender(sender(stack), { destinationAttribute: 'custom:chat_id' }) })],
    ];

    /** A pool with the chat_id attribute declared, whatever the channels, so that only the channels differ. */
    function poolWith(build: (stack: Stack) => Partial<CustomAuthUserPoolProps>, props: Partial<CustomAuthUserPoolProps> = {}) {
      const app = new App();
      const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
      const auth = new CustomAuthUserPool(stack, 'Auth', {
        delivery: email,
        customAttributes: { chat_id: new cognito.StringAttribute({ mutable: true }) },
        ...props,
        ...build(stack),
      });
      const template = Template.fromStack(stack);
      const pool = propertiesOf(template, logicalId(stack, auth.userPool));
      const client = propertiesOf(template, logicalId(stack, auth.userPoolClient));
      return { stack, auth, pool, client };
    }

    test('the schema and sign-in attributes are the same for every channel, so changing channels is a safe update', () => {
      // GIVEN / WHEN
      const schemas = CHANNELS.map(([, build]) => {
        const { pool } = poolWith(build);
        const { Schema, UsernameAttributes, AliasAttributes, UsernameConfiguration } = pool;
        return { Schema, UsernameAttributes, AliasAttributes, UsernameConfiguration };
      });

      // THEN
      expect(schemas[0].Schema).toEqual([
        { Name: 'email', Mutable: true, Required: true },
        { Name: 'chat_id', AttributeDataType: 'String', Mutable: true },
      ]);
      for (const schema of schemas.slice(1)) {
        expect(schema).toEqual(schemas[0]);
      }
    });

    test('standardAttributes replaces the default schema, e.g. to keep updating a pool deployed with phone_number required', () => {
      const { pool } = poolWith(() => ({ delivery: CodeDelivery.sms() }), {
        standardAttributes: { email: { required: false, mutable: true }, phoneNumber: { required: true, mutable: true } },
        customAttributes: undefined,
      });

      expect(pool.Schema).toEqual([{ Name: 'email', Mutable: true, Required: false }, { Name: 'phone_number', Mutable: true, Required: true }]);
    });

    const PROTECTED: Record<string, string[]> = {
      'email only': ['email', 'email_verified'],
      'SMS only': ['phone_number', 'phone_number_verified'],
      'email, then SMS': ['email', 'email_verified', 'phone_number', 'phone_number_verified'],
      'a custom sender': ['custom:chat_id'],
    };
    // No *_verified whatever the channels: only Cognito (after a code) or an administrator marks an address verified.
    const WRITABLE = ['address', 'birthdate', 'custom:chat_id', 'email', 'family_name', 'gender', 'given_name', 'locale',
      'middle_name', 'name', 'nickname', 'phone_number', 'picture', 'preferred_username', 'profile', 'updated_at',
      'website', 'zoneinfo'];

    test.each(CHANNELS)('with %s, the client cannot write where the codes go nor any *_verified, and can write every other attribute', (name, build) => {
      // GIVEN / WHEN
      const { client } = poolWith(build);

      // THEN
      expect(client.WriteAttributes).toEqual(WRITABLE.filter((attribute) => !PROTECTED[name].includes(attribute)));
    });

    test('writeAttributes that name a destination fail at synth, naming the fix', () => {
      expect(() => stackWith({ writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ givenName: true, email: true }) }))
        .toThrow('writeAttributes must not include email, got ["email","given_name"]: codes are sent to email');
    });

    test('customAuth.addClient adds a client with the same hardening', () => {
      // GIVEN
      const stack = new Stack(new App(), 'Test');
      const auth = new CustomAuthUserPool(stack, 'Auth', { delivery: email });

      // WHEN
      const mobile = auth.customAuth.addClient('Mobile');

      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Cognito::UserPoolClient', 2);
      expect(propertiesOf(template, logicalId(stack, mobile))).toEqual(propertiesOf(template, logicalId(stack, auth.userPoolClient)));
    });

    test.each([
      ['passwordless, email codes', {}, ['verified_email']],
      ['passwordless, SMS codes only', { delivery: CodeDelivery.sms() }, ['verified_phone_number', 'verified_email']],
      ['password first, email codes', { passwordFirst: true }, ['admin_only']],
      ['password first, SMS codes', { passwordFirst: true, delivery: CodeDelivery.sms() }, ['admin_only']],
    ])('%s: account recovery by default, never through the codes\' channel when the password is a factor', (_name, props, mechanisms) => {
      const { template, stack } = stackWith(props as Partial<CustomAuthUserPoolProps>);

      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AccountRecoverySetting: { RecoveryMechanisms: mechanisms.map((name, index) => ({ Name: name, Priority: index + 1 })) },
      });
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('reset their password'))).toEqual([]);
    });

    test('with passwordFirst, accountRecovery through the codes\' channel opts back in with a warning that says what it costs', () => {
      // GIVEN / WHEN
      const { template, stack } = stackWith({ passwordFirst: true, accountRecovery: cognito.AccountRecovery.EMAIL_ONLY });

      // THEN
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      });
      const warnings = Annotations.fromStack(stack).findWarning('/Test/Auth/Default', Match.anyValue());
      expect(warnings.map((warning) => warning.entry.data)).toEqual([expect.stringMatching(
        /^With passwordFirst, the user pool Test\/Auth\/UserPool\/Resource lets users reset their password through email, where the sign-in codes go: .* collapse to one factor\./,
      )]);
    });

    test('with passwordFirst, accountRecovery through a channel the codes do not use is no warning', () => {
      const { stack } = stackWith({ passwordFirst: true, accountRecovery: cognito.AccountRecovery.PHONE_ONLY_WITHOUT_MFA });

      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    });
  });

  describe('snapshots', () => {
    test('passwordless sign-in with one challenge', () => {
      // GIVEN / WHEN
      const { template } = stackWith();

      // THEN
      expect(template.toJSON()).toMatchSnapshot();
    });

    test('password first, then three challenges of eight digits with five attempts', () => {
      // GIVEN / WHEN
      const { template } = stackWith({ passwordFirst: true, challengeCount: 3, maxAttempts: 5, codeLength: 8 });

      // THEN
      expect(template.toJSON()).toMatchSnapshot();
    });
  });
});
