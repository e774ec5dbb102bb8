import { createHmac } from 'node:crypto';
import { AwsCallError } from '../../lambda/aws-request';
import { BudgetConfig, BudgetCounter, takeFromBudget } from '../../lambda/budget';
import { Deadline } from '../../lambda/deadline';
import { LocalDynamoDb } from '../../src/local/dynamodb';

/**
 * The cross-session budget against a real DynamoDB implementation (dynalite, in-process): the signed
 * UpdateItem calls, the conditional expressions and their atomicity are DynamoDB's, not a mock's.
 */

const WINDOW_SECONDS = 3600;
const NOW = 1_900_000_000_000;
const HOUR = 3_600_000;
const SALT = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Test/8b1a2e30-0000-4000-8000-000000000001';
/** A bucket's stored time after `units` takes at NOW from a full bucket of `max`: NOW plus one interval per unit. */
const spentUntil = (units: number, max: number, now = NOW): number => now + units * Math.ceil(WINDOW_SECONDS * 1000 / max);
/** TTL: one window (and a second for rounding) after the last take, in epoch seconds. */
const EXPIRES_AT = NOW / 1000 + WINDOW_SECONDS + 1;

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
    salt: SALT,
    ...limits,
  };
}

/** Takes `times` units one after the other and returns each answer. */
async function takeInTurn(config: BudgetConfig, username: string, counter: BudgetCounter, times: number, now = NOW): Promise<boolean[]> {
  const answers: boolean[] = [];
  for (let i = 0; i < times; i++) {
    answers.push(await take(config, username, counter, now));
  }
  return answers;
}

/** One take of one counter, with a deadline of 5 s. */
const take = (config: BudgetConfig, username: string, counter: BudgetCounter, now = NOW): Promise<boolean> =>
  takeFromBudget(config, username, [counter], Deadline.after(5000), now);

