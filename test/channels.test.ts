import { Annotations as ConstructAnnotations, App, Aspects, CfnElement, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps } from '../src';
import { codeDeliveryOf } from './support/code-delivery-env';

function synth(props: Partial<CustomAuthUserPoolProps>, build?: (stack: Stack) => Partial<CustomAuthUserPoolProps>) {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const auth = new CustomAuthUserPool(stack, 'Auth', {
    delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }),
    ...props,
    ...build?.(stack),
  });
  const template = Template.fromStack(stack);
  const createId = stack.resolve((auth.createAuthChallengeFunction.node.defaultChild as CfnElement).logicalId);
  const create = template.toJSON().Resources[createId].Properties;
  const policy = Object.values(template.findResources('AWS::IAM::Policy'))
    .find((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: create.Role['Fn::GetAtt'][0] }]))!;
  return { stack, template, delivery: codeDeliveryOf(create.Environment.Variables), statements: policy.Properties.PolicyDocument.Statement };
}

function senderIn(stack: Stack): lambda.IFunction {
  return lambda.Function.fromFunctionArn(stack, 'Sender', 'arn:aws:lambda:us-east-1:123456789012:function:sender');
}

describe('CodeDelivery.sms', () => {
  test('publishes to phone numbers only: sns:Publish on anything but a topic, partition from the token', () => {
    // GIVEN / WHEN
    const { statements } = synth({ delivery: CodeDelivery.sms() });

    // THEN
    const sns = statements.filter((statement: any) => JSON.stringify(statement.Action).includes('sns:'));
    expect(sns).toEqual([{
      Action: 'sns:Publish',
      Effect: 'Allow',
      NotResource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] },
    }]);
    expect(JSON.stringify(statements)).not.toContain('ses:');
  });

  test('configures the channel with the default message and verifies phone numbers, without changing the schema', () => {
    // GIVEN / WHEN
    const { delivery, template } = synth({ delivery: CodeDelivery.sms() });

    // THEN
    expect(delivery).toEqual({ channels: [{ kind: 'sms', message: 'Your sign-in code is {####}' }], challenges: [0] });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AutoVerifiedAttributes: ['phone_number'],
      Schema: [{ Name: 'email', Mutable: true, Required: true }],
      SmsConfiguration: Match.objectLike({ SnsCallerArn: Match.anyValue() }),
    });
  });

  test('passes message, sender ID and origination number through', () => {
    const { delivery } = synth({ delivery: CodeDelivery.sms({ message: 'Code: {####}', senderId: 'ExampleCo', originationNumber: '+18005550100' }) });

    expect(delivery.channels).toEqual([{ kind: 'sms', message: 'Code: {####}', senderId: 'ExampleCo', originationNumber: '+18005550100' }]);
  });

  test.each([
    [{ message: 'No code here' }, 'message must contain the code placeholder {####}, got "No code here".'],
    [{ message: `{####}${'x'.repeat(135)}` }, 'message must be non-empty text of at most 140 characters'],
    [{ senderId: 'Example Company' }, 'senderId must be 1 to 11 letters and digits with at least one letter, e.g. "ExampleCo", got "Example Company".'],
    [{ senderId: '12345' }, 'senderId must be 1 to 11 letters and digits with at least one letter'],
    [{ originationNumber: '18005550100' }, 'originationNumber must be an E.164 phone number, e.g. "+18005550100", got "18005550100".'],
  ])('rejects %j', (options, message) => {
    expect(() => synth({ delivery: CodeDelivery.sms(options) })).toThrow(message);
  });

  test('accepts a message of exactly 140 characters', () => {
    expect(() => synth({ delivery: CodeDelivery.sms({ message: `{####}${'x'.repeat(134)}` }) })).not.toThrow();
  });
});

