import { Annotations, Duration, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BUDGET_MAX_CODES, BUDGET_MAX_WRONG_ANSWERS, BUDGET_WINDOW_SECONDS, CODE_VALIDITY_SECONDS } from './handler-contract';

/**
 * Synth warnings where a prop takes the construct past a requirement of NIST SP 800-63B or OWASP ASVS
 * for out-of-band codes (the standards table in docs/security.md). Each has a stable ID, so a deployer who accepts
 * the trade-off can acknowledge it: `Annotations.of(auth).acknowledgeWarning(id, reason)`.
 */
export const STANDARDS_WARNINGS = {
  codeValidity: 'cdk-cognito-custom-auth:codeValidityOverTenMinutes',
  sms: 'cdk-cognito-custom-auth:smsIsRestricted',
  noLimits: 'cdk-cognito-custom-auth:noCrossSessionLimits',
  answersPerHour: 'cdk-cognito-custom-auth:over100AnswersPerHour',
} as const;

/** The props the warnings look at, as the user gave them (defaults applied here). */
export interface StandardsInput {
  readonly codeValidity?: Duration;
  readonly crossSessionLimits?: {
    readonly enabled?: boolean;
    readonly window?: Duration;
    readonly maxCodes?: number;
    readonly maxWrongAnswers?: number;
  };
}

/** The value the construct will use, or undefined when it is a token (unknown at synth). */
const known = (value: number | undefined, fallback: number): number | undefined =>
  value === undefined ? fallback : Token.isUnresolved(value) ? undefined : value;
const knownSeconds = (value: Duration | undefined, fallback: number): number | undefined =>
  value === undefined ? fallback : value.isUnresolved() ? undefined : value.toSeconds();

/** Adds the warnings that apply; `destinationAttributes` are the channels' user attributes (phone_number: SMS). */
export function warnBeyondStandards(scope: Construct, props: StandardsInput, destinationAttributes: Iterable<string>): void {
  const warn = (id: string, message: string) => Annotations.of(scope).addWarningV2(id, message);

  const validity = props.codeValidity;
  const validitySeconds = knownSeconds(validity, CODE_VALIDITY_SECONDS.default);
  if (validitySeconds !== undefined && validitySeconds > 600) {
    warn(STANDARDS_WARNINGS.codeValidity, `codeValidity is ${validity!.toHumanString()}: NIST SP 800-63B (rev. 3 5.1.3.2) and OWASP ASVS 4.0.3 (2.7.2) `
      + 'let an out-of-band code live at most 10 minutes. Set codeValidity to Duration.minutes(10) or less.');
  }

  if ([...destinationAttributes].includes('phone_number')) {
    warn(STANDARDS_WARNINGS.sms, 'A channel sends codes by SMS to phone_number: NIST SP 800-63B makes the phone network a restricted '
      + 'authenticator (rev. 3 5.1.3.3): offer users an unrestricted alternative and tell them the risk (5.2.10); OWASP ASVS 4.0.3 2.7.1 '
      + 'says SMS must not be the default. SIM swap and number porting hand the codes to someone else.');
  }

  const limits = props.crossSessionLimits ?? {};
  if (limits.enabled === false) {
    warn(STANDARDS_WARNINGS.noLimits, 'crossSessionLimits is off: only maxAttempts bounds guesses, per sign-in, and every new sign-in brings '
      + 'a new code, so nothing bounds guesses over time. NIST SP 800-63B (rev. 3 5.1.3.2, 5.2.2) requires rate limiting for codes under '
      + '64 bits, OWASP ASVS 4.0.3 2.2.1 at most 100 failed attempts per hour per account. Turn crossSessionLimits on.');
    return;
  }
  const window = knownSeconds(limits.window, BUDGET_WINDOW_SECONDS.default);
  const maxCodes = known(limits.maxCodes, BUDGET_MAX_CODES.default);
  const maxWrongAnswers = known(limits.maxWrongAnswers, BUDGET_MAX_WRONG_ANSWERS.default);
  if (window !== undefined && maxCodes !== undefined && maxWrongAnswers !== undefined) {
    // Each budget is a token bucket: full (max units), refilling over one window, so in any hour a user
    // gets at most a full budget plus what refills in that hour (the README's Cross-session limits).
    const perHour = Math.floor((maxCodes + maxWrongAnswers) * (1 + 3600 / window));
    if (perHour > 100) {
      warn(STANDARDS_WARNINGS.answersPerHour, `crossSessionLimits let one user have up to ${perHour} answers checked in an hour `
        + `(full budgets of maxCodes ${maxCodes} + maxWrongAnswers ${maxWrongAnswers}, plus what refills in an hour at one window of ${window} s): `
        + 'OWASP ASVS 4.0.3 2.2.1 allows at most 100 failed attempts per hour per account. Lower maxCodes and maxWrongAnswers, or lengthen the window.');
    }
  }
}
