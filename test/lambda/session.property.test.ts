import fc from 'fast-check';
import { anyConfig, anyEntry, configAndSession, TruthEntry } from './session-arbitraries';
import type { IssuedCode } from '../../lambda/codes';
import type { ChallengeConfig } from '../../lambda/config';
import { decideNextStep, DefineDecision, walkSession } from '../../lambda/session';

/**
 * Properties of Define's decision over arbitrary sessions: any challenge names (Cognito's own and
 * junk), any results, metadata written by the real codes module for any challenge number or junk,
 * any length, every configuration the construct allows, known and unknown users.
 *
 * Each property runs NUM_RUNS times (FC_NUM_RUNS raises it; it never goes below 10,000). Set
 * FC_SEED to replay a failure fast-check reported.
 */
const NUM_RUNS = Math.max(10_000, Number(process.env.FC_NUM_RUNS ?? 0));
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
/** A failing property stops after a minute of shrinking (and fails) rather than holding CI up. */
const parameters: fc.Parameters<unknown> = { numRuns: NUM_RUNS, seed: SEED, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true };
/** Ten thousand runs take a few seconds; leave room for a busy CI machine. */
const TEST_TIMEOUT_MILLIS = 120_000;

/** Runs actually executed per property, printed at the end so CI logs show the count. */
const executed: Record<string, number> = {};

/**
 * The oracle, written from the specification alone (COGNITO-CUSTOM-AUTH.md and the construct's
 * docs), not from lambda/session.ts. It spells each entry as one letter from what the generator put
 * there, then matches the word against the only sequences a sign-in may take:
 *   S = SRP_A:true, P = PASSWORD_VERIFIER:true,
 *   A..J = CUSTOM_CHALLENGE:true with metadata Create wrote for challenge 1..10,
 *   a..j = CUSTOM_CHALLENGE:false with such metadata, # = anything else.
 * Tokens: [SP] then, for k = 1..challengeCount, at most maxAttempts-1 wrong answers to k then a right one.
 * A custom challenge: a proper prefix of that which ends before a challenge's right answer.
 * The password step: exactly [S] when passwordFirst. Anything else fails.
 */
type Expected =
  | { readonly next: 'ISSUE_TOKENS' | 'PASSWORD_VERIFIER' | 'FAIL' }
  | { readonly next: 'CUSTOM_CHALLENGE'; readonly challengeNumber: number; readonly wrongAnswers: number; readonly pendingCode?: IssuedCode };

const right = (k: number): string => String.fromCharCode(64 + k);
const wrong = (k: number): string => String.fromCharCode(96 + k);

function letter(entry: TruthEntry): string {
  if (entry.name === 'SRP_A' && entry.result === true) {
    return 'S';
  }
  if (entry.name === 'PASSWORD_VERIFIER' && entry.result === true) {
    return 'P';
  }
  const k = entry.issuedFor;
  if (entry.name === 'CUSTOM_CHALLENGE' && typeof entry.result === 'boolean' && k !== undefined && k >= 1 && k <= 10) {
    return entry.result ? right(k) : wrong(k);
  }
  return '#';
}

/** The oracle's patterns for one configuration: the tokens pattern, then one per challenge still due. */
const patterns = new Map<string, { tokens: RegExp; due: RegExp[] }>();

function patternsFor(config: ChallengeConfig): { tokens: RegExp; due: RegExp[] } {
  const key = JSON.stringify(config);
  let found = patterns.get(key);
  if (found === undefined) {
    const prefix = config.passwordFirst ? 'SP' : '';
    const retries = (k: number): string => `${wrong(k)}{0,${config.maxAttempts - 1}}`;
    const passed = (count: number): string => Array.from({ length: count }, (_, i) => `${retries(i + 1)}${right(i + 1)}`).join('');
    found = {
      tokens: new RegExp(`^${prefix}${passed(config.challengeCount)}$`),
      due: Array.from({ length: config.challengeCount }, (_, i) => new RegExp(`^${prefix}${passed(i)}(${retries(i + 1)})$`)),
    };
    patterns.set(key, found);
  }
  return found;
}

