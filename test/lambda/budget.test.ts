import { createHash } from 'node:crypto';
import { AwsCallError } from '../../lambda/aws-request';
import { BudgetConfig, takeFromBudget } from '../../lambda/budget';
import { LocalDynamoDb } from '../../src/local/dynamodb';

/**
 * The cross-session budget against a real DynamoDB implementation (dynalite, in-process): the signed
 * UpdateItem calls, the conditional expressions and their atomicity are DynamoDB's, not a mock's.
 */

const WINDOW_SECONDS = 3600;
/** 1,900,000,000 s is in hour-window 527777, which runs from 1,899,997,200 s to 1,900,000,800 s (exclusive). */
const NOW = 1_900_000_000_000;
const WINDOW = 527777;
const LAST_MILLI_OF_WINDOW = 1_900_000_799_999;
const NEXT_WINDOW = 1_900_000_800_000;
/** TTL: the end of the window after this one, in epoch seconds. */
const EXPIRES_AT = (WINDOW + 2) * WINDOW_SECONDS;
const NEXT_EXPIRES_AT = (WINDOW + 3) * WINDOW_SECONDS;

const ENVIRONMENT = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL_DYNAMODB'] as const;

let dynamodb: LocalDynamoDb;
let savedEnv: Partial<Record<typeof ENVIRONMENT[number], string>>;

beforeAll(async () => {
  savedEnv = Object.fromEntries(ENVIRONMENT.map((name) => [name, process.env[name]]));
  dynamodb = await LocalDynamoDb.start();
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
  });
});

afterAll(async () => {
  await dynamodb?.stop();
  for (const name of ENVIRONMENT) {
    if (savedEnv[name] === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = savedEnv[name];
    }
  }
});

/**
 * Waits until a new table answers: dynalite creates tables in status CREATING and answers
 * ResourceNotFoundException until a timer makes them ACTIVE, and createLimitsTable does not wait.
 */
