import { App, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps } from '../src';

const EU_WEST_1 = { account: '123456789012', region: 'eu-west-1' };

/** The user pool's properties; `env` null makes an environment-agnostic stack. */
function poolWith(props: Partial<CustomAuthUserPoolProps>, env: typeof EU_WEST_1 | null = EU_WEST_1): Record<string, any> {
  const stack = new Stack(new App(), 'Test', { env: env ?? undefined });
  new CustomAuthUserPool(stack, 'Auth', { delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }), ...props });
  const [pool] = Object.values(Template.fromStack(stack).findResources('AWS::Cognito::UserPool'));
  return pool.Properties;
}

const identityArn = (region: string, name: string) =>
  ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ses:${region}:123456789012:identity/${name}`]] });

describe('CustomAuthUserPool cognitoEmailThroughSes', () => {
  test('off by default: Cognito sends its own email with its default sender', () => {
    expect(poolWith({}).EmailConfiguration).toBeUndefined();
  });

  test('sends Cognito\'s own email through the email channel\'s SES identity (its domain), from its address and name', () => {
    // GIVEN / WHEN
    const properties = poolWith({
      delivery: CodeDelivery.email({ fromAddress: 'Example Sign-in <sign-in@example.com>' }),
      cognitoEmailThroughSes: true,
    });

    // THEN
    expect(properties.EmailConfiguration).toEqual({
      EmailSendingAccount: 'DEVELOPER',
      From: 'Example Sign-in <sign-in@example.com>',
      SourceArn: identityArn('eu-west-1', 'example.com'),
    });
  });

  test('uses a given identity: a domain identity, or an address identity from its own address', () => {
    const stack = new Stack();
    expect(poolWith({
      delivery: CodeDelivery.email({
        fromAddress: 'no-reply@mail.example.org',
        identity: ses.EmailIdentity.fromEmailIdentityName(stack, 'Domain', 'mail.example.org'),
      }),
      cognitoEmailThroughSes: true,
    }).EmailConfiguration).toEqual(expect.objectContaining({ From: 'no-reply@mail.example.org', SourceArn: identityArn('eu-west-1', 'mail.example.org') }));
    expect(poolWith({
      delivery: CodeDelivery.email({
        fromAddress: 'alerts@example.org',
        identity: ses.EmailIdentity.fromEmailIdentityName(stack, 'Address', 'alerts@example.org'),
      }),
      cognitoEmailThroughSes: true,
    }).EmailConfiguration).toEqual(expect.objectContaining({ From: 'alerts@example.org', SourceArn: identityArn('eu-west-1', 'alerts@example.org') }));
  });

  test('matches the identity\'s domain in any case', () => {
    expect(poolWith({ delivery: CodeDelivery.email({ fromAddress: 'No-Reply@Example.COM' }), cognitoEmailThroughSes: true }).EmailConfiguration)
      .toEqual(expect.objectContaining({ From: 'No-Reply@example.com', SourceArn: identityArn('eu-west-1', 'example.com') }));
  });

  test('takes the first email channel the challenges use (challengeDeliveries replaces delivery)', () => {
    expect(poolWith({
      delivery: CodeDelivery.email({ fromAddress: 'no-reply@unused.example' }),
      challengeCount: 2,
      challengeDeliveries: [CodeDelivery.email({ fromAddress: 'no-reply@first.example' }), CodeDelivery.email({ fromAddress: 'no-reply@second.example' })],
      cognitoEmailThroughSes: true,
    }).EmailConfiguration.SourceArn).toEqual(identityArn('eu-west-1', 'first.example'));
  });

  test('takes the first email channel when codes also go by SMS', () => {
    const email = CodeDelivery.email({ fromAddress: 'no-reply@example.net' });
    expect(poolWith({
      delivery: CodeDelivery.sms(),
      challengeCount: 2,
      challengeDeliveries: [CodeDelivery.sms(), email],
      cognitoEmailThroughSes: true,
    }).EmailConfiguration.SourceArn).toEqual(identityArn('eu-west-1', 'example.net'));
  });

  test('an environment-agnostic stack uses the deploy-time region', () => {
    expect(poolWith({ cognitoEmailThroughSes: true }, null).EmailConfiguration.SourceArn).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/example.com']],
    });
  });

  test('rejects it without an email channel', () => {
    const stack = new Stack();
    const sender = lambda.Function.fromFunctionArn(stack, 'Sender', 'arn:aws:lambda:eu-west-1:123456789012:function:sender');
    expect(() => poolWith({ delivery: CodeDelivery.customSender(sender, { destinationAttribute: 'phone_number' }), cognitoEmailThroughSes: true }))
      .toThrow('cognitoEmailThroughSes needs an email channel (CodeDelivery.email) to take the SES identity from, got only SMS or custom-sender channels.');
  });

  test('rejects a fromAddress outside the identity (Cognito sends from the identity\'s own domain or address)', () => {
    const identity = ses.EmailIdentity.fromEmailIdentityName(new Stack(), 'Domain', 'example.com');
    expect(() => poolWith({ delivery: CodeDelivery.email({ fromAddress: 'no-reply@mail.example.com', identity }), cognitoEmailThroughSes: true }))
      .toThrow('cognitoEmailThroughSes needs the email channel\'s fromAddress in its SES identity "example.com", got "no-reply@mail.example.com".');
    // The channel alone accepts it: SES sends from a verified domain's subdomains.
    expect(() => poolWith({ delivery: CodeDelivery.email({ fromAddress: 'no-reply@mail.example.com', identity }) })).not.toThrow();
  });

  test('rejects tokens: the identity must be known at synth time', () => {
    const stack = new Stack();
    const identity = ses.EmailIdentity.fromEmailIdentityName(stack, 'Token', Token.asString({ Ref: 'Identity' }));
    expect(() => poolWith({ delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com', identity }), cognitoEmailThroughSes: true }))
      .toThrow(/cognitoEmailThroughSes needs the email channel's fromAddress and SES identity name at synth time, got a token/);
  });
});
