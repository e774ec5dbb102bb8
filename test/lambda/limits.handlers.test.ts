import { existsSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { custom, metadataFor } from './session-entries';
import { AwsCallError } from '../../lambda/aws-request';
import { ENV } from '../../src/private/handler-contract';
import { contextTimingOutIn, LambdaContextLike, loadBundledHandler, LogSink, TriggerHandler } from '../support/bundled-handlers';
import { emailHandlerEnvironment } from '../support/handler-env';
import { LocalAws, RecordingProxy } from '../support/local-aws';

/**
 * The cross-session limits as shipped: the bundled Create (assets/lambda/create-auth-challenge.lambda,
 * built by `npx projen bundle`) with the BUDGET_* variables, counting in a real DynamoDB (dynalite)
 * and delivering to LocalAws. Each test gets a fresh table and a freshly loaded ("cold") handler.
 */
const CREATE_BUNDLE = path.join(__dirname, '..', '..', 'assets', 'lambda', 'create-auth-challenge.lambda', 'index.js');
const VERIFY_BUNDLE = path.join(__dirname, '..', '..', 'assets', 'lambda', 'verify-auth-challenge.lambda', 'index.js');

/** What Create throws, and so what Cognito shows the client, whatever went wrong. */
const GENERIC_ERROR = 'Sign-in could not continue';

const CONFIG: Record<string, string> = {
  ...emailHandlerEnvironment({ from: 'no-reply@sender.example' }),
  [ENV.budgetWindowSeconds]: '86400',
  [ENV.budgetMaxCodes]: '10',
  [ENV.budgetMaxWrongAnswers]: '10',
  [ENV.budgetSalt]: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Limits/local',
};

/** The environment each table's handler was loaded with, to read its budgets back as units taken. */
const environmentOf = new Map<string, Record<string, string | undefined>>();

interface User {
  readonly userName: string;
  readonly userAttributes: Record<string, string>;
  readonly userNotFound: boolean;
}

const JANE: User = {
  userName: 'jane',
  userAttributes: { sub: '4c5b2e6a-1f3d-4a7b-9c8e-0d1f2a3b4c5d', email: 'jane.doe@example.com', email_verified: 'true' },
  userNotFound: false,
};
const BOB: User = {
  userName: 'bob',
  userAttributes: { sub: '7d6c5b4a-1f3d-4a7b-9c8e-0d1f2a3b4c5d', email: 'bob@example.org', email_verified: 'true' },
  userNotFound: false,
};
const UNKNOWN: User = { userName: 'nobody@example.net', userAttributes: {}, userNotFound: true };

interface LogLine {
  readonly trigger: string;
  readonly outcome: string;
  readonly challengeNumber?: number;
  readonly wrongAnswers?: number;
  readonly reason?: string;
}

let aws: LocalAws;
let savedEnv: NodeJS.ProcessEnv;
/** Every line any handler in this file wrote: none may name a user. */
const everyLine: string[] = [];

beforeAll(async () => {
  if (!existsSync(CREATE_BUNDLE)) {
    throw new Error(`${CREATE_BUNDLE} is missing: run \`npx projen bundle\` first`);
  }
  savedEnv = { ...process.env };
  aws = await LocalAws.start();
});

beforeEach(() => aws.reset());

afterAll(async () => {
  const variables = Object.keys(aws?.environment ?? {});
  await aws?.stop();
  for (const name of variables) {
    if (savedEnv[name] === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = savedEnv[name];
    }
  }
  // No line names a user, by username or address.
  for (const secret of ['jane', 'bob', 'nobody', 'example']) {
    expect(everyLine.join('\n')).not.toContain(secret);
  }
});

/**
 * A new, empty, active limits table. dynalite creates tables in status CREATING and answers
 * ResourceNotFoundException until a timer makes them ACTIVE; createLimitsTable does not wait for it.
 */
async function freshTable(): Promise<string> {
  const tableName = await aws.dynamodb.createLimitsTable();
  for (let attempt = 1; ; attempt++) {
    try {
      await aws.dynamodb.items(tableName);
      return tableName;
    } catch (error) {
      if (attempt >= 100 || !(error instanceof AwsCallError && error.errorType === 'ResourceNotFoundException')) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** A freshly loaded Create with the budget on `tableName` (or none when `BUDGET_TABLE` is undefined) and its log lines. */
function loadCreate(tableName: string | undefined, overrides: Record<string, string | undefined> = {}, clock?: () => number) {
  const lines: string[] = [];
  const write = (...args: unknown[]): void => {
    const line = args.map(String).join(' ');
    lines.push(line);
    everyLine.push(line);
  };
  const sink: LogSink = { info: write, error: write, warn: write, log: write, debug: write };
  const env: Record<string, string | undefined> = { ...aws.environment, ...CONFIG, [ENV.budgetTable]: tableName, ...overrides };
  const defined = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  if (tableName !== undefined) {
    environmentOf.set(tableName, env);
  }
  const create = loadBundledHandler(CREATE_BUNDLE, defined, sink, clock);
  return { create, lines, parsed: (): LogLine[] => lines.map((line) => JSON.parse(line)) };
}

function createEvent(session: unknown[], user: User = JANE) {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_TEST',
    userName: user.userName,
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'testclient' },
    triggerSource: 'CreateAuthChallenge_Authentication',
    request: { userAttributes: user.userAttributes, challengeName: 'CUSTOM_CHALLENGE', session, userNotFound: user.userNotFound },
    response: { publicChallengeParameters: {}, privateChallengeParameters: {}, challengeMetadata: '' },
  };
}

/** Calls Create: 'ok' when it answered, or the message of what it threw. */
async function outcomeOf(create: TriggerHandler, session: unknown[], user: User = JANE, context?: LambdaContextLike): Promise<string> {
  try {
    const result = await create(createEvent(session, user), context);
    return result.response.challengeMetadata ? 'ok' : 'no challenge';
  } catch (error) {
    return (error as Error).message;
  }
}

async function outcomesOf(create: TriggerHandler, times: number, user: User = JANE): Promise<string[]> {
  const outcomes: string[] = [];
  for (let i = 0; i < times; i++) {
    outcomes.push(await outcomeOf(create, [], user));
  }
  return outcomes;
}

/** A session with `wrong` wrong answers to challenge 1, whose code is still valid. */
function wrongAnswers(wrong: number): unknown[] {
  const metadata = metadataFor(1, '123456');
  return Array.from({ length: wrong }, () => custom(1, false, metadata));
}

/**
 * The units taken from each budget in the table, by item (one item per user): a bucket's stored time
 * is now plus one refill interval (window / max) per unit taken, so this holds while the test runs
 * well within one interval (hours, at these settings).
 */
async function countsIn(tableName: string): Promise<Array<{ codes?: number; wrongAnswers?: number }>> {
  const env = environmentOf.get(tableName)!;
  const interval = (max: string) => Math.ceil(Number(env[ENV.budgetWindowSeconds]) * 1000 / Number(max));
  const units = (stored: { N?: string } | undefined, max: string) => Math.round((Number(stored!.N) - Date.now()) / interval(max));
  const items = await aws.dynamodb.items(tableName);
  return items.map((item) => ({
    ...(item.codes ? { codes: units(item.codes, env[ENV.budgetMaxCodes]!) } : {}),
    ...(item.wrongAnswers ? { wrongAnswers: units(item.wrongAnswers, env[ENV.budgetMaxWrongAnswers]!) } : {}),
  }));
}

const BUDGET_SPENT: LogLine = { trigger: 'create', outcome: 'fail', reason: 'budget spent' };
const CODE_ISSUED: LogLine = { trigger: 'create', outcome: 'code issued', challengeNumber: 1, wrongAnswers: 0 };

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Create (bundled) with a codes budget', () => {
  test('BUDGET_MAX_CODES=2: two sign-in starts send two emails, the third throws the generic error and sends nothing', async () => {
    // GIVEN
    const table = await freshTable();
    const { create } = loadCreate(table, { [ENV.budgetMaxCodes]: '2' });

    // WHEN
    const outcomes = await outcomesOf(create, 2);
    const sentBefore = aws.received.length;
    const third = await outcomeOf(create, []);

    // THEN
    expect(outcomes).toEqual(['ok', 'ok']);
    expect(sentBefore).toBe(2);
    expect(third).toBe(GENERIC_ERROR);
    expect(aws.received).toHaveLength(2);
    expect(aws.requests).toEqual(['email', 'email']);
    expect(await countsIn(table)).toEqual([{ codes: 2 }]);
  });

  test('a spent budget is logged as one line, reason "budget spent", without the username', async () => {
    // GIVEN the budget spent
    const table = await freshTable();
    const { create, lines, parsed } = loadCreate(table, { [ENV.budgetMaxCodes]: '1' });
    expect(await outcomesOf(create, 1)).toEqual(['ok']);
    expect(parsed()).toEqual([CODE_ISSUED]);
    lines.length = 0;

    // WHEN
    expect(await outcomeOf(create, [])).toBe(GENERIC_ERROR);

    // THEN exactly one line, and it says why: a spent budget must not also read as a DynamoDB outage
    // ("budget unavailable") to anyone alarming on that reason.
    expect(parsed()).toEqual([BUDGET_SPENT]);
    expect(lines.join('\n')).not.toContain('jane');
  });

  test('an unknown username gets the same budget and fails at the same call with the same error and log', async () => {
    // GIVEN one handler per user, each with its own table and a budget of 2
    const known = loadCreate(await freshTable(), { [ENV.budgetMaxCodes]: '2' });
    const unknown = loadCreate(await freshTable(), { [ENV.budgetMaxCodes]: '2' });

    // WHEN each starts three sign-ins
    const knownOutcomes = await outcomesOf(known.create, 3, JANE);
    const unknownOutcomes = await outcomesOf(unknown.create, 3, UNKNOWN);

    // THEN the same outcomes and log lines; nothing was sent for the unknown user
    expect(knownOutcomes).toEqual(['ok', 'ok', GENERIC_ERROR]);
    expect(unknownOutcomes).toEqual(knownOutcomes);
    expect(unknown.parsed()).toEqual(known.parsed());
    expect(unknown.parsed()).toContainEqual(BUDGET_SPENT);
    expect(aws.received.filter((message) => message.to.includes(JANE.userAttributes.email))).toHaveLength(2);
    expect(aws.received).toHaveLength(2);
  });

  test('users have budgets of their own; usernames differing in case share one', async () => {
    // GIVEN jane's budget spent
    const table = await freshTable();
    const { create } = loadCreate(table, { [ENV.budgetMaxCodes]: '2' });
    expect(await outcomesOf(create, 2, JANE)).toEqual(['ok', 'ok']);

    // WHEN
    const janeAgain = await outcomeOf(create, [], { ...JANE, userName: ' JANE' });
    const bob = await outcomesOf(create, 3, BOB);

    // THEN
    expect(janeAgain).toBe(GENERIC_ERROR);
    expect(bob).toEqual(['ok', 'ok', GENERIC_ERROR]);
    expect(aws.received.map((message) => message.to[0])).toEqual([
      JANE.userAttributes.email, JANE.userAttributes.email, BOB.userAttributes.email, BOB.userAttributes.email,
    ]);
  });

  test('8 concurrent sign-in starts with 3 codes left: exactly 3 succeed and 3 emails go out', async () => {
    // GIVEN 2 of 5 codes used
    const table = await freshTable();
    const { create } = loadCreate(table, { [ENV.budgetMaxCodes]: '5' });
    expect(await outcomesOf(create, 2)).toEqual(['ok', 'ok']);
    aws.reset();

    // WHEN
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => outcomeOf(create, [])));

    // THEN
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome === GENERIC_ERROR)).toHaveLength(5);
    expect(aws.received).toHaveLength(3);
    expect(new Set(aws.received.map((message) => message.body)).size).toBe(3);
    expect(await countsIn(table)).toEqual([{ codes: 5 }]);
  });
});