const hashOf = (username: string, salt = SALT): string => createHmac('sha256', salt).update(username).digest('hex');

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
    expect(await itemsOf(config)).toEqual([{ pk: hashOf('alice'), codes: spentUntil(3, 3), expiresAt: EXPIRES_AT }]);
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
    expect(await itemsOf(config)).toEqual([{ pk: hashOf('alice'), codes: spentUntil(2, 2), wrongAnswers: spentUntil(4, 4), expiresAt: EXPIRES_AT }]);
  });

  test('usernames that differ in case or surrounding spaces share one budget', async () => {
    // GIVEN
    const config = await freshBudget({ maxCodes: 3 });

    // WHEN
    const answers = [
      await take(config, 'Alice', 'codes', NOW),
      await take(config, '  alice ', 'codes', NOW),
      await take(config, 'ALICE', 'codes', NOW),
      await take(config, 'alice', 'codes', NOW),
      await take(config, '\taLiCe\n', 'codes', NOW),
    ];

    // THEN
    expect(answers).toEqual([true, true, true, false, false]);
    expect(await itemsOf(config)).toEqual([{ pk: hashOf('alice'), codes: spentUntil(3, 3), expiresAt: EXPIRES_AT }]);
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

  test('a spent budget refills one unit per interval (window / max), never more than max', async () => {
    // GIVEN a budget of 4 codes per hour (one every 15 minutes), spent at NOW
    const config = await freshBudget({ maxCodes: 4 });
    expect(await takeInTurn(config, 'alice', 'codes', 5, NOW)).toEqual([true, true, true, true, false]);

    // WHEN
    const justBefore = await takeInTurn(config, 'alice', 'codes', 1, NOW + HOUR / 4 - 1);
    const oneInterval = await takeInTurn(config, 'alice', 'codes', 2, NOW + HOUR / 4);
    const halfAnHourLater = await takeInTurn(config, 'alice', 'codes', 3, NOW + 3 * HOUR / 4);
    const aDayLater = await takeInTurn(config, 'alice', 'codes', 6, NOW + 24 * HOUR);

    // THEN one unit after 15 minutes, two more 30 minutes after that, and after a long pause only max
    expect(justBefore).toEqual([false]);
    expect(oneInterval).toEqual([true, false]);
    expect(halfAnHourLater).toEqual([true, true, false]);
    expect(aDayLater).toEqual([true, true, true, true, false, false]);
    expect(await itemsOf(config)).toEqual([
      { pk: hashOf('alice'), codes: spentUntil(4, 4, NOW + 24 * HOUR), expiresAt: (NOW + 24 * HOUR) / 1000 + WINDOW_SECONDS + 1 },
    ]);
  });

  test('no double burst at a window edge: any span T gets at most max + T / interval units', async () => {
    // GIVEN a budget of 10 per hour, the whole of it taken at the last millisecond of a clock hour
    const config = await freshBudget({ maxCodes: 10 });
    const edge = Math.ceil(NOW / HOUR) * HOUR;
    expect((await takeInTurn(config, 'alice', 'codes', 11, edge - 1)).filter(Boolean)).toHaveLength(10);

    // WHEN the next clock hour starts, and 30 minutes into it
    const afterEdge = await takeInTurn(config, 'alice', 'codes', 10, edge);
    const halfway = await takeInTurn(config, 'alice', 'codes', 10, edge + HOUR / 2);

    // THEN nothing at the edge (a fixed window would have granted 10 more), 5 after 30 minutes
    expect(afterEdge.filter(Boolean)).toHaveLength(0);
    expect(halfway.filter(Boolean)).toHaveLength(5);
  });

  test('a bucket is full again one window after its last unit, and the item expires then', async () => {
    // GIVEN
    const config = await freshBudget({ maxWrongAnswers: 3 });
    expect(await takeInTurn(config, 'alice', 'wrongAnswers', 3, NOW)).toEqual([true, true, true]);

    // THEN
    expect(await itemsOf(config)).toEqual([{ pk: hashOf('alice'), wrongAnswers: NOW + HOUR, expiresAt: EXPIRES_AT }]);
    expect(await takeInTurn(config, 'alice', 'wrongAnswers', 4, NOW + HOUR)).toEqual([true, true, true, false]);
  });

  test('two counters in one call: one UpdateItem when both are full, each at most its max', async () => {
    // GIVEN
    const config = await freshBudget({ maxCodes: 2, maxWrongAnswers: 3 });
    const both = () => takeFromBudget(config, 'alice', ['wrongAnswers', 'codes'], Deadline.after(5000), NOW);

    // WHEN
    const answers = [await both(), await both(), await both()];

    // THEN the third is refused: codes are spent (a wrong-answer unit taken before that stays taken)
    expect(answers).toEqual([true, true, false]);
    expect(await itemsOf(config)).toEqual([
      { pk: hashOf('alice'), codes: spentUntil(2, 2), wrongAnswers: spentUntil(3, 3), expiresAt: EXPIRES_AT },
    ]);
  });

  test('an expired deadline fails the take with TimeoutError and writes nothing', async () => {
    const config = await freshBudget();

    const error = await rejection(takeFromBudget(config, 'alice', ['codes'], Deadline.after(0, performance.now() - 1), NOW));

    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(await itemsOf(config)).toEqual([]);
  });

  test('the table holds no username: the key is an HMAC under the deployment salt', async () => {
    // GIVEN
    const config = await freshBudget();
    const usernames = ['Alice.Example@Example.COM', '+447700900123', 'bob'];

    // WHEN
    for (const username of usernames) {
      await take(config, username, 'codes', NOW);
      await take(config, username, 'wrongAnswers', NOW);
    }

    // THEN
    const items = await itemsOf(config);
    expect(items).toHaveLength(3);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(['codes', 'expiresAt', 'pk', 'wrongAnswers']);
      expect(item.pk).toMatch(/^[0-9a-f]{64}$/);
    }
    // Without the salt, a dictionary of usernames hashed with SHA-256 (or an HMAC under another salt) finds none.
    const unsalted = usernames.map((username) => createHmac('sha256', '').update(username.toLowerCase()).digest('hex'));
    const otherDeployment = usernames.map((username) => hashOf(username.toLowerCase(), `${SALT}-other`));
    for (const guess of [...unsalted, ...otherDeployment]) {
      expect(items.map((item) => item.pk)).not.toContain(guess);
    }
    expect(items.map((item) => item.pk).sort()).toEqual(usernames.map((username) => hashOf(username.toLowerCase())).sort());
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
    const error = await rejection(take(config, 'alice', 'codes', NOW));

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
    const answers = await Promise.all(Array.from({ length: callers }, (_, i) => take(config, spellings[i % 3], 'codes', NOW)));

    // THEN
    expect(answers.filter((answer) => answer)).toHaveLength(max);
    expect(answers.filter((answer) => !answer)).toHaveLength(callers - max);
    expect(await itemsOf(config)).toEqual([{ pk: hashOf('alice'), codes: spentUntil(max, max), expiresAt: EXPIRES_AT }]);
  });

  test('a race for the very last unit: of 10 callers, exactly one gets it', async () => {
    // GIVEN
    const config = await freshBudget({ maxWrongAnswers: 3 });
    expect(await takeInTurn(config, 'alice', 'wrongAnswers', 2)).toEqual([true, true]);

    // WHEN
    const answers = await Promise.all(Array.from({ length: 10 }, () => take(config, 'alice', 'wrongAnswers', NOW)));

    // THEN
    expect(answers.filter((answer) => answer)).toHaveLength(1);
    expect(await itemsOf(config)).toEqual([{ pk: hashOf('alice'), wrongAnswers: spentUntil(3, 3), expiresAt: EXPIRES_AT }]);
  });

  test('concurrent takes of both counters at once: exactly max of the scarcer get through, the other never past its max', async () => {
    // GIVEN
    const config = await freshBudget({ maxCodes: 3, maxWrongAnswers: 5 });

    // WHEN
    const answers = await Promise.all(Array.from({ length: 12 }, () =>
      takeFromBudget(config, 'alice', ['wrongAnswers', 'codes'], Deadline.after(5000), NOW)));

    // THEN
    expect(answers.filter((answer) => answer)).toHaveLength(3);
    const [item] = await itemsOf(config);
    expect(item.codes).toBe(spentUntil(3, 3));
    // (A wrong-answer unit taken by a caller who then found codes spent stays taken: toward the limit, never past it.)
    expect(item.wrongAnswers).toBeGreaterThanOrEqual(spentUntil(3, 5));
    expect(item.wrongAnswers).toBeLessThanOrEqual(spentUntil(5, 5));
  });

  test('concurrent callers for two users and both counters do not take from each other', async () => {
    // GIVEN
    const config = await freshBudget({ maxCodes: 4, maxWrongAnswers: 2 });

    // WHEN
    const calls = Array.from({ length: 40 }, (_, i) => {
      const username = i % 2 === 0 ? 'alice' : 'bob';
      const counter = i % 4 < 2 ? 'codes' : 'wrongAnswers';
      return take(config, username, counter, NOW).then((granted) => ({ username, counter, granted }));
    });
    const answers = await Promise.all(calls);

    // THEN
    const granted = (username: string, counter: string) =>
      answers.filter((answer) => answer.granted && answer.username === username && answer.counter === counter).length;
    expect([granted('alice', 'codes'), granted('alice', 'wrongAnswers'), granted('bob', 'codes'), granted('bob', 'wrongAnswers')])
      .toEqual([4, 2, 4, 2]);
  });
});
