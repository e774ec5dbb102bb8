/**
 * One deadline for a whole invocation, on the monotonic clock: every AWS call of the invocation
 * (budget update, send, their retries) is aborted by it, so the trigger answers Cognito in time
 * whatever AWS does.
 */
export class Deadline {
  /** A deadline `millis` from `now` (performance.now()). */
  public static after(millis: number, now = performance.now()): Deadline {
    return new Deadline(now + Math.max(0, millis));
  }

  /** @param at performance.now() at which every call must have ended. */
  public constructor(public readonly at: number) {}

  /** Milliseconds left, never negative. */
  public remaining(now = performance.now()): number {
    return Math.max(0, this.at - now);
  }
}

/** Cognito waits 5 s for a trigger, then may retry it (a second message): Create must answer well before. */
export const INVOCATION_CAP_MILLIS = 4500;
/** Kept back from Lambda's own timeout so the handler can still throw its generic error. */
const RETURN_MARGIN_MILLIS = 200;

/**
 * The invocation's deadline: 4.5 s after its start, or earlier if Lambda's context says the function
 * times out sooner. A context without `getRemainingTimeInMillis` (not Lambda) gets the cap.
 */
export function invocationDeadline(context: unknown, now = performance.now()): Deadline {
  const lambda: { getRemainingTimeInMillis?: unknown } = typeof context === 'object' && context !== null ? context : {};
  const remaining = typeof lambda.getRemainingTimeInMillis === 'function' ? Number(lambda.getRemainingTimeInMillis()) : NaN;
  const fromContext = Number.isFinite(remaining) ? remaining - RETURN_MARGIN_MILLIS : INVOCATION_CAP_MILLIS;
  return Deadline.after(Math.min(INVOCATION_CAP_MILLIS, fromContext), now);
}