describe('Create (bundled) with a wrong-answers budget', () => {
  test('a retry after a wrong answer reuses the code without a codes unit, and takes a wrong-answers unit', async () => {
    // GIVEN a budget of 2 codes
    const table = await freshTable();
    const { create, parsed } = loadCreate(table, { [ENV.budgetMaxCodes]: '2' });

    // WHEN a sign-in starts, its answer is wrong, then a second sign-in starts, then a third
    const start = await outcomeOf(create, []);
    const retry = await outcomeOf(create, wrongAnswers(1));
    const secondStart = await outcomeOf(create, []);
    const thirdStart = await outcomeOf(create, []);

    // THEN the retry sent nothing and cost no code: the second start still had one
    expect([start, retry, secondStart, thirdStart]).toEqual(['ok', 'ok', 'ok', GENERIC_ERROR]);
    expect(aws.received).toHaveLength(2);
    expect(parsed().slice(0, 3).map((line) => line.outcome)).toEqual(['code issued', 'code reused', 'code issued']);
    expect(parsed()[3]).toEqual(BUDGET_SPENT);
    expect(await countsIn(table)).toEqual([{ codes: 2, wrongAnswers: 1 }]);
  });

  test.each([
    { name: 'the same session', second: () => wrongAnswers(2), emails: 1 },
    { name: 'a new session', second: () => wrongAnswers(1), emails: 2, newSession: true },
  ])('BUDGET_MAX_WRONG_ANSWERS=1: the first retry works, the second wrong answer (in $name) ends it', async ({ second, emails, newSession }) => {
    // GIVEN a sign-in and one retry after a wrong answer
    const table = await freshTable();
    const { create, parsed } = loadCreate(table, { [ENV.budgetMaxWrongAnswers]: '1' });
    expect(await outcomeOf(create, [])).toBe('ok');
    expect(await outcomeOf(create, wrongAnswers(1))).toBe('ok');
    if (newSession) {
      expect(await outcomeOf(create, [])).toBe('ok');
    }
    const sentBefore = aws.received.length;

    // WHEN the next retry follows a second wrong answer
    const outcome = await outcomeOf(create, second());

    // THEN
    expect(outcome).toBe(GENERIC_ERROR);
    expect(sentBefore).toBe(emails);
    expect(aws.received).toHaveLength(emails);
    expect(parsed()).toContainEqual(BUDGET_SPENT);
    expect(await countsIn(table)).toEqual([{ codes: emails, wrongAnswers: 1 }]);
  });

  test('a retry whose code expired needs a new code, and so a codes unit as well', async () => {
    // GIVEN the only code of the budget used
    const table = await freshTable();
    const { create } = loadCreate(table, { [ENV.budgetMaxCodes]: '1' });
    expect(await outcomeOf(create, [])).toBe('ok');

    // WHEN the answer was wrong and the code has expired since
    const outcome = await outcomeOf(create, [custom(1, false, metadataFor(1, '123456', Date.now() - 1_000))]);

    // THEN
    expect(outcome).toBe(GENERIC_ERROR);
    expect(aws.received).toHaveLength(1);
    expect(await countsIn(table)).toEqual([{ codes: 1, wrongAnswers: 1 }]);
  });

  test('6 concurrent retries with 2 wrong answers left: exactly 2 go on', async () => {
    // GIVEN
    const table = await freshTable();
    const { create } = loadCreate(table, { [ENV.budgetMaxWrongAnswers]: '2' });

    // WHEN
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => outcomeOf(create, wrongAnswers(1))));

    // THEN
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(2);
    expect(outcomes.filter((outcome) => outcome === GENERIC_ERROR)).toHaveLength(4);
    expect(aws.received).toHaveLength(0);
    expect(await countsIn(table)).toEqual([{ wrongAnswers: 2 }]);
  });
});

