import { App, CfnElement, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ses from 'aws-cdk-lib/aws-ses';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps, EmailDeliveryOptions } from '../src';
import { codeDeliveryOf } from './support/code-delivery-env';

function newStack(): Stack {
  const app = new App();
  return new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
}

interface Synthesized {
  readonly stack: Stack;
  readonly auth: CustomAuthUserPool;
  readonly template: Template;
}

function stackWith(props: Partial<CustomAuthUserPoolProps> = {}, stack: Stack = newStack()): Synthesized {
  const auth = new CustomAuthUserPool(stack, 'Auth', {
    delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }),
    ...props,
  });
  return { stack, auth, template: Template.fromStack(stack) };
}

/** A user pool whose codes go out by email with these options. */
function emailWith(options: EmailDeliveryOptions, stack?: Stack): Synthesized {
  return stackWith({ delivery: CodeDelivery.email(options) }, stack);
}

/** The create function's environment and the statements of its role's policy. */
function createFunctionOf({ stack, auth, template }: Synthesized): {
  environment: Record<string, unknown>;
  statements: Array<Record<string, unknown>>;
} {
  const resources = template.toJSON().Resources;
  const fn = resources[stack.resolve((auth.createAuthChallengeFunction.node.defaultChild as CfnElement).logicalId)].Properties;
  const roleId = fn.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
  expect(policies).toHaveLength(1);
  return { environment: fn.Environment.Variables, statements: policies[0].Properties.PolicyDocument.Statement };
}

/** The SES statement that lets the create function send through `identity` only. */
function sendThrough(identity: string): Record<string, unknown> {
  return {
    Action: 'ses:SendEmail',
    Effect: 'Allow',
    Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ses:us-east-1:123456789012:identity/${identity}`]] },
  };
}

/** The SES statements among a policy's statements. */
function sesStatements(statements: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return statements.filter((statement) => JSON.stringify(statement.Action).includes('ses:'));
}

describe('CodeDelivery.email', () => {
  describe('SES identity', () => {
    test('derives the identity from the domain of fromAddress', () => {
      // GIVEN / WHEN
      const { statements } = createFunctionOf(emailWith({ fromAddress: 'no-reply@example.com' }));

      // THEN
      expect(sesStatements(statements)).toEqual([sendThrough('example.com')]);
    });

    test('derives the lowercased domain from a display-name address and passes the address as is', () => {
      // GIVEN / WHEN
      const { environment, statements } = createFunctionOf(emailWith({ fromAddress: 'Example <no-reply@Mail.Example.COM>' }));

      // THEN
      expect(sesStatements(statements)).toEqual([sendThrough('mail.example.com')]);
      expect(codeDeliveryOf(environment).channels[0].from).toBe('Example <no-reply@Mail.Example.COM>');
    });

    test('grants sending through the given identity only', () => {
      // GIVEN
      const stack = newStack();
      const identity = ses.EmailIdentity.fromEmailIdentityName(stack, 'Id', 'sender@example.org');

      // WHEN
      const { statements } = createFunctionOf(emailWith({ fromAddress: 'no-reply@example.com', identity }, stack));

      // THEN
      expect(sesStatements(statements)).toEqual([sendThrough('sender@example.org')]);
    });

    test('accepts a token fromAddress with an identity', () => {
      // GIVEN
      const stack = newStack();
      const identity = ses.EmailIdentity.fromEmailIdentityName(stack, 'Id', 'example.org');

      // WHEN
      const { environment, statements } = createFunctionOf(
        emailWith({ fromAddress: Token.asString({ Ref: 'From' }), identity }, stack),
      );

      // THEN
      expect(codeDeliveryOf(environment).channels[0].from).toEqual({ Ref: 'From' });
      expect(sesStatements(statements)).toEqual([sendThrough('example.org')]);
    });

    test('rejects a token fromAddress without an identity', () => {
      // GIVEN / WHEN / THEN
      expect(() => emailWith({ fromAddress: Token.asString({ Ref: 'From' }) })).toThrow(
        'identity must be set when fromAddress is a token: the SES identity cannot be derived from it. ',
      );
    });
  });

  describe('message', () => {
    test('passes sender, subject and body to the create function', () => {
      // GIVEN / WHEN
      const { environment } = createFunctionOf(emailWith({
        fromAddress: 'no-reply@example.com',
        subject: 'Your code: {####}',
        body: 'Enter {####} to sign in.',
      }));

      // THEN
      expect(codeDeliveryOf(environment)).toEqual({
        channels: [{ kind: 'email', from: 'no-reply@example.com', subject: 'Your code: {####}', body: 'Enter {####} to sign in.' }],
        challenges: [0],
      });
    });

    test('accepts a subject of 200 characters and a body of 2000', () => {
      // GIVEN
      const subject = 's'.repeat(200);
      const body = '{####}'.padEnd(2000, 'b');

      // WHEN
      const { environment } = createFunctionOf(emailWith({ fromAddress: 'no-reply@example.com', subject, body }));

      // THEN
      expect(codeDeliveryOf(environment).channels[0]).toMatchObject({ subject, body });
    });

    test('passes a token subject and body through unchecked', () => {
      // GIVEN / WHEN
      const { environment } = createFunctionOf(emailWith({
        fromAddress: 'no-reply@example.com',
        subject: Token.asString({ Ref: 'Subject' }),
        body: Token.asString({ Ref: 'Body' }),
      }));

      // THEN
      expect(codeDeliveryOf(environment).channels[0]).toMatchObject({ subject: { Ref: 'Subject' }, body: { Ref: 'Body' } });
    });
  });

  describe('validation', () => {
    test.each([
      'not-an-email',
      'no-reply@localhost',
      'no reply@example.com',
      '',
      'no-reply@example.com>',
      'Example <no-reply@example.com',
      'a@b <no-reply@example.com>',
    ])('rejects fromAddress %j', (fromAddress) => {
      // GIVEN / WHEN / THEN
      expect(() => emailWith({ fromAddress })).toThrow(
        `fromAddress must be an email address such as no-reply@example.com or "Example <no-reply@example.com>", got ${JSON.stringify(fromAddress)}. `,
      );
    });

    test('rejects a body without the code placeholder', () => {
      // GIVEN / WHEN / THEN
      expect(() => emailWith({ fromAddress: 'no-reply@example.com', body: 'Your code is ####' })).toThrow(
        'body must contain the code placeholder {####}, got "Your code is ####". ',
      );
    });

    test.each([
      ['subject', 'empty', '', 'subject must be non-empty text of at most 200 characters, got "" (0 characters). '],
      ['subject', 'blank', '   ', 'subject must be non-empty text of at most 200 characters, got "   " (3 characters). '],
      ['subject', '201 characters long', 's'.repeat(201), `subject must be non-empty text of at most 200 characters, got "${'s'.repeat(80)}" (201 characters). `],
      ['body', 'empty', '', 'body must be non-empty text of at most 2000 characters, got "" (0 characters). '],
      ['body', '2001 characters long', '{####}'.padEnd(2001, 'b'), `body must be non-empty text of at most 2000 characters, got "${'{####}'.padEnd(80, 'b')}" (2001 characters). `],
    ])('rejects a %s that is %s', (field, _description, value, message) => {
      // GIVEN / WHEN / THEN
      expect(() => emailWith({ fromAddress: 'no-reply@example.com', [field]: value })).toThrow(message);
    });
  });
});
