import { Annotations as ConstructAnnotations, App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps } from '../src';
import { STANDARDS_WARNINGS } from '../src/private/standards';

/** The construct's warnings, wherever below it (the flow's, from its CustomAuth child, included). */
function warningsBelowAuth(stack: Stack) {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).filter((warning) => warning.id.startsWith('/Test/Auth'));
}

/** The IDs of the construct's warnings (addWarningV2 appends `[ack: <id>]` to each message). */
function warningsOf(props: Partial<CustomAuthUserPoolProps>, acknowledge: string[] = []): string[] {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const auth = new CustomAuthUserPool(stack, 'Auth', { delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }), ...props });
  for (const id of acknowledge) {
    ConstructAnnotations.of(auth).acknowledgeWarning(id, 'Accepted in this test.');
  }
  return warningsBelowAuth(stack)
    .map((warning) => /\[ack: ([^\]]+)\]/.exec(String(warning.entry.data))?.[1] ?? String(warning.entry.data));
}

function messageOf(props: Partial<CustomAuthUserPoolProps>): string {
  const stack = new Stack(new App(), 'Test');
  new CustomAuthUserPool(stack, 'Auth', { delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }), ...props });
  return warningsBelowAuth(stack).map((warning) => String(warning.entry.data)).join('\n');
}

describe('CustomAuthUserPool warnings where a prop goes past NIST SP 800-63B or OWASP ASVS', () => {
  test('none at the defaults', () => {
    expect(warningsOf({})).toEqual([]);
  });

  test('codeValidity above 10 minutes (the limit for out-of-band codes); not at 10 minutes or for a token', () => {
    expect(warningsOf({ codeValidity: Duration.minutes(11) })).toEqual([STANDARDS_WARNINGS.codeValidity]);
    expect(messageOf({ codeValidity: Duration.minutes(30) })).toMatch(
      /^codeValidity is 30 minutes: NIST SP 800-63B \(rev\. 3 5\.1\.3\.2\) and OWASP ASVS 4\.0\.3 \(2\.7\.2\) let an out-of-band code live at most 10 minutes/);
    expect(warningsOf({ codeValidity: Duration.minutes(10) })).toEqual([]);
    expect(warningsOf({ codeValidity: Duration.seconds(Token.asNumber({ Ref: 'Validity' })) })).toEqual([]);
  });

  test('an SMS channel, or a custom sender to phone_number (the phone network is a restricted authenticator)', () => {
    expect(warningsOf({ delivery: CodeDelivery.sms() })).toEqual([STANDARDS_WARNINGS.sms]);
    const sender = lambda.Function.fromFunctionArn(new Stack(), 'Sender', 'arn:aws:lambda:us-east-1:123456789012:function:sender');
    expect(warningsOf({ delivery: CodeDelivery.customSender(sender, { destinationAttribute: 'phone_number' }) })).toEqual([STANDARDS_WARNINGS.sms]);
    expect(messageOf({ delivery: CodeDelivery.sms() })).toMatch(/restricted authenticator \(rev\. 3 5\.1\.3\.3\)/);
  });

  test('cross-session limits turned off (nothing bounds guesses over time)', () => {
    expect(warningsOf({ crossSessionLimits: { enabled: false } })).toEqual([STANDARDS_WARNINGS.noLimits]);
  });

  test('budgets above 100 checked answers in an hour (ASVS 4.0.3 2.2.1); exactly 100 is within it; tokens are skipped', () => {
    // Full budgets of 48 + 49, plus 97 / 24 refilled in the hour (a day's window): 101
    expect(warningsOf({ crossSessionLimits: { maxCodes: 48, maxWrongAnswers: 49 } })).toEqual([STANDARDS_WARNINGS.answersPerHour]);
    // 96 + 96 / 24 = 100
    expect(warningsOf({ crossSessionLimits: { maxCodes: 48, maxWrongAnswers: 48 } })).toEqual([]);
    // 20 at once, then 20 more every 10 minutes: 140 in an hour
    expect(warningsOf({ crossSessionLimits: { window: Duration.minutes(10) } })).toEqual([STANDARDS_WARNINGS.answersPerHour]);
    expect(messageOf({ crossSessionLimits: { window: Duration.minutes(10) } })).toMatch(
      /^crossSessionLimits let one user have up to 140 answers checked in an hour \(full budgets of maxCodes 10 \+ maxWrongAnswers 10, plus what refills in an hour at one window of 600 s\)/);
    expect(warningsOf({ crossSessionLimits: { maxCodes: Token.asNumber({ Ref: 'Codes' }), maxWrongAnswers: 500 } })).toEqual([]);
  });

  test('each warning has a stable ID a deployer can acknowledge', () => {
    const props: Partial<CustomAuthUserPoolProps> = {
      codeValidity: Duration.minutes(20), delivery: CodeDelivery.sms(), crossSessionLimits: { enabled: false },
    };
    expect(warningsOf(props).sort()).toEqual([STANDARDS_WARNINGS.codeValidity, STANDARDS_WARNINGS.noLimits, STANDARDS_WARNINGS.sms].sort());
    expect(warningsOf(props, Object.values(STANDARDS_WARNINGS))).toEqual([]);
  });
});
