import { Aws, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { ChannelConfig, CODE_PLACEHOLDER } from './private/handler-contract';
import { patternProp, textProp } from './private/validate';

/**
 * How codes reach the user: email through Amazon SES.
 */
export interface EmailDeliveryOptions {
  /**
   * The sender address, optionally with a display name: `no-reply@example.com` or
   * `Example <no-reply@example.com>`. It must belong to a verified SES identity.
   */
  readonly fromAddress: string;

  /**
   * The SES identity that authorizes `fromAddress`. The Create Auth Challenge function may send
   * email through this identity and nothing else.
   *
   * @default - the domain of `fromAddress` as an identity in the stack's account and region
   * @see https://docs.aws.amazon.com/ses/latest/dg/creating-identities.html
   */
  readonly identity?: ses.IEmailIdentity;

  /**
   * The subject line. May contain the code placeholder `{####}`.
   *
   * @default 'Your sign-in code'
   */
  readonly subject?: string;

  /**
   * The plain-text body. Must contain the code placeholder `{####}`, which is replaced with the code.
   *
   * @default 'Your sign-in code is {####}. If you did not try to sign in, you can ignore this message.'
   */
  readonly body?: string;
}

/**
 * How codes reach users by SMS through Amazon SNS (Publish to a phone number).
 *
 * SNS bills every message: set an SMS spending limit, leave the SNS SMS sandbox only when ready, and
 * watch for SMS pumping (see the README's SMS section).
 */
export interface SmsDeliveryOptions {
  /**
   * The message. Must contain the code placeholder `{####}`; at most 140 characters so one SMS holds
   * it with a 10-digit code.
   *
   * @default 'Your sign-in code is {####}'
   */
  readonly message?: string;

  /**
   * An alphanumeric sender ID (1 to 11 letters and digits, at least one letter), shown as the sender
   * in countries that support sender IDs.
   *
   * @default - none: the carrier shows a number
   * @see https://docs.aws.amazon.com/sns/latest/dg/channels-sms-awssupported-countries.html
   */
  readonly senderId?: string;

  /**
   * The origination number (E.164, e.g. `+18005550100`) to send from, one of your account's numbers.
   *
   * @default - SNS chooses one of your account's numbers
   */
  readonly originationNumber?: string;
}

/**
 * How codes reach users through a Lambda function of your own (any email, SMS or chat provider).
 *
 * The function is invoked synchronously with `{ version: '1', destination, destinationAttribute,
 * code, challengeNumber, challengeCount, userPoolId, username, locale, clientMetadata }` and must
 * deliver the code before it returns; an error (thrown, or a timeout) fails the sign-in. It is never
 * invoked twice for one code. It must never log the code.
 */
export interface CustomSenderOptions {
  /**
   * The user attribute that holds the destination: a standard attribute (`email` and `phone_number`
   * must also be verified) or a custom one (`custom:chat_id`, declared in `customAttributes`).
   *
   * @default 'email'
   */
  readonly destinationAttribute?: string;

  /**
   * What clients are shown as `deliveryMedium`: upper-case letters, digits and underscores.
   *
   * @default - 'EMAIL' for `email`, 'SMS' for `phone_number`, otherwise 'CUSTOM'
   */
  readonly deliveryMedium?: string;
}

/**
 * What a delivery channel needs from the construct. Internal.
 * @internal
 */
export interface CodeDeliveryBinding {
  /** The channel's configuration for the Create Auth Challenge function. */
  readonly channel: ChannelConfig;
  /** The user attribute the destination comes from. */
  readonly attribute: string;
}

/**
 * An email channel's sender: what Cognito's own email needs to send through the same SES identity. Internal.
 * @internal
 */
export interface SesSender {
  /** `no-reply@example.com` or `Example <no-reply@example.com>`, possibly a token. */
  readonly fromAddress: string;
  /** The SES identity's name: a domain or an address, possibly a token. */
  readonly identityName: string;
}

/**
 * How one-time codes are delivered to users. Choose a channel with a static factory.
 */
export abstract class CodeDelivery {
  /**
   * Deliver codes by email through Amazon SES (the SESv2 SendEmail API).
   */
  public static email(options: EmailDeliveryOptions): CodeDelivery {
    return new EmailDelivery(options);
  }

  /**
   * Deliver codes by SMS through Amazon SNS, to the user's verified `phone_number`.
   */
  public static sms(options: SmsDeliveryOptions = {}): CodeDelivery {
    return new SmsDelivery(options);
  }

  /**
   * Deliver codes through your own Lambda function, to the destination in a user attribute.
   */
  public static customSender(sender: lambda.IFunction, options: CustomSenderOptions = {}): CodeDelivery {
    return new CustomSenderDelivery(sender, options);
  }

  /**
   * The user attribute this channel reads each user's destination from (`email`, `phone_number` or a
   * custom sender's), known before binding.
   *
   * @internal
   */
  public abstract _destinationAttribute(): string;

  /**
   * Grants `grantee` what it needs to deliver codes and returns the channel's configuration.
   * `id` is unique per channel within `scope`.
   * @internal
   */
  public abstract _bind(scope: Construct, id: string, grantee: iam.IGrantable): CodeDeliveryBinding;

  /**
   * The SES sender of an email channel; undefined for other channels.
   * @internal
   */
  public _sesSender(): SesSender | undefined {
    return undefined;
  }
}

/** `local@domain`, or `Display Name <local@domain>`; captures the address's domain. */
const SENDER = /^(?:[^<>@]*<[^\s@<>]+@([^\s@<>]+\.[^\s@<>]+)>|[^\s@<>]+@([^\s@<>]+\.[^\s@<>]+))$/;

class EmailDelivery extends CodeDelivery {
  public constructor(private readonly options: EmailDeliveryOptions) {
    super();
  }

  public _destinationAttribute(): string {
    return 'email';
  }

  public _sesSender(): SesSender {
    const { fromAddress, identity } = this.options;
    return { fromAddress, identityName: identity?.emailIdentityName ?? this.senderDomain() };
  }

  /** The domain of `fromAddress`, checked; the default SES identity. */
  private senderDomain(): string {
    const { fromAddress } = this.options;
    const sender = Token.isUnresolved(fromAddress) ? undefined : SENDER.exec(fromAddress.trim());
    if (!Token.isUnresolved(fromAddress) && !sender) {
      throw new Error('fromAddress must be an email address such as no-reply@example.com or "Example <no-reply@example.com>", '
        + `got ${JSON.stringify(fromAddress)}. Use an address of a verified SES identity.`);
    }
    if (!sender) {
      throw new Error('identity must be set when fromAddress is a token: the SES identity cannot be derived from it. '
        + 'Pass identity: ses.EmailIdentity.fromEmailIdentityName(this, \'Identity\', \'example.com\').');
    }
    return (sender[1] ?? sender[2]).toLowerCase();
  }

  public _bind(scope: Construct, id: string, grantee: iam.IGrantable): CodeDeliveryBinding {
    const { fromAddress, identity } = this.options;
    // Checks fromAddress even when identity is given; only a token with an identity goes unchecked.
    const domain = Token.isUnresolved(fromAddress) && identity ? undefined : this.senderDomain();
    const sesIdentity = identity ?? ses.EmailIdentity.fromEmailIdentityName(scope, `${id}Identity`, domain!);
    // SendEmail only: grantSendEmail would add ses:SendRawEmail, which the handler never calls.
    iam.Grant.addToPrincipal({ grantee, actions: ['ses:SendEmail'], resourceArns: [sesIdentity.emailIdentityArn] });
    return {
      attribute: this._destinationAttribute(),
      channel: {
        kind: 'email',
        from: fromAddress,
        subject: textProp('subject', this.options.subject ?? 'Your sign-in code', { maxLength: 200 }),
        body: textProp('body',
          this.options.body ?? `Your sign-in code is ${CODE_PLACEHOLDER}. If you did not try to sign in, you can ignore this message.`,
          { maxLength: 2000, mustContain: CODE_PLACEHOLDER }),
      },
    };
  }
}

class SmsDelivery extends CodeDelivery {
  public constructor(private readonly options: SmsDeliveryOptions) {
    super();
  }

  public _destinationAttribute(): string {
    return 'phone_number';
  }

  public _bind(_scope: Construct, _id: string, grantee: iam.IGrantable): CodeDeliveryBinding {
    const { senderId, originationNumber } = this.options;
    // SMS to a phone number has no resource ARN: allow Publish on anything but a topic.
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sns:Publish'],
      notResources: [`arn:${Aws.PARTITION}:sns:*:*:*`],
    }));
    return {
      attribute: this._destinationAttribute(),
      channel: {
        kind: 'sms',
        message: textProp('message', this.options.message ?? `Your sign-in code is ${CODE_PLACEHOLDER}`, { maxLength: 140, mustContain: CODE_PLACEHOLDER }),
        senderId: senderId === undefined ? undefined
          : patternProp('senderId', senderId, /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, '1 to 11 letters and digits with at least one letter, e.g. "ExampleCo"'),
        originationNumber: originationNumber === undefined ? undefined
          : patternProp('originationNumber', originationNumber, /^\+[1-9]\d{6,14}$/, 'an E.164 phone number, e.g. "+18005550100"'),
      },
    };
  }
}