describe('CodeDelivery.customSender', () => {
  test('may invoke the sender function and nothing else', () => {
    // GIVEN / WHEN
    const { statements, delivery } = synth({}, (stack) => ({ delivery: CodeDelivery.customSender(senderIn(stack)) }));

    // THEN
    expect(statements.filter((statement: any) => JSON.stringify(statement.Action).includes('lambda:'))).toEqual([{
      Action: 'lambda:InvokeFunction',
      Effect: 'Allow',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:sender',
    }]);
    expect(delivery.channels).toEqual([{
      kind: 'custom', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:sender', attribute: 'email', medium: 'EMAIL',
    }]);
  });

  test('reads a custom attribute the pool declares, with its own medium name', () => {
    const { delivery, template } = synth({ customAttributes: { chat_id: new cognito.StringAttribute({ mutable: true }) } },
      (stack) => ({ delivery: CodeDelivery.customSender(senderIn(stack), { destinationAttribute: 'custom:chat_id', deliveryMedium: 'CHAT' }) }));

    expect(delivery.channels[0]).toMatchObject({ attribute: 'custom:chat_id', medium: 'CHAT' });
    template.hasResourceProperties('AWS::Cognito::UserPool', { Schema: Match.arrayWith([Match.objectLike({ Name: 'chat_id' })]) });
  });

  test('names the medium after a phone_number destination', () => {
    const { delivery } = synth({}, (stack) => ({ delivery: CodeDelivery.customSender(senderIn(stack), { destinationAttribute: 'phone_number' }) }));

    expect(delivery.channels[0]).toMatchObject({ attribute: 'phone_number', medium: 'SMS' });
  });

  test('rejects a custom attribute the pool does not declare', () => {
    expect(() => synth({}, (stack) => ({ delivery: CodeDelivery.customSender(senderIn(stack), { destinationAttribute: 'custom:chat_id' }) })))
      .toThrow('customAttributes must declare chat_id: a delivery channel reads the destination from custom:chat_id, got []. '
        + 'Add chat_id: new cognito.StringAttribute({ mutable: true }) to the user pool\'s customAttributes.');
  });

  test.each(['chat_id', 'custom:', 'Email'])('rejects destinationAttribute %j', (destinationAttribute) => {
    expect(() => synth({}, (stack) => ({ delivery: CodeDelivery.customSender(senderIn(stack), { destinationAttribute }) })))
      .toThrow(`destinationAttribute must be a standard user attribute (such as email or phone_number) or custom:<name>, got ${JSON.stringify(destinationAttribute)}.`);
  });

  test.each(['chat', 'CHAT MESSAGE', 'X'.repeat(21)])('rejects deliveryMedium %j', (deliveryMedium) => {
    expect(() => synth({}, (stack) => ({ delivery: CodeDelivery.customSender(senderIn(stack), { deliveryMedium }) })))
      .toThrow(`deliveryMedium must be upper-case letters, digits and underscores, at most 20, e.g. "CHAT", got ${JSON.stringify(deliveryMedium)}.`);
  });
});

describe('challengeDeliveries', () => {
  const email = CodeDelivery.email({ fromAddress: 'no-reply@example.com' });
  const sms = CodeDelivery.sms();

  test('maps each challenge to its channel, binding each channel once', () => {
    // GIVEN / WHEN
    const { delivery, statements, template } = synth({ challengeCount: 3, challengeDeliveries: [email, sms, email] });

    // THEN
    expect(delivery.challenges).toEqual([0, 1, 0]);
    expect(delivery.channels.map((channel: any) => channel.kind)).toEqual(['email', 'sms']);
    expect(statements.filter((statement: any) => JSON.stringify(statement.Action).includes('ses:'))).toHaveLength(1);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AutoVerifiedAttributes: ['email', 'phone_number'],
      Schema: [{ Name: 'email', Mutable: true, Required: true }],
    });
  });

  test('every challenge uses delivery when not set', () => {
    expect(synth({ challengeCount: 3 }).delivery.challenges).toEqual([0, 0, 0]);
  });

  test.each([[2, [email]], [1, [email, sms]]])('rejects a list that does not fit challengeCount %i', (challengeCount, challengeDeliveries) => {
    expect(() => synth({ challengeCount, challengeDeliveries })).toThrow(
      `challengeDeliveries must have one entry per challenge (challengeCount is ${challengeCount}), got ${challengeDeliveries.length}. `
      + `List exactly ${challengeCount} channels, or leave it out to use delivery for all.`);
  });

  test('rejects a per-challenge list with a token challengeCount', () => {
    expect(() => synth({ challengeCount: Token.asNumber({ Ref: 'Count' }), challengeDeliveries: [email] })).toThrow(
      'challengeDeliveries needs a challengeCount known at synth time, got a token. Set challengeCount to a number.');
  });

  test('a token challengeCount gets a channel for every possible challenge', () => {
    expect(synth({ challengeCount: Token.asNumber({ Ref: 'Count' }) }).delivery.challenges).toEqual(Array(10).fill(0));
  });
});

describe('every channel at once', () => {
  test('passes cdk-nag AwsSolutions with no unacknowledged finding (no wildcard grant for SMS or the custom sender)', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
    const email = CodeDelivery.email({ fromAddress: 'no-reply@example.com' });
    const auth = new CustomAuthUserPool(stack, 'Auth', {
      delivery: email,
      challengeCount: 3,
      challengeDeliveries: [email, CodeDelivery.sms(), CodeDelivery.customSender(senderIn(stack))],
    });
    // The construct's own warning about SMS (test/standards.test.ts), acknowledged as a deployer would.
    ConstructAnnotations.of(auth).acknowledgeWarning('cdk-cognito-custom-auth:smsIsRestricted', 'SMS is the third of three factors here');

    // WHEN
    Aspects.of(stack).add(new AwsSolutionsChecks());
    const annotations = Annotations.fromStack(stack);

    // THEN
    const findings = [...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.anyValue())];
    expect(findings.map((finding) => `${finding.id} ${String(finding.entry.data).split(':')[0]}`)).toEqual([]);
  });
});