async function untilActive(tableName: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamodb.items(tableName);
      return tableName;
    } catch (error) {
      if (attempt >= 100 || !(error instanceof AwsCallError && error.errorType === 'ResourceNotFoundException')) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** A budget on a fresh, empty, active table. */
async function freshBudget(limits: Partial<Omit<BudgetConfig, 'tableName'>> = {}): Promise<BudgetConfig> {
  return {
    tableName: await untilActive(await dynamodb.createLimitsTable('budget')),
    windowSeconds: WINDOW_SECONDS,
    maxCodes: 3,
    maxWrongAnswers: 3,
    ...limits,
  };
}

/** Takes `times` units one after the other and returns each answer. */
async function takeInTurn(config: BudgetConfig, username: string, counter: 'codes' | 'wrongAnswers', times: number, now = NOW): Promise<boolean[]> {
  const answers: boolean[] = [];
  for (let i = 0; i < times; i++) {
    answers.push(await takeFromBudget(config, username, counter, now));
  }
  return answers;
}

const hashOf = (username: string): string => createHash('sha256').update(username).digest('hex');

/** The items of a table as plain objects: pk, the counters as numbers, expiresAt. */
async function itemsOf(config: BudgetConfig): Promise<Array<Record<string, string | number>>> {
  const items = await dynamodb.items(config.tableName);
  return items
    .map((item) => Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.S ?? Number(value.N)])))
    .sort((a, b) => String(a.pk).localeCompare(String(b.pk)));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('takeFromBudget', () => {
  test('grants exactly max units, then answers false', async () => {
    // GIVEN
    const config = await freshBudget({ maxCodes: 3 });

    // WHEN
    const answers = await takeInTurn(config, 'alice', 'codes', 5);

    // THEN
    expect(answers).toEqual([true, true, true, false, false]);
    expect(await itemsOf(config)).toEqual([{ pk: `${hashOf('alice')}#${WINDOW}`, codes: 3, expiresAt: EXPIRES_AT }]);
  });

  test('a max of 1 grants exactly one unit', async () => {
    const config = await freshBudget({ maxWrongAnswers: 1 });

    expect(await takeInTurn(config, 'alice', 'wrongAnswers', 3)).toEqual([true, false, false]);
  });

  test('codes and wrong answers are counted apart, each against its own max', async () => {
    // GIVEN
    const config = await freshBudget({ maxCodes: 2, maxWrongAnswers: 4 });

    // WHEN
    const codes = await takeInTurn(config, 'alice', 'codes', 3);
    const wrongAnswers = await takeInTurn(config, 'alice', 'wrongAnswers', 5);
    const codesAfter = await takeInTurn(config, 'alice', 'codes', 1);

    // THEN
    expect(codes).toEqual([true, true, false]);
    expect(wrongAnswers).toEqual([true, true, true, true, false]);
    expect(codesAfter).toEqual([false]);
    expect(await itemsOf(config)).toEqual([{ pk: `${hashOf('alice')}#${WINDOW}`, codes: 2, wrongAnswers: 4, expiresAt: EXPIRES_AT }]);
  });

  test('usernames that differ in case or surrounding spaces share one budget', async () => {
    // GIVEN
    const config = await freshBudget({ maxCodes: 3 });

    // WHEN
    const answers = [
      await takeFromBudget(config, 'Alice', 'codes', NOW),
      await takeFromBudget(config, '  alice ', 'codes', NOW),
      await takeFromBudget(config, 'ALICE', 'codes', NOW),
      await takeFromBudget(config, 'alice', 'codes', NOW),
      await takeFromBudget(config, '\taLiCe\n', 'codes', NOW),
    ];

    // THEN
    expect(answers).toEqual([true, true, true, false, false]);
    expect(await itemsOf(config)).toEqual([{ pk: `${hashOf('alice')}#${WINDOW}`, codes: 3, expiresAt: EXPIRES_AT }]);
  });

  test('different users have budgets of their own', async () => {
    // GIVEN
    const config = await freshBudget({ maxCodes: 2 });
    await takeInTurn(config, 'alice', 'codes', 2);

    // WHEN
    const alice = await takeInTurn(config, 'alice', 'codes', 1);
    const bob = await takeInTurn(config, 'bob', 'codes', 3);
    const aliceAtExample = await takeInTurn(config, 'alice@example.com', 'codes', 1);

    // THEN
    expect(alice).toEqual([false]);
    expect(bob).toEqual([true, true, false]);
    expect(aliceAtExample).toEqual([true]);
    expect(await itemsOf(config)).toHaveLength(3);
  });

  test('a new window starts with a full budget; the last millisecond of the old one does not', async () => {
    // GIVEN
    const config = await freshBudget({ maxCodes: 2 });
    expect(await takeInTurn(config, 'alice', 'codes', 2, NOW)).toEqual([true, true]);

    // WHEN
    const lastMoment = await takeInTurn(config, 'alice', 'codes', 1, LAST_MILLI_OF_WINDOW);
    const nextWindow = await takeInTurn(config, 'alice', 'codes', 3, NEXT_WINDOW);

    // THEN
    expect(lastMoment).toEqual([false]);
    expect(nextWindow).toEqual([true, true, false]);
    expect(await itemsOf(config)).toEqual([
      { pk: `${hashOf('alice')}#${WINDOW}`, codes: 2, expiresAt: EXPIRES_AT },
      { pk: `${hashOf('alice')}#${WINDOW + 1}`, codes: 2, expiresAt: NEXT_EXPIRES_AT },
    ]);
  });

  test('a shorter window: the key and the TTL follow windowSeconds', async () => {
    // GIVEN: a 60 s window; 1,900,000,000 s is in minute-window 31666666, which ends at 1,900,000,020 s.
    const config = await freshBudget({ windowSeconds: 60, maxCodes: 1 });

    // WHEN
    const answers = [
      await takeFromBudget(config, 'alice', 'codes', NOW),
      await takeFromBudget(config, 'alice', 'codes', 1_900_000_019_999),
      await takeFromBudget(config, 'alice', 'codes', 1_900_000_020_000),
    ];

    // THEN
    expect(answers).toEqual([true, false, true]);
    expect(await itemsOf(config)).toEqual([
      { pk: `${hashOf('alice')}#31666666`, codes: 1, expiresAt: 31666668 * 60 },
      { pk: `${hashOf('alice')}#31666667`, codes: 1, expiresAt: 31666669 * 60 },
    ]);
  });

  test('the table holds no username: the key is a 64-hex digest and the window number', async () => {
    // GIVEN
    const config = await freshBudget();
    const usernames = ['Alice.Example@Example.COM', '+447700900123', 'bob'];

    // WHEN
    for (const username of usernames) {
      await takeFromBudget(config, username, 'codes', NOW);
      await takeFromBudget(config, username, 'wrongAnswers', NOW);
    }

    // THEN
    const items = await itemsOf(config);
    expect(items).toHaveLength(3);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(['codes', 'expiresAt', 'pk', 'wrongAnswers']);
      expect(item.pk).toMatch(new RegExp(`^[0-9a-f]{64}#${WINDOW}$`));
    }
    const stored = JSON.stringify(await dynamodb.items(config.tableName)).toLowerCase();
    for (const part of ['alice', 'example', '447700900123', 'bob']) {
      expect(stored).not.toContain(part);
    }
  });
});