function oracle(entries: TruthEntry[], config: ChallengeConfig): Expected {
  const word = entries.map(letter).join('');
  const { tokens, due } = patternsFor(config);
  if (tokens.test(word)) {
    return { next: 'ISSUE_TOKENS' };
  }
  for (const [i, pattern] of due.entries()) {
    const match = pattern.exec(word);
    if (match) {
      const wrongAnswers = match[1].length;
      const pendingCode = wrongAnswers > 0 ? entries[entries.length - 1].issued : undefined;
      return { next: 'CUSTOM_CHALLENGE', challengeNumber: i + 1, wrongAnswers, pendingCode };
    }
  }
  return { next: config.passwordFirst && word === 'S' ? 'PASSWORD_VERIFIER' : 'FAIL' };
}

/** Define's answer for what the oracle expects, for a known or an unknown user. */
function expectedDecision(expected: Expected, userNotFound: boolean): DefineDecision {
  switch (expected.next) {
    case 'ISSUE_TOKENS':
      return userNotFound ? { issueTokens: false, failAuthentication: true } : { issueTokens: true, failAuthentication: false };
    case 'FAIL':
      return { issueTokens: false, failAuthentication: true };
    default:
      return { challengeName: expected.next, issueTokens: false, failAuthentication: false };
  }
}

/** The three shapes Define may answer with, and nothing else (no extra keys, no undefined challengeName key). */
function isAllowedShape(decision: unknown): boolean {
  const json = JSON.stringify(decision);
  return [
    '{"challengeName":"PASSWORD_VERIFIER","issueTokens":false,"failAuthentication":false}',
    '{"challengeName":"CUSTOM_CHALLENGE","issueTokens":false,"failAuthentication":false}',
    '{"issueTokens":true,"failAuthentication":false}',
    '{"issueTokens":false,"failAuthentication":true}',
  ].includes(json) && Object.keys(decision as object).length === json.split(':').length - 1;
}

/** Wrong answers given to each challenge number anywhere in the session, by the generator's account. */
function wrongAnswersPerChallenge(entries: TruthEntry[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const entry of entries) {
    if (entry.name === 'CUSTOM_CHALLENGE' && entry.result === false && entry.issuedFor !== undefined) {
      counts.set(entry.issuedFor, (counts.get(entry.issuedFor) ?? 0) + 1);
    }
  }
  return counts;
}

const sessionOf = (entries: TruthEntry[]): unknown[] => entries.map((entry) => entry.raw);

/** What Cognito never sends as a session, and a handler must survive: any value, arrays of junk, objects keyed like arrays. */
const rawEntry = anyEntry.map((entry) => entry.raw);
const notASession = fc.oneof(fc.anything(), fc.array(rawEntry), fc.dictionary(fc.string(), rawEntry));

/** Outcomes the oracle expected over all runs: each must occur often, or a property would hold vacuously. */
const seen: Record<string, number> = { ISSUE_TOKENS: 0, CUSTOM_CHALLENGE: 0, PASSWORD_VERIFIER: 0, FAIL: 0, RETRY: 0, BUDGET_SPENT: 0 };

const ORACLE_PROPERTY = 'tokens iff the exact required sequence succeeded, and every other step as the oracle says';
const BUDGET_PROPERTY = 'no further challenge once the attempt budget of any challenge is spent';

function property<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void): void {
  test(`${name} (${NUM_RUNS} runs)`, () => {
    executed[name] = 0;
    fc.assert(fc.property(arbitrary, (value) => {
      executed[name] += 1;
      predicate(value);
    }), parameters);
    expect(executed[name]).toBeGreaterThanOrEqual(NUM_RUNS);
  }, TEST_TIMEOUT_MILLIS);
}

