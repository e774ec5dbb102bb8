import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { CODE_PLACEHOLDER, ENV } from './private/handler-contract';
import { textProp } from './private/validate';

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
 * What a delivery channel gives the Create Auth Challenge function. Internal to the construct.
 * @internal
 */
export interface CodeDeliveryBinding {
  readonly environment: Record<string, string>;
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
   * Grants `grantee` what it needs to deliver codes and returns its configuration.
   * @internal
   */
  public abstract _bind(scope: Construct, grantee: iam.IGrantable): CodeDeliveryBinding;
}

/** `local@domain`, or `Display Name <local@domain>`; captures the address's domain. */
const SENDER = /^(?:[^<>@]*<[^\s@<>]+@([^\s@<>]+\.[^\s@<>]+)>|[^\s@<>]+@([^\s@<>]+\.[^\s@<>]+))$/;

class EmailDelivery extends CodeDelivery {
  public constructor(private readonly options: EmailDeliveryOptions) {
    super();
  }

  public _bind(scope: Construct, grantee: iam.IGrantable): CodeDeliveryBinding {
    const { fromAddress, identity } = this.options;
    const sender = Token.isUnresolved(fromAddress) ? undefined : SENDER.exec(fromAddress.trim());
    if (!Token.isUnresolved(fromAddress) && !sender) {
      throw new Error('fromAddress must be an email address such as no-reply@example.com or "Example <no-reply@example.com>", '
        + `got ${JSON.stringify(fromAddress)}. Use an address of a verified SES identity.`);
    }
    if (!identity && !sender) {
      throw new Error('identity must be set when fromAddress is a token: the SES identity cannot be derived from it. '
        + 'Pass identity: ses.EmailIdentity.fromEmailIdentityName(this, \'Identity\', \'example.com\').');
    }
    const sesIdentity = identity ?? ses.EmailIdentity.fromEmailIdentityName(scope, 'EmailIdentity', (sender![1] ?? sender![2]).toLowerCase());
    sesIdentity.grantSendEmail(grantee);
    return {
      environment: {
        [ENV.emailFrom]: fromAddress,
        [ENV.emailSubject]: textProp('subject', this.options.subject ?? 'Your sign-in code', { maxLength: 200 }),
        [ENV.emailBody]: textProp('body',
          this.options.body ?? `Your sign-in code is ${CODE_PLACEHOLDER}. If you did not try to sign in, you can ignore this message.`,
          { maxLength: 2000, mustContain: CODE_PLACEHOLDER }),
      },
    };
  }
}