describe('when DynamoDB cannot answer', () => {
  test('takeFromBudget on a missing table throws an AwsCallError named ResourceNotFoundException', async () => {
    // GIVEN
    const config = { ...(await freshBudget()), tableName: 'no-such-table' };

    // WHEN
    const error = await rejection(takeFromBudget(config, 'alice', 'codes', NOW));

    // THEN
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', errorType: 'ResourceNotFoundException', status: 400 });
  });
});

describe('concurrent callers', () => {
  test.each([
    { max: 5, callers: 25 },
    { max: 1, callers: 15 },
    { max: 12, callers: 30 },
    { max: 7, callers: 8 },
  ])('$callers at once for one user with max $max: exactly $max get a unit', async ({ max, callers }) => {
    // GIVEN
    const config = await freshBudget({ maxCodes: max });
    const spellings = ['alice', 'Alice', ' ALICE'];

    // WHEN
    const answers = await Promise.all(Array.from({ length: callers }, (_, i) => takeFromBudget(config, spellings[i % 3], 'codes', NOW)));

    // THEN
    expect(answers.filter((answer) => answer)).toHaveLength(max);
    expect(answers.filter((answer) => !answer)).toHaveLength(callers - max);
    expect(await itemsOf(config)).toEqual([{ pk: `${hashOf('alice')}#${WINDOW}`, codes: max, expiresAt: EXPIRES_AT }]);
  });

  test('a race for the very last unit: of 10 callers, exactly one gets it', async () => {
    // GIVEN
    const config = await freshBudget({ maxWrongAnswers: 3 });
    expect(await takeInTurn(config, 'alice', 'wrongAnswers', 2)).toEqual([true, true]);

    // WHEN
    const answers = await Promise.all(Array.from({ length: 10 }, () => takeFromBudget(config, 'alice', 'wrongAnswers', NOW)));

    // THEN
    expect(answers.filter((answer) => answer)).toHaveLength(1);
    expect(await itemsOf(config)).toEqual([{ pk: `${hashOf('alice')}#${WINDOW}`, wrongAnswers: 3, expiresAt: EXPIRES_AT }]);
  });

  test('concurrent callers for two users and both counters do not take from each other', async () => {
    // GIVEN
    const config = await freshBudget({ maxCodes: 4, maxWrongAnswers: 2 });

    // WHEN
    const calls = Array.from({ length: 40 }, (_, i) => {
      const username = i % 2 === 0 ? 'alice' : 'bob';
      const counter = i % 4 < 2 ? 'codes' : 'wrongAnswers';
      return takeFromBudget(config, username, counter, NOW).then((granted) => ({ username, counter, granted }));
    });
    const answers = await Promise.all(calls);

    // THEN
    const granted = (username: string, counter: string) =>
      answers.filter((answer) => answer.granted && answer.username === username && answer.counter === counter).length;
    expect([granted('alice', 'codes'), granted('alice', 'wrongAnswers'), granted('bob', 'codes'), granted('bob', 'wrongAnswers')])
      .toEqual([4, 2, 4, 2]);
  });
});
