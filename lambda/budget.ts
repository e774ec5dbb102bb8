import { createHmac } from 'node:crypto';
import { AwsCallError, callAws, ENDPOINTS } from './aws-request';
import type { Deadline } from './deadline';

/**
 * Per-user limits across sign-in sessions, which Cognito does not keep for custom challenges: codes
 * sent and wrong answers, each a token bucket (the generic cell rate algorithm, GCRA). A bucket holds
 * `max` units and refills steadily, one unit every `windowSeconds / max`, so in any span of time T a
 * user gets at most `max + T / (windowSeconds / max)` units: there are no window edges to burst
 * across, and a spent bucket is full again `windowSeconds` after the last unit was taken.
 *
 * One item per user, keyed by an HMAC of the username under a per-deployment salt (a copy of the
 * table names nobody), holding for each counter the time its bucket is full again (its "theoretical
 * arrival time"), and removed by TTL once both buckets are full.
 */
export interface BudgetConfig {
  readonly tableName: string;
  /** The time a spent bucket takes to refill completely. */
  readonly windowSeconds: number;
  readonly maxCodes: number;
  readonly maxWrongAnswers: number;
  /** The per-deployment salt of the item keys. */
  readonly salt: string;
}

export type BudgetCounter = 'codes' | 'wrongAnswers';

/** The partition key of a user's item: HMAC-SHA256 of the normalized username under the deployment's salt. */
export function budgetKeyOf(salt: string, username: string): string {
  return createHmac('sha256', salt).update(username.trim().toLowerCase()).digest('hex');
}

/** What one conditional UpdateItem sets, and under which condition. */
interface Update {
  readonly set: string[];
  readonly conditions: string[];
  readonly names: Record<string, string>;
  readonly values: Record<string, { N: string }>;
}

/** The units a full bucket of `counter` holds. */
function maxOf(config: BudgetConfig, counter: BudgetCounter): number {
  return counter === 'codes' ? config.maxCodes : config.maxWrongAnswers;
}

/** Milliseconds per unit refilled, rounded up: whole numbers keep DynamoDB's sums exact, and the bucket errs toward the limit. */
function emissionInterval(config: BudgetConfig, counter: BudgetCounter): number {
  return Math.ceil((config.windowSeconds * 1000) / maxOf(config, counter));
}

/**
 * The update for `counters`, all idle (bucket full: no time stored, or one already past) or all busy
 * (partly spent, with room for one more unit). Idle sets the time to now plus one interval; busy adds
 * one interval, if the result stays within the bucket (time <= now + (max - 1) intervals).
 */
function updateFor(config: BudgetConfig, counters: BudgetCounter[], branch: 'idle' | 'busy', now: number): Update {
  const update: Update = { set: [], conditions: [], names: {}, values: branch === 'idle' ? { ':now': { N: String(now) } } : {} };
  for (const counter of counters) {
    const interval = emissionInterval(config, counter);
    update.names[`#${counter}`] = counter;
    if (branch === 'idle') {
      update.values[`:${counter}Next`] = { N: String(now + interval) };
      update.set.push(`#${counter} = :${counter}Next`);
      update.conditions.push(`(attribute_not_exists(#${counter}) OR #${counter} <= :now)`);
    } else {
      update.values[`:${counter}Interval`] = { N: String(interval) };
      update.values[`:${counter}Limit`] = { N: String(now + (maxOf(config, counter) - 1) * interval) };
      update.set.push(`#${counter} = #${counter} + :${counter}Interval`);
      update.conditions.push(`#${counter} <= :${counter}Limit`);
    }
  }
  return update;
}

/** Applies one update: true if its condition held, false if not; throws (AwsCallError) when DynamoDB cannot answer. */
async function apply(config: BudgetConfig, key: string, update: Update, now: number, deadline: Deadline): Promise<boolean> {
  // Every bucket is full again at most one window (plus rounding) after now: then the item means nothing and TTL removes it.
  const expiresAt = Math.ceil(now / 1000) + config.windowSeconds + 1;
  try {
    await callAws({
      signingName: 'dynamodb',
      ...ENDPOINTS.dynamodb,
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.UpdateItem' },
      body: JSON.stringify({
        TableName: config.tableName,
        Key: { pk: { S: key } },
        UpdateExpression: `SET ${[...update.set, 'expiresAt = :expiresAt'].join(', ')}`,
        ConditionExpression: update.conditions.join(' AND '),
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: { ...update.values, ':expiresAt': { N: String(expiresAt) } },
      }),
      deadline,
      // A reply lost after the write may take one unit twice: that errs toward the limit, never past it.
      retry: true,
    });
    return true;
  } catch (error) {
    if (error instanceof AwsCallError && error.errorType === 'ConditionalCheckFailedException') {
      return false;
    }
    throw error;
  }
}

/**
 * Takes one unit of each of `counters` if every one has a unit left: true if taken, false if a
 * budget is spent. Each write is one conditional UpdateItem, so of concurrent callers racing for the
 * last unit exactly one gets it. A bucket's time only ever grows, which makes the two tries decisive:
 * if "idle" fails the time is past now and stays so, and then "busy" fails only when the bucket is
 * spent. One round trip for a user with full buckets, two for a user spending them. Throws
 * (AwsCallError) when DynamoDB cannot answer by the deadline; callers fail closed.
 */
export async function takeFromBudget(
  config: BudgetConfig, username: string, counters: BudgetCounter[], deadline: Deadline, now = Date.now(),
): Promise<boolean> {
  return take(config, budgetKeyOf(config.salt, username), counters, deadline, now);
}

/** takeFromBudget for the item `key`: the HMAC is computed once, however many tries the counters need. */
async function take(config: BudgetConfig, key: string, counters: BudgetCounter[], deadline: Deadline, now: number): Promise<boolean> {
  if (counters.length === 0 || await apply(config, key, updateFor(config, counters, 'idle', now), now, deadline)) {
    return true;
  }
  if (counters.length === 1) {
    return apply(config, key, updateFor(config, counters, 'busy', now), now, deadline);
  }
  // Several counters in different states: one at a time (a unit taken before another is found spent stays taken).
  for (const counter of counters) {
    if (!await take(config, key, [counter], deadline, now)) {
      return false;
    }
  }
  return true;
}
