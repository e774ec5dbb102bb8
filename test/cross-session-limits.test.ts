import { App, CfnElement, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CodeDelivery, CrossSessionLimits, CustomAuthUserPool } from '../src';

function synth(crossSessionLimits?: CrossSessionLimits) {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const auth = new CustomAuthUserPool(stack, 'Auth', {
    delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }),
    crossSessionLimits,
  });
  const template = Template.fromStack(stack);
  const createId = stack.resolve((auth.createAuthChallengeFunction.node.defaultChild as CfnElement).logicalId);
  return { stack, auth, template, create: template.toJSON().Resources[createId].Properties };
}

describe('CustomAuthUserPool crossSessionLimits', () => {
  test('are on by default: an on-demand, encrypted table with TTL, removed with the stack', () => {
    // GIVEN / WHEN
    const { template, auth, stack } = synth();

    // THEN
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
    expect(auth.limitsTable).toBeDefined();
    expect(stack.resolve(auth.limitsTable!.tableName)).toEqual({ Ref: expect.stringMatching(/^AuthLimitsTable/) });
  });

  test('only the create function may touch the table, with UpdateItem on the table alone', () => {
    // GIVEN / WHEN
    const { template } = synth();

    // THEN
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => JSON.stringify(statement).includes('dynamodb'));
    expect(statements).toEqual([{
      Action: 'dynamodb:UpdateItem',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AuthLimitsTable/), 'Arn'] },
    }]);
  });

  test('reach the create function as its environment', () => {
    const { create } = synth({ window: Duration.minutes(15), maxCodes: 5, maxWrongAnswers: 7 });

    expect(create.Environment.Variables).toMatchObject({
      BUDGET_TABLE: { Ref: expect.stringMatching(/^AuthLimitsTable/) },
      BUDGET_WINDOW_SECONDS: '900',
      BUDGET_MAX_CODES: '5',
      BUDGET_MAX_WRONG_ANSWERS: '7',
      BUDGET_SALT: { Ref: 'AWS::StackId' },
    });
  });

  test('default to budgets of 10 codes and 10 wrong answers that refill over a day', () => {
    const { create } = synth();

    expect(create.Environment.Variables).toMatchObject({ BUDGET_WINDOW_SECONDS: '86400', BUDGET_MAX_CODES: '10', BUDGET_MAX_WRONG_ANSWERS: '10' });
  });

  test('enabled: false creates no table and no grant, and the handler counts nothing', () => {
    const { template, create, auth } = synth({ enabled: false });

    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('dynamodb');
    expect(Object.keys(create.Environment.Variables).filter((name) => name.startsWith('BUDGET_'))).toEqual([]);
    expect(auth.limitsTable).toBeUndefined();
  });

  test.each([
    [{ maxCodes: 0 }, 'crossSessionLimits.maxCodes must be an integer from 1 to 1000, got 0.'],
    [{ maxCodes: 1001 }, 'crossSessionLimits.maxCodes must be an integer from 1 to 1000, got 1001.'],
    [{ maxWrongAnswers: 2.5 }, 'crossSessionLimits.maxWrongAnswers must be an integer from 1 to 1000, got 2.5.'],
    [{ window: Duration.seconds(59) }, 'crossSessionLimits.window must be a whole number of seconds from 60 to 86400 (1 to 1440 minutes), got 59 seconds.'],
    [{ window: Duration.days(2) }, 'crossSessionLimits.window must be a whole number of seconds from 60 to 86400 (1 to 1440 minutes), got 2 days.'],
    [{ window: Duration.millis(90_500) }, 'crossSessionLimits.window must be a whole number of seconds from 60 to 86400 (1 to 1440 minutes), got 1 minute 30 seconds.'],
  ])('rejects %j', (limits, message) => {
    expect(() => synth(limits)).toThrow(message);
  });

  test.each([
    { maxCodes: 1, maxWrongAnswers: 1000, window: Duration.minutes(1) },
    { maxCodes: 1000, maxWrongAnswers: 1, window: Duration.days(1) },
    { maxCodes: Token.asNumber({ Ref: 'Codes' }), window: Duration.seconds(Token.asNumber({ Ref: 'Window' })) },
  ])('accepts the boundaries and tokens %#', (limits) => {
    expect(() => synth(limits)).not.toThrow();
  });
});
