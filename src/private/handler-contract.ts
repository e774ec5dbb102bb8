/**
 * The contract between the construct and its bundled handlers: the environment variable names the
 * construct sets and the bounds both sides enforce. The construct validates props against these
 * bounds at synth time; the handlers re-check them at cold start and fail closed if they do not hold.
 * Keep this file free of imports: it is bundled into every handler.
 */

/** Environment variable names, set by the construct, read once per container by the handlers. */
export const ENV = {
  challengeCount: 'CHALLENGE_COUNT',
  passwordFirst: 'PASSWORD_FIRST',
  maxAttempts: 'MAX_ATTEMPTS',
  codeLength: 'CODE_LENGTH',
  codeValiditySeconds: 'CODE_VALIDITY_SECONDS',
  emailFrom: 'EMAIL_FROM',
  emailSubject: 'EMAIL_SUBJECT',
  emailBody: 'EMAIL_BODY',
} as const;

/** An inclusive integer range with the default used when the prop is omitted. */
export interface IntegerBounds {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/** Custom challenges per sign-in. Beyond 10 a sign-in outgrows any sensible session validity. */
export const CHALLENGE_COUNT: IntegerBounds = { min: 1, max: 10, default: 1 };

/** Wrong answers tolerated per challenge before the sign-in fails. */
export const MAX_ATTEMPTS: IntegerBounds = { min: 1, max: 10, default: 3 };

/** Digits in a one-time code. Below 6 a guess succeeds too often (NIST SP 800-63B). */
export const CODE_LENGTH: IntegerBounds = { min: 6, max: 10, default: 6 };

/** Absolute lifetime of one code in seconds, across retries of the same challenge. */
export const CODE_VALIDITY_SECONDS: IntegerBounds = { min: 60, max: 3600, default: 300 };

/** The placeholder a message template must contain; the handler replaces it with the code. */
export const CODE_PLACEHOLDER = '{####}';
