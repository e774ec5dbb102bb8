import { createHash } from 'node:crypto';
import { AwsCallError, callAws } from './aws-request';

/**
 * Per-user limits across sign-in sessions, which Cognito does not keep for custom challenges: codes
 * sent and wrong answers per fixed time window, counted atomically in DynamoDB. One item per user and
 * window, keyed by a hash of the username (the table holds no PII), removed by TTL after the window.
 */
export interface BudgetConfig {
  readonly tableName: string;
  readonly windowSeconds: number;
  readonly maxCodes: number;
  readonly maxWrongAnswers: number;
}

export type BudgetCounter = 'codes' | 'wrongAnswers';

/** A DynamoDB call answers within this, or the caller fails closed. */
const DEADLINE_MILLIS = 1500;

function keyOf(username: string, windowSeconds: number, now: number): { pk: string; expiresAt: number } {
  const window = Math.floor(now / 1000 / windowSeconds);
  const user = createHash('sha256').update(username.trim().toLowerCase()).digest('hex');
  return { pk: `${user}#${window}`, expiresAt: (window + 2) * windowSeconds };
}

/**
 * Takes one unit of `counter` if any is left in this window: true if taken, false if the budget is
 * spent. Atomic: of concurrent callers racing for the last unit, exactly one gets it. Throws
 * (AwsCallError) when DynamoDB cannot answer; callers fail closed.
 */
export async function takeFromBudget(config: BudgetConfig, username: string, counter: BudgetCounter, now = Date.now()): Promise<boolean> {
  const max = counter === 'codes' ? config.maxCodes : config.maxWrongAnswers;
  const { pk, expiresAt } = keyOf(username, config.windowSeconds, now);
  try {
    await callAws({
      signingName: 'dynamodb',
      endpointId: 'DYNAMODB',
      host: (region) => `dynamodb.${region}.amazonaws.com`,
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.UpdateItem' },
      body: JSON.stringify({
        TableName: config.tableName,
        Key: { pk: { S: pk } },
        UpdateExpression: 'ADD #counter :one SET expiresAt = :expiresAt',
        ConditionExpression: 'attribute_not_exists(#counter) OR #counter < :max',
        ExpressionAttributeNames: { '#counter': counter },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':max': { N: String(max) }, ':expiresAt': { N: String(expiresAt) } },
      }),
      deadlineMillis: DEADLINE_MILLIS,
      // A reply lost after the write may count one unit twice: that errs toward the limit, never past it.
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