describe('Create (bundled) when DynamoDB is unavailable', () => {
  let hanging: Server;

  beforeAll(async () => {
    // Accepts connections and never answers.
    hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    hanging.closeAllConnections();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  });

  /** A sign-in start for a known and an unknown user, and a retry after a wrong answer. */
  const ALL_CALLS: Array<[unknown[], User]> = [[[], JANE], [[], UNKNOWN], [wrongAnswers(1), JANE]];

  test.each([
    { name: 'a table that does not exist', setup: async () => ({ table: 'no-such-table' }), errorType: 'ResourceNotFoundException', calls: ALL_CALLS },
    {
      name: 'an endpoint nobody listens on',
      setup: async () => ({ table: await freshTable(), endpoint: `http://127.0.0.1:${await closedPort()}` }),
      errorType: 'NetworkError',
      calls: ALL_CALLS,
    },
    {
      // One call: it waits out the deadline (1.3 s: the context's 1.5 s less the margin kept to return).
      name: 'an endpoint that never answers',
      setup: async () => ({ table: await freshTable(), endpoint: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}` }),
      errorType: 'TimeoutError',
      calls: ALL_CALLS.slice(0, 1),
    },
  ])('$name: the generic error, nothing sent, "budget unavailable: $errorType"', async ({ setup, errorType, calls }) => {
    // GIVEN
    const { table, endpoint } = await setup() as { table: string; endpoint?: string };
    const { create, parsed } = loadCreate(table, endpoint ? { AWS_ENDPOINT_URL_DYNAMODB: endpoint } : {});

    // WHEN
    const outcomes: string[] = [];
    const elapsed: number[] = [];
    for (const [session, user] of calls) {
      const started = Date.now();
      outcomes.push(await outcomeOf(create, session, user, contextTimingOutIn(1500)));
      elapsed.push(Date.now() - started);
    }

    // THEN each fails closed, well within Cognito's 5 s, having sent nothing
    expect(outcomes).toEqual(calls.map(() => GENERIC_ERROR));
    expect(aws.requests).toHaveLength(0);
    const failure = { trigger: 'create', outcome: 'fail', reason: `budget unavailable: ${errorType}` };
    expect(parsed()).toEqual(calls.map(() => failure));
    expect(Math.max(...elapsed)).toBeLessThan(2_500);
  });
});

describe('Create and Verify (bundled) at the default limits, a simulated week with a moved clock', () => {
  const MINUTE = 60_000;
  const HOUR = 60 * MINUTE;
  const DAY = 24 * HOUR;
  /** The defaults the construct sets (test/cross-session-limits.test.ts): 10 and 10, refilling over a day. */
  const DEFAULTS = { [ENV.budgetWindowSeconds]: '86400', [ENV.budgetMaxCodes]: '10', [ENV.budgetMaxWrongAnswers]: '10' };
  /** One unit of either budget refills every 2.4 hours. */
  const INTERVAL = DAY / 10;

  /** Create and Verify as deployed, on one table, both reading the moved clock. */
  async function deploy() {
    const clock = { now: Date.UTC(2030, 0, 7, 9, 0, 0) };
    const read = () => clock.now;
    const table = await freshTable();
    const { create } = loadCreate(table, DEFAULTS, read);
    const verify = loadBundledHandler(VERIFY_BUNDLE, { ...aws.environment }, console, read);
    return { clock, create, verify };
  }

  type Deployment = Awaited<ReturnType<typeof deploy>>;

  /** One Create: its response, or undefined when it refused (Cognito then ends the sign-in). */
  async function challenge({ create }: Deployment, session: unknown[], user: User) {
    try {
      return (await create(createEvent(session, user), contextTimingOutIn(5000))).response;
    } catch (error) {
      expect((error as Error).message).toBe(GENERIC_ERROR);
      return undefined;
    }
  }

  /** Verify's outcome for one answer to a challenge Create issued. */
  async function check({ verify }: Deployment, response: { privateChallengeParameters: Record<string, string> }, user: User, answer: string) {
    const event = {
      ...createEvent([], user),
      triggerSource: 'VerifyAuthChallengeResponse_Authentication',
      request: {
        userAttributes: user.userAttributes,
        privateChallengeParameters: response.privateChallengeParameters,
        challengeAnswer: answer,
        userNotFound: user.userNotFound,
      },
      response: {},
    };
    return (await verify(event)).response.answerCorrect as boolean;
  }

  /** A wrong answer: any code but the one sent (for an unknown user nothing is sent and nothing is right). */
  function wrongGuessFor(user: User): string {
    if (user.userNotFound) {
      return '000000';
    }
    const code = aws.lastCodeSentTo(user.userAttributes.email);
    return code === '000000' ? '000001' : '000000';
  }

  /**
   * The attacker: every `everyMinutes`, for `days`, as many answers as the budgets let through, each
   * wrong: retries in the current sign-in while it has attempts left (a wrong-answers unit each), else a
   * new sign-in (a codes unit). Refill is continuous and a bucket keeps up to its max, so polling every
   * 10 minutes loses no unit: this paces as well as any schedule can. Returns the simulated times at
   * which an answer was checked.
   */
  async function attack(deployment: Deployment, user: User, days: number, everyMinutes = 10): Promise<number[]> {
    const checked: number[] = [];
    const ticks = (days * DAY) / (everyMinutes * MINUTE);
    // (The clock stays at the last tick: the attack stops there.)
    for (let tick = 0; tick < ticks; tick++, deployment.clock.now += tick < ticks ? everyMinutes * MINUTE : 0) {
      let session: unknown[] = [];
      for (;;) {
        const response = await challenge(deployment, session, user);
        if (response === undefined) {
          if (session.length === 0) {
            break;
          }
          session = [];
          continue;
        }
        expect(await check(deployment, response, user, wrongGuessFor(user))).toBe(false);
        checked.push(deployment.clock.now);
        const entry = { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: response.challengeMetadata };
        // After maxAttempts (3) wrong answers Define fails the sign-in: the next one starts afresh.
        session = session.length + 1 >= 3 ? [] : [...session, entry];
      }
    }
    return checked;
  }

  /** The most answers checked in any span of `span` milliseconds. */
  function mostIn(times: number[], span: number): number {
    return Math.max(...times.map((start) => times.filter((time) => time >= start && time < start + span).length));
  }

  test.each([
    { name: 'a known user', user: JANE },
    { name: 'an unknown username', user: UNKNOWN },
  ])('a week of sustained guessing against $name gets at most 160 answers checked, with no burst at any hour', async ({ user }) => {
    // GIVEN
    const deployed = await deploy();

    // WHEN
    const checked = await attack(deployed, user, 7);

    // THEN at most 10 + 10 at once, then one unit of each budget per 2.4 hours: 10 + 70 codes and
    // 10 + 70 wrong answers in 7 days, so at most 160 answers (the issue's target: 200)
    expect(checked.length).toBeLessThanOrEqual(160);
    expect(checked.length).toBeGreaterThanOrEqual(155);
    // No double burst: the burst once, then in any hour at most one unit of each budget
    expect(mostIn(checked, HOUR)).toBeLessThanOrEqual(20);
    expect(mostIn(checked.filter((time) => time >= checked[0] + HOUR), HOUR)).toBeLessThanOrEqual(2);
    expect(mostIn(checked, DAY)).toBeLessThanOrEqual(20 + 2 * Math.ceil(DAY / INTERVAL));
  }, 120_000);

  test('the victim signs in normally a day after the attack stops (and not while it lasts)', async () => {
    // GIVEN a day of sustained guessing against jane
    const deployed = await deploy();
    await attack(deployed, JANE, 1);

    // THEN at the attack's last moment, jane's own sign-in is refused
    expect(await challenge(deployed, [], JANE)).toBeUndefined();

    // WHEN the attack stops, and a day passes
    deployed.clock.now += DAY;

    // THEN jane signs in: one code, the right answer
    const response = await challenge(deployed, [], JANE);
    expect(response).toBeDefined();
    expect(await check(deployed, response!, JANE, aws.lastCodeSentTo(JANE.userAttributes.email))).toBe(true);
    // AND her budgets are whole again: a wrong answer and its retry, and nine more sign-ins
    expect(await check(deployed, response!, JANE, wrongGuessFor(JANE))).toBe(false);
    const retry = await challenge(deployed, [{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: response!.challengeMetadata }], JANE);
    expect(retry).toBeDefined();
    for (let i = 0; i < 9; i++) {
      expect(await challenge(deployed, [], JANE)).toBeDefined();
    }
  }, 60_000);
});

describe('Create (bundled): one deadline for the whole invocation', () => {
  let slowDynamoDb: RecordingProxy;
  let hangingSes: Server;

  beforeAll(async () => {
    slowDynamoDb = await RecordingProxy.start(() => aws.dynamodb.endpoint);
    slowDynamoDb.delayMillis = 600;
    hangingSes = createServer(() => undefined);
    await new Promise<void>((resolve) => hangingSes.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await slowDynamoDb.stop();
    hangingSes.closeAllConnections();
    await new Promise<void>((resolve) => hangingSes.close(() => resolve()));
  });

  beforeEach(() => {
    slowDynamoDb.seen.length = 0;
  });

  test('DynamoDB answering in 600 ms, then an SES that never answers: Create ends at the context\'s deadline, not 600 ms + 3 s', async () => {
    // GIVEN a Create whose Lambda times out 1.8 s from now (its deadline: 1.6 s)
    const table = await freshTable();
    const { create, parsed } = loadCreate(table, {
      AWS_ENDPOINT_URL_DYNAMODB: slowDynamoDb.endpoint,
      AWS_ENDPOINT_URL_SESV2: `http://127.0.0.1:${(hangingSes.address() as AddressInfo).port}`,
    });

    // WHEN
    const started = performance.now();
    const outcome = await outcomeOf(create, [], JANE, contextTimingOutIn(1800));
    const elapsed = performance.now() - started;

    // THEN the send was aborted by the one deadline: not before it, and long before separate per-call
    // deadlines would have ended (600 ms + 3 s); the margins are wide so a loaded machine cannot flake them
    expect(outcome).toBe(GENERIC_ERROR);
    expect(parsed()).toContainEqual({ trigger: 'create', outcome: 'fail', reason: 'delivery failed: TimeoutError' });
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(3000);
  });

  test('a DynamoDB slower than the deadline: the budget call is aborted by it and nothing is sent', async () => {
    // GIVEN a Create whose Lambda times out 500 ms from now, in front of a DynamoDB that answers after 600 ms
    const table = await freshTable();
    const { create, parsed } = loadCreate(table, { AWS_ENDPOINT_URL_DYNAMODB: slowDynamoDb.endpoint });

    // WHEN
    const outcome = await outcomeOf(create, [], JANE, contextTimingOutIn(500));

    // THEN
    expect(outcome).toBe(GENERIC_ERROR);
    expect(parsed()).toContainEqual({ trigger: 'create', outcome: 'fail', reason: 'budget unavailable: TimeoutError' });
    expect(aws.requests).toHaveLength(0);
  });

  test('one UpdateItem per sign-in start, and one for a retry whose code expired (both budgets at once)', async () => {
    // GIVEN
    const table = await freshTable();
    const { create } = loadCreate(table, { AWS_ENDPOINT_URL_DYNAMODB: slowDynamoDb.endpoint });

    // WHEN a sign-in starts, then a retry follows a wrong answer to a code that has expired since
    const start = await outcomeOf(create, [], BOB, contextTimingOutIn(5000));
    const updates = () => slowDynamoDb.apiCalls().map((call) => call.headers['x-amz-target']);
    const startCalls = updates().length;
    const retry = await outcomeOf(create, [custom(1, false, metadataFor(1, '123456', Date.now() - 1_000))], JANE, contextTimingOutIn(5000));

    // THEN
    expect([start, retry]).toEqual(['ok', 'ok']);
    expect(startCalls).toBe(1);
    expect(updates()).toEqual(['DynamoDB_20120810.UpdateItem', 'DynamoDB_20120810.UpdateItem']);
    expect(await countsIn(table)).toEqual(expect.arrayContaining([{ codes: 1 }, { codes: 1, wrongAnswers: 1 }]));
  });
});

