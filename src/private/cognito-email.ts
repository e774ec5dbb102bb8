import { Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { CodeDelivery } from '../code-delivery';

/** `Display Name <local@domain>` or `local@domain`: the display name and the address. */
const FROM = /^\s*(?:(.*?)\s*<([^<>\s]+@([^<>\s@]+))>|([^<>\s]+@([^<>\s@]+)))\s*$/;

/**
 * Cognito's own email (address verification, invitations, password reset) through the SES identity
 * of the first email channel among the ones the challenges use, from the same address:
 * `cognitoEmailThroughSes`. The identity is the one the Create function sends through, in the stack's region.
 */
export function cognitoEmailThroughSes(scope: Construct, channels: CodeDelivery[]): cognito.UserPoolEmail {
  const sender = channels.map((channel) => channel._sesSender()).find((found) => found !== undefined);
  if (sender === undefined) {
    throw new Error('cognitoEmailThroughSes needs an email channel (CodeDelivery.email) to take the SES identity from, '
      + 'got only SMS or custom-sender channels. Add an email channel, or leave cognitoEmailThroughSes off.');
  }
  const { fromAddress, identityName } = sender;
  if (Token.isUnresolved(fromAddress) || Token.isUnresolved(identityName)) {
    throw new Error('cognitoEmailThroughSes needs the email channel\'s fromAddress and SES identity name at synth time, got a token. '
      + 'Use literal values (ses.EmailIdentity.fromEmailIdentityName(this, \'Identity\', \'example.com\')), or leave cognitoEmailThroughSes off.');
  }
  const [, displayName, namedAddress, namedDomain, bareAddress, bareDomain] = FROM.exec(fromAddress) ?? [];
  const address = namedAddress ?? bareAddress;
  const domain = (namedDomain ?? bareDomain)?.toLowerCase();
  const identity = identityName.toLowerCase();
  const isDomainIdentity = !identity.includes('@');
  if (address === undefined || (isDomainIdentity ? domain !== identity : address.toLowerCase() !== identity)) {
    throw new Error(`cognitoEmailThroughSes needs the email channel's fromAddress in its SES identity ${JSON.stringify(identityName)}, `
      + `got ${JSON.stringify(fromAddress)}. Cognito sends from an address of the identity's own domain (not a subdomain) `
      + 'or from the identity\'s address: change fromAddress or identity, or leave cognitoEmailThroughSes off.');
  }
  return cognito.UserPoolEmail.withSES({
    // The domain in lower case, as withSES compares it with sesVerifiedDomain case-sensitively.
    fromEmail: `${address.slice(0, address.lastIndexOf('@'))}@${domain}`,
    fromName: displayName || undefined,
    sesRegion: Stack.of(scope).region,
    sesVerifiedDomain: isDomainIdentity ? identity : undefined,
  });
}
