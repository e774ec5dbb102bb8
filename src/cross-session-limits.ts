import type { Duration } from 'aws-cdk-lib';

/**
 * Per-user limits across sign-in sessions. Cognito's lockout does not apply to custom challenges, and
 * each new sign-in brings a new code: without these a user (or an attacker) can request codes and
 * guess without end. Counted in a DynamoDB table the construct creates.
 *
 * Each limit is a budget that refills steadily (a token bucket): a user may take `maxCodes` codes at
 * once, then one more every `window / maxCodes`; a spent budget is full again `window` after its last
 * use. In any span of time T a user gets at most `maxCodes + maxCodes * T / window` codes, and the
 * same for wrong answers: there is no window edge to burst across. At the defaults a week of
 * sustained guessing against one user gets at most 160 answers checked.
 */
export interface CrossSessionLimits {
  /**
   * Keep the limits. Turning them off leaves only the per-sign-in `maxAttempts`.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The time a spent budget takes to refill completely, from 1 minute to 1 day. Each budget refills
   * one unit every `window / maxCodes` (or `window / maxWrongAnswers`).
   *
   * @default Duration.days(1)
   */
  readonly window?: Duration;

  /**
   * Codes one user may be sent at once, from 1 to 1000; the budget refills over `window`. When it is
   * spent, a sign-in fails before anything is sent.
   *
   * @default 10
   */
  readonly maxCodes?: number;

  /**
   * Wrong answers from one user at once that lead to another try, from 1 to 1000; the budget refills
   * over `window`. When it is spent, the sign-in fails instead of offering that try. The answer that
   * ends a sign-in (its last attempt) is paid for by its code instead, so in any span of time a user
   * gets at most as many answers checked as the two budgets give units together. With `maxAttempts`
   * 1 no answer leads to another try and only `maxCodes` applies.
   *
   * @default 10
   */
  readonly maxWrongAnswers?: number;
}