describe('Create (bundled) without BUDGET_TABLE', () => {
  test('there is no limit: more starts than BUDGET_MAX_CODES all send, and DynamoDB is never called', async () => {
    // GIVEN no table, the other BUDGET_* variables set, and DynamoDB unreachable
    const { create, parsed } = loadCreate(undefined, {
      [ENV.budgetMaxCodes]: '1',
      [ENV.budgetMaxWrongAnswers]: '1',
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${await closedPort()}`,
    });

    // WHEN
    const outcomes = await outcomesOf(create, 3);
    const retries = [await outcomeOf(create, wrongAnswers(1)), await outcomeOf(create, wrongAnswers(2))];

    // THEN
    expect(outcomes).toEqual(['ok', 'ok', 'ok']);
    expect(retries).toEqual(['ok', 'ok']);
    expect(aws.received).toHaveLength(3);
    expect(parsed().filter((line) => line.outcome !== 'code issued' && line.outcome !== 'code reused')).toEqual([]);
  });
});

describe('Create (bundled) with malformed BUDGET_* variables fails closed', () => {
  test.each<{ name: string; value: string | undefined; reason: string }>([
    { name: ENV.budgetTable, value: '', reason: 'BUDGET_TABLE must be a DynamoDB table name' },
    { name: ENV.budgetTable, value: 'my table', reason: 'BUDGET_TABLE must be a DynamoDB table name' },
    { name: ENV.budgetTable, value: 'ab', reason: 'BUDGET_TABLE must be a DynamoDB table name' },
    { name: ENV.budgetWindowSeconds, value: undefined, reason: 'BUDGET_WINDOW_SECONDS must be an integer' },
    { name: ENV.budgetWindowSeconds, value: '59', reason: 'BUDGET_WINDOW_SECONDS must be from 60 to 86400' },
    { name: ENV.budgetWindowSeconds, value: '3600.5', reason: 'BUDGET_WINDOW_SECONDS must be an integer' },
    { name: ENV.budgetMaxCodes, value: '0', reason: 'BUDGET_MAX_CODES must be from 1 to 1000' },
    { name: ENV.budgetMaxCodes, value: '1001', reason: 'BUDGET_MAX_CODES must be from 1 to 1000' },
    { name: ENV.budgetMaxCodes, value: 'ten', reason: 'BUDGET_MAX_CODES must be an integer' },
    { name: ENV.budgetMaxCodes, value: '-1', reason: 'BUDGET_MAX_CODES must be an integer' },
    { name: ENV.budgetMaxWrongAnswers, value: undefined, reason: 'BUDGET_MAX_WRONG_ANSWERS must be an integer' },
    { name: ENV.budgetMaxWrongAnswers, value: '', reason: 'BUDGET_MAX_WRONG_ANSWERS must be an integer' },
    { name: ENV.budgetWindowSeconds, value: '86401', reason: 'BUDGET_WINDOW_SECONDS must be from 60 to 86400' },
    { name: ENV.budgetSalt, value: undefined, reason: 'BUDGET_SALT must be at least 16 characters' },
    { name: ENV.budgetSalt, value: 'short-salt', reason: 'BUDGET_SALT must be at least 16 characters' },
  ])('$name=$value', async ({ name, value, reason }) => {
    // GIVEN a handler loaded ("cold start") with the broken variable
    const table = await freshTable();
    const { create, lines, parsed } = loadCreate(table, { [name]: value });

    // THEN the cold start logged one error naming the variable, not its value
    expect(parsed()).toEqual([{ trigger: 'create', outcome: 'misconfigured', reason }]);
    if (value) {
      expect(lines[0]).not.toContain(`"${value}"`);
    }

    // WHEN a sign-in starts, THEN the generic error, nothing sent, nothing counted
    expect(await outcomeOf(create, [])).toBe(GENERIC_ERROR);
    expect(parsed()[1]).toEqual({ trigger: 'create', outcome: 'fail', reason: 'misconfigured' });
    expect(aws.requests).toHaveLength(0);
    expect(await countsIn(table)).toEqual([]);
  });

  test('the boundary values load and work', async () => {
    const table = await freshTable();
    const { create, parsed } = loadCreate(table, {
      [ENV.budgetWindowSeconds]: '86400',
      [ENV.budgetMaxCodes]: '1',
      [ENV.budgetMaxWrongAnswers]: '1000',
    });

    expect(await outcomesOf(create, 2)).toEqual(['ok', GENERIC_ERROR]);
    expect(parsed()[0]).toEqual(CODE_ISSUED);
    expect(aws.received).toHaveLength(1);
  });
});