/** Cognito's standard user attributes: a custom sender may read any of them, or a `custom:` one. */
const STANDARD_ATTRIBUTES = new Set(['address', 'birthdate', 'email', 'family_name', 'gender', 'given_name', 'locale',
  'middle_name', 'name', 'nickname', 'phone_number', 'picture', 'preferred_username', 'profile', 'website', 'zoneinfo']);

class CustomSenderDelivery extends CodeDelivery {
  public constructor(private readonly sender: lambda.IFunction, private readonly options: CustomSenderOptions) {
    super();
  }

  public _destinationAttribute(): string {
    return this.options.destinationAttribute ?? 'email';
  }

  public _bind(_scope: Construct, _id: string, grantee: iam.IGrantable): CodeDeliveryBinding {
    const attribute = this._destinationAttribute();
    if (!STANDARD_ATTRIBUTES.has(attribute) && !/^custom:[\w.-]{1,20}$/.test(attribute)) {
      throw new Error('destinationAttribute must be a standard user attribute (such as email or phone_number) or custom:<name>, '
        + `got ${JSON.stringify(attribute)}. Name the attribute that holds each user's destination.`);
    }
    const defaultMedium = attribute === 'email' ? 'EMAIL' : attribute === 'phone_number' ? 'SMS' : 'CUSTOM';
    const medium = patternProp('deliveryMedium', this.options.deliveryMedium ?? defaultMedium, /^[A-Z][A-Z0-9_]{0,19}$/,
      'upper-case letters, digits and underscores, at most 20, e.g. "CHAT"');
    // The function itself, as the handler invokes it: not its versions and aliases (grantInvoke adds `:*`).
    iam.Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [this.sender.functionArn] });
    return { attribute, channel: { kind: 'custom', functionArn: this.sender.functionArn, attribute, medium } };
  }
}