describe('decideNextStep and walkSession, property-based', () => {
  afterAll(() => {
    const counts = Object.entries(executed).map(([name, runs]) => `  ${runs} runs: ${name}`).join('\n');
    // eslint-disable-next-line no-console
    console.log(`fast-check properties of lambda/session.ts (seed ${SEED ?? 'random'}):\n${counts}\n`
      + `  oracle outcomes over the oracle property: ${JSON.stringify(seen)}`);
  });

  property(ORACLE_PROPERTY, configAndSession, ({ config, entries }) => {
    const expected = oracle(entries, config);
    seen[expected.next] += 1;
    if (expected.next === 'CUSTOM_CHALLENGE' && expected.wrongAnswers > 0) {
      seen.RETRY += 1;
    }
    const session = sessionOf(entries);
    expect(walkSession(session, config)).toEqual(expected.next === 'FAIL' ? { next: 'FAIL', reason: expect.any(String) } : expected);
    expect(decideNextStep(session, false, config)).toEqual(expectedDecision(expected, false));
  });

  property('never both issueTokens and failAuthentication, for any user and any configuration',
    fc.tuple(configAndSession, fc.boolean(), fc.boolean()), ([{ config, entries }, userNotFound, configured]) => {
      const decision = decideNextStep(sessionOf(entries), userNotFound, configured ? config : undefined);
      expect(decision.issueTokens && decision.failAuthentication).toBe(false);
      expect(decision.issueTokens || decision.failAuthentication || decision.challengeName !== undefined).toBe(true);
    });

  property(BUDGET_PROPERTY, configAndSession, ({ config, entries }) => {
    const session = sessionOf(entries);
    const spent = [...wrongAnswersPerChallenge(entries).values()].some((count) => count >= config.maxAttempts);
    const progress = walkSession(session, config);
    if (spent) {
      seen.BUDGET_SPENT += 1;
      expect(progress.next).toBe('FAIL');
      expect(decideNextStep(session, false, config)).toEqual({ issueTokens: false, failAuthentication: true });
    }
    if (progress.next === 'CUSTOM_CHALLENGE') {
      // Create shows attemptsRemaining = maxAttempts - wrongAnswers: never zero.
      expect(progress.wrongAnswers).toBeGreaterThanOrEqual(0);
      expect(progress.wrongAnswers).toBeLessThan(config.maxAttempts);
      expect(progress.challengeNumber).toBeGreaterThanOrEqual(1);
      expect(progress.challengeNumber).toBeLessThanOrEqual(config.challengeCount);
    }
  });

  property('unknown users never get tokens, and fail at the very step where a known user would get them',
    configAndSession, ({ config, entries }) => {
      const session = sessionOf(entries);
      const unknown = decideNextStep(session, true, config);
      const known = decideNextStep(session, false, config);
      expect(unknown.issueTokens).toBe(false);
      expect(unknown).toEqual(known.issueTokens ? { issueTokens: false, failAuthentication: true } : known);
    });

  property('a decision is one of the three allowed shapes, whatever the session, user or configuration',
    fc.tuple(
      fc.oneof(
        { weight: 4, arbitrary: configAndSession.map(({ entries }) => sessionOf(entries)) },
        { weight: 1, arbitrary: notASession },
      ),
      fc.option(anyConfig, { freq: 8 }),
      fc.boolean(),
    ),
    ([session, config, userNotFound]) => {
      const decision = decideNextStep(session, userNotFound, config ?? undefined);
      expect(isAllowedShape(decision)).toBe(true);
      if (config === null) {
        expect(decision).toEqual({ issueTokens: false, failAuthentication: true });
      }
    });

  test('the generators reach every outcome often (the properties do not hold vacuously)', () => {
    // Runs after the properties above (Jest runs a file's tests in order).
    const oracleRuns = executed[ORACLE_PROPERTY];
    const budgetRuns = executed[BUDGET_PROPERTY];
    expect(oracleRuns).toBeGreaterThanOrEqual(NUM_RUNS);
    expect(budgetRuns).toBeGreaterThanOrEqual(NUM_RUNS);
    const rare = ['ISSUE_TOKENS', 'CUSTOM_CHALLENGE', 'FAIL', 'RETRY'].filter((outcome) => seen[outcome] < oracleRuns * 0.05);
    expect(rare).toEqual([]);
    expect(seen.PASSWORD_VERIFIER).toBeGreaterThan(oracleRuns * 0.002);
    expect(seen.BUDGET_SPENT).toBeGreaterThan(budgetRuns * 0.05);
  });
});
