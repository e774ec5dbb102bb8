import { custom, Entry, metadataFor, other, passwordVerifier, srpA } from './session-entries';
import { decodeMetadata } from '../../lambda/codes';
import type { ChallengeConfig } from '../../lambda/config';
import { decideNextStep, DefineDecision, Progress, walkSession } from '../../lambda/session';

function config(overrides: Partial<ChallengeConfig> = {}): ChallengeConfig {
  return { challengeCount: 1, passwordFirst: false, maxAttempts: 3, ...overrides };
}

const passwordless = config();
const passwordFirst = config({ passwordFirst: true });
const threeChallenges = config({ challengeCount: 3 });
const threeChallengesAfterPassword = config({ challengeCount: 3, passwordFirst: true });

const challenge = (challengeNumber: number, wrongAnswers = 0, pendingCode?: unknown): Progress =>
  ({ next: 'CUSTOM_CHALLENGE', challengeNumber, wrongAnswers, pendingCode } as Progress);
const tokens: Progress = { next: 'ISSUE_TOKENS' };
const verifyPassword: Progress = { next: 'PASSWORD_VERIFIER' };
const failed = (reason: string): Progress => ({ next: 'FAIL', reason });

interface WalkCase {
  readonly name: string;
  readonly config: ChallengeConfig;
  readonly session: unknown;
  readonly expected: Progress;
}

const W1 = metadataFor(1, '111111');
const W2 = metadataFor(2, '222222');

const walkCases: WalkCase[] = [
  // Passwordless
  { name: 'passwordless, empty session: challenge #1', config: passwordless, session: [], expected: challenge(1) },
  { name: 'passwordless, one right answer of one: tokens', config: passwordless, session: [custom(1, true)], expected: tokens },
  { name: 'passwordless, password prefix fails', config: passwordless, session: [srpA()], expected: failed('unexpected step') },
  {
    name: 'passwordless, full password prefix fails',
    config: passwordless,
    session: [srpA(), passwordVerifier()],
    expected: failed('unexpected step'),
  },
  {
    name: 'passwordless, password prefix before a right answer fails',
    config: passwordless,
    session: [srpA(), passwordVerifier(), custom(1, true)],
    expected: failed('unexpected step'),
  },

  // Password first
  { name: 'password first, empty session fails', config: passwordFirst, session: [], expected: failed('password step missing') },
  { name: 'password first, [SRP_A:true]: PASSWORD_VERIFIER', config: passwordFirst, session: [srpA()], expected: verifyPassword },
  { name: 'password first, [SRP_A:false] fails', config: passwordFirst, session: [srpA(false)], expected: failed('password step missing') },
  {
    name: 'password first, [PASSWORD_VERIFIER:true] first fails',
    config: passwordFirst,
    session: [passwordVerifier()],
    expected: failed('password step missing'),
  },
  {
    name: 'password first, [SRP_A, PASSWORD_VERIFIER:false] fails',
    config: passwordFirst,
    session: [srpA(), passwordVerifier(false)],
    expected: failed('password not verified'),
  },
  {
    name: 'password first, [SRP_A, PASSWORD_VERIFIER:true]: challenge #1',
    config: passwordFirst,
    session: [srpA(), passwordVerifier()],
    expected: challenge(1),
  },
  {
    name: 'password first, [SRP_A, PASSWORD_VERIFIER, CUSTOM:true]: tokens',
    config: passwordFirst,
    session: [srpA(), passwordVerifier(), custom(1, true)],
    expected: tokens,
  },
  {
    name: 'password first, [SRP_A, PASSWORD_VERIFIER, CUSTOM:false]: challenge #1 again',
    config: passwordFirst,
    session: [srpA(), passwordVerifier(), custom(1, false, W1)],
    expected: challenge(1, 1, decodeMetadata(W1)),
  },
  {
    name: 'password first, [SRP_A, PASSWORD_VERIFIER:false, CUSTOM:true] fails',
    config: passwordFirst,
    session: [srpA(), passwordVerifier(false), custom(1, true)],
    expected: failed('password not verified'),
  },
  {
    name: 'password first, a right custom answer without the password prefix fails',
    config: passwordFirst,
    session: [custom(1, true)],
    expected: failed('password step missing'),
  },
  {
    name: 'password first, custom answers without the password prefix fail (three challenges)',
    config: threeChallengesAfterPassword,
    session: [custom(1, true), custom(2, true), custom(3, true)],
    expected: failed('password step missing'),
  },
  {
    name: 'password first, SRP_A then a custom answer (password skipped) fails',
    config: passwordFirst,
    session: [srpA(), custom(1, true)],
    expected: failed('password not verified'),
  },
  {
    name: 'password first, the prefix in the wrong order fails',
    config: passwordFirst,
    session: [passwordVerifier(), srpA(), custom(1, true)],
    expected: failed('password step missing'),
  },
  {
    name: 'password first, the prefix twice fails',
    config: passwordFirst,
    session: [srpA(), passwordVerifier(), srpA(), passwordVerifier(), custom(1, true)],
    expected: failed('unexpected step'),
  },
  {
    name: 'password first, the password step after the custom challenge fails',
    config: passwordFirst,
    session: [srpA(), passwordVerifier(), custom(1, true), passwordVerifier()],
    expected: failed('step after the last challenge'),
  },

  // Several challenges: tokens only after all of them
  { name: '3 challenges, empty: #1', config: threeChallenges, session: [], expected: challenge(1) },
  { name: '3 challenges, 1 right: #2', config: threeChallenges, session: [custom(1, true)], expected: challenge(2) },
  { name: '3 challenges, 2 right: #3', config: threeChallenges, session: [custom(1, true), custom(2, true)], expected: challenge(3) },
  {
    name: '3 challenges, 3 right: tokens',
    config: threeChallenges,
    session: [custom(1, true), custom(2, true), custom(3, true)],
    expected: tokens,
  },
  {
    name: '3 challenges after the password, 2 right: #3',
    config: threeChallengesAfterPassword,
    session: [srpA(), passwordVerifier(), custom(1, true), custom(2, true)],
    expected: challenge(3),
  },
  {
    name: '3 challenges after the password, 3 right: tokens',
    config: threeChallengesAfterPassword,
    session: [srpA(), passwordVerifier(), custom(1, true), custom(2, true), custom(3, true)],
    expected: tokens,
  },

  // Wrong answers
  { name: 'wrong once: same challenge, code pending', config: passwordless, session: [custom(1, false, W1)], expected: challenge(1, 1, decodeMetadata(W1)) },
  { name: 'wrong then right: tokens', config: passwordless, session: [custom(1, false, W1), custom(1, true, W1)], expected: tokens },
  {
    name: 'wrong on #2 of 3: #2 again with its code pending',
    config: threeChallenges,
    session: [custom(1, true), custom(2, false, W2)],
    expected: challenge(2, 1, decodeMetadata(W2)),
  },
  {
    name: 'wrong answers are counted per challenge: two wrong on #1 then two wrong on #2 still gives #2',
    config: threeChallenges,
    session: [custom(1, false, W1), custom(1, false, W1), custom(1, true, W1), custom(2, false, W2), custom(2, false, W2)],
    expected: challenge(2, 2, decodeMetadata(W2)),
  },
  {
    name: 'maxAttempts - 1 wrong: still a challenge with wrongAnswers and the pending code',
    config: passwordless,
    session: [custom(1, false, W1), custom(1, false, W1)],
    expected: challenge(1, 2, decodeMetadata(W1)),
  },
  {
    name: 'maxAttempts wrong: fails exactly at the max',
    config: passwordless,
    session: [custom(1, false, W1), custom(1, false, W1), custom(1, false, W1)],
    expected: failed('attempts exhausted'),
  },
  {
    name: 'maxAttempts wrong then a right answer: still fails',
    config: passwordless,
    session: [custom(1, false, W1), custom(1, false, W1), custom(1, false, W1), custom(1, true, W1)],
    expected: failed('attempts exhausted'),
  },
  {
    name: 'maxAttempts 1: the first wrong answer fails',
    config: config({ maxAttempts: 1 }),
    session: [custom(1, false, W1)],
    expected: failed('attempts exhausted'),
  },
  {
    name: 'maxAttempts 10: nine wrong answers still give a challenge',
    config: config({ maxAttempts: 10 }),
    session: Array.from({ length: 9 }, () => custom(1, false, W1)),
    expected: challenge(1, 9, decodeMetadata(W1)),
  },
  {
    name: 'maxAttempts 10: ten wrong answers fail',
    config: config({ maxAttempts: 10 }),
    session: Array.from({ length: 10 }, () => custom(1, false, W1)),
    expected: failed('attempts exhausted'),
  },
  {
    name: 'maxAttempts wrong after the password: fails',
    config: passwordFirst,
    session: [srpA(), passwordVerifier(), custom(1, false, W1), custom(1, false, W1), custom(1, false, W1)],
    expected: failed('attempts exhausted'),
  },

  // Metadata
  { name: 'metadata of challenge #2 at position #1 fails', config: threeChallenges, session: [custom(1, true, W2)], expected: failed('challenge out of sequence') },
  {
    name: 'metadata of challenge #1 at position #2 fails (replayed answer)',
    config: threeChallenges,
    session: [custom(1, true), custom(2, true, metadataFor(1))],
    expected: failed('challenge out of sequence'),
  },
  {
    name: 'metadata of challenge #3 at position #2 fails (skipped challenge)',
    config: threeChallenges,
    session: [custom(1, true), custom(2, true, metadataFor(3))],
    expected: failed('challenge out of sequence'),
  },
  { name: 'metadata of challenge #0 fails', config: passwordless, session: [custom(1, true, metadataFor(0))], expected: failed('challenge out of sequence') },
  { name: 'missing metadata fails', config: passwordless, session: [{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: true }], expected: failed('challenge out of sequence') },
  { name: 'empty metadata fails', config: passwordless, session: [custom(1, true, '')], expected: failed('challenge out of sequence') },
  { name: 'null metadata fails', config: passwordless, session: [custom(1, true, null)], expected: failed('challenge out of sequence') },
  { name: 'garbage metadata fails', config: passwordless, session: [custom(1, true, 'CODE-1-garbage')], expected: failed('challenge out of sequence') },
  {
    name: 'metadata with trailing data fails',
    config: passwordless,
    session: [custom(1, true, `${metadataFor(1)}-x`)],
    expected: failed('challenge out of sequence'),
  },
  { name: 'non-string metadata fails', config: passwordless, session: [custom(1, true, { challengeNumber: 1 })], expected: failed('challenge out of sequence') },
  {
    name: 'a wrong answer with garbage metadata fails (no pending code to reuse)',
    config: passwordless,
    session: [custom(1, false, 'not ours')],
    expected: failed('challenge out of sequence'),
  },

  // Unexpected challenge names
  ...['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER', 'ADMIN_NO_SRP_AUTH', 'NEW_PASSWORD_REQUIRED', 'custom_challenge', '']
    .flatMap((name): WalkCase[] => [
      { name: `passwordless, ${name || '(empty name)'} first fails`, config: passwordless, session: [other(name)], expected: failed('unexpected step') },
      {
        name: `password first, ${name || '(empty name)'} after the password fails`,
        config: passwordFirst,
        session: [srpA(), passwordVerifier(), other(name)],
        expected: failed('unexpected step'),
      },
      {
        name: `password first, ${name || '(empty name)'} in place of the password fails`,
        config: passwordFirst,
        session: [srpA(), other(name), custom(1, true)],
        expected: failed('password not verified'),
      },
      {
        name: `3 challenges, ${name || '(empty name)'} between two challenges fails`,
        config: threeChallenges,
        session: [custom(1, true), other(name), custom(2, true)],
        expected: failed('unexpected step'),
      },
    ]),
  {
    name: 'PASSWORD_VERIFIER at a custom position fails',
    config: passwordless,
    session: [passwordVerifier()],
    expected: failed('unexpected step'),
  },
  {
    name: 'PASSWORD_VERIFIER with our metadata at a custom position fails',
    config: passwordFirst,
    session: [srpA(), passwordVerifier(), { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: metadataFor(1) }],
    expected: failed('unexpected step'),
  },

  // challengeResult must be a boolean
  ...[undefined, null, 'true', 1, 0, {}].map((challengeResult): WalkCase => ({
    name: `challengeResult ${JSON.stringify(challengeResult) ?? 'undefined'} fails`,
    config: passwordless,
    session: [custom(1, challengeResult)],
    expected: failed('unexpected step'),
  })),
  {
    name: 'password first, SRP_A with challengeResult "true" fails',
    config: passwordFirst,
    session: [srpA('true')],
    expected: failed('password step missing'),
  },
  {
    name: 'password first, PASSWORD_VERIFIER with challengeResult 1 fails',
    config: passwordFirst,
    session: [srpA(), passwordVerifier(1), custom(1, true)],
    expected: failed('password not verified'),
  },

  // Extra entries after the last challenge
  {
    name: 'a right answer after the last challenge fails',
    config: passwordless,
    session: [custom(1, true), custom(2, true)],
    expected: failed('step after the last challenge'),
  },
  {
    name: 'a wrong answer after the last challenge fails',
    config: passwordless,
    session: [custom(1, true), custom(2, false)],
    expected: failed('step after the last challenge'),
  },
  {
    name: 'a repeated last answer fails',
    config: threeChallenges,
    session: [custom(1, true), custom(2, true), custom(3, true), custom(3, true)],
    expected: failed('step after the last challenge'),
  },

  // Malformed sessions
  ...[undefined, null, 'CUSTOM_CHALLENGE', 42, {}, { length: 0 }].map((session): WalkCase => ({
    name: `session ${JSON.stringify(session) ?? 'undefined'} fails`,
    config: passwordless,
    session,
    expected: failed('malformed session'),
  })),
  { name: 'a null entry fails', config: passwordless, session: [null], expected: failed('unexpected step') },
  { name: 'a null entry after a right answer fails', config: threeChallenges, session: [custom(1, true), null], expected: failed('unexpected step') },
  { name: 'a string entry fails', config: passwordless, session: ['CUSTOM_CHALLENGE'], expected: failed('unexpected step') },
  { name: 'password first, a null first entry fails', config: passwordFirst, session: [null], expected: failed('password step missing') },
  { name: 'password first, a null second entry fails', config: passwordFirst, session: [srpA(), null], expected: failed('password not verified') },
  { name: 'an array holding only a hole fails', config: passwordless, session: new Array(1), expected: failed('unexpected step') },
];

describe('walkSession', () => {
  test.each(walkCases)('$name', ({ config: challengeConfig, session, expected }) => {
    expect(walkSession(session, challengeConfig)).toEqual(expected);
  });

  test('the pending code is the one recorded by the last wrong answer', () => {
    // GIVEN two wrong answers to challenge #1, the second after the first code expired and a new one was issued
    const first = metadataFor(1, '111111');
    const second = metadataFor(1, '222222');

    // WHEN
    const progress = walkSession([custom(1, false, first), custom(1, false, second)], passwordless);

    // THEN
    expect(progress).toEqual(challenge(1, 2, decodeMetadata(second)));
  });

  test('does not modify the session', () => {
    const session = [custom(1, true), custom(2, false, W2)];
    const copy = structuredClone(session);
    walkSession(session, threeChallenges);
    expect(session).toEqual(copy);
  });
});

const CHALLENGE = (challengeName: 'PASSWORD_VERIFIER' | 'CUSTOM_CHALLENGE'): DefineDecision =>
  ({ challengeName, issueTokens: false, failAuthentication: false });
const ISSUE_TOKENS: DefineDecision = { issueTokens: true, failAuthentication: false };
const FAIL: DefineDecision = { issueTokens: false, failAuthentication: true };

function expectedDecision(progress: Progress, userNotFound: boolean): DefineDecision {
  switch (progress.next) {
    case 'PASSWORD_VERIFIER':
    case 'CUSTOM_CHALLENGE':
      return CHALLENGE(progress.next);
    case 'ISSUE_TOKENS':
      return userNotFound ? FAIL : ISSUE_TOKENS;
    default:
      return FAIL;
  }
}

describe('decideNextStep', () => {
  test.each([
    { name: 'passwordless, empty session', session: [], challengeConfig: passwordless, userNotFound: false, expected: CHALLENGE('CUSTOM_CHALLENGE') },
    { name: 'password first, [SRP_A]', session: [srpA()], challengeConfig: passwordFirst, userNotFound: false, expected: CHALLENGE('PASSWORD_VERIFIER') },
    { name: 'password first, empty session', session: [], challengeConfig: passwordFirst, userNotFound: false, expected: FAIL },
    { name: 'all answers right', session: [custom(1, true)], challengeConfig: passwordless, userNotFound: false, expected: ISSUE_TOKENS },
    { name: 'all answers right, unknown user', session: [custom(1, true)], challengeConfig: passwordless, userNotFound: true, expected: FAIL },
    {
      name: 'password and all answers right, unknown user',
      session: [srpA(), passwordVerifier(), custom(1, true)],
      challengeConfig: passwordFirst,
      userNotFound: true,
      expected: FAIL,
    },
    { name: 'unknown user, empty session: same challenge as a known user', session: [], challengeConfig: passwordless, userNotFound: true, expected: CHALLENGE('CUSTOM_CHALLENGE') },
    { name: 'unknown user, [SRP_A]: same step as a known user', session: [srpA()], challengeConfig: passwordFirst, userNotFound: true, expected: CHALLENGE('PASSWORD_VERIFIER') },
    { name: 'unknown user, a wrong answer: same challenge as a known user', session: [custom(1, false)], challengeConfig: passwordless, userNotFound: true, expected: CHALLENGE('CUSTOM_CHALLENGE') },
    { name: 'unexpected step', session: [other('SMS_MFA')], challengeConfig: passwordless, userNotFound: false, expected: FAIL },
    { name: 'malformed session', session: undefined, challengeConfig: passwordless, userNotFound: false, expected: FAIL },
  ])('$name', ({ session, challengeConfig, userNotFound, expected }) => {
    expect(decideNextStep(session, userNotFound, challengeConfig)).toEqual(expected);
  });

  test.each(walkCases)('agrees with walkSession: $name', ({ config: challengeConfig, session, expected }) => {
    expect(decideNextStep(session, false, challengeConfig)).toEqual(expectedDecision(expected, false));
    expect(decideNextStep(session, true, challengeConfig)).toEqual(expectedDecision(expected, true));
  });

  test.each([
    { name: 'empty session', session: [] },
    { name: 'all answers right', session: [custom(1, true)] },
    { name: '[SRP_A]', session: [srpA()] },
    { name: 'password and all answers right', session: [srpA(), passwordVerifier(), custom(1, true)] },
    { name: 'malformed session', session: null },
  ])('fails closed when the configuration is missing: $name', ({ session }) => {
    expect(decideNextStep(session, false, undefined)).toEqual(FAIL);
    expect(decideNextStep(session, true, undefined)).toEqual(FAIL);
  });

  test('an unknown user never gets tokens, and no decision both issues tokens and fails', () => {
    const decisions = walkCases.flatMap(({ config: challengeConfig, session }) => [
      decideNextStep(session, true, challengeConfig),
      decideNextStep(session, false, challengeConfig),
      decideNextStep(session, false, undefined),
    ]);
    expect(decisions.filter((decision) => decision.issueTokens)).not.toHaveLength(0);
    for (const decision of decisions) {
      expect(decision.issueTokens && decision.failAuthentication).toBe(false);
    }
    for (const { config: challengeConfig, session } of walkCases) {
      expect(decideNextStep(session, true, challengeConfig).issueTokens).toBe(false);
    }
  });
});

/**
 * Every session of up to 5 entries over a small alphabet, against an independent model: tokens only
 * for exactly the password prefix (when required) followed by, for each challenge in order, fewer than
 * maxAttempts wrong answers and then a right one; a challenge only for a proper prefix of that.
 */
describe('every short session', () => {
  const alphabet: Record<string, Entry> = {
    S: srpA(true),
    s: srpA(false),
    P: passwordVerifier(true),
    p: passwordVerifier(false),
    1: custom(1, true),
    a: custom(1, false),
    2: custom(2, true),
    b: custom(2, false),
    M: other('SMS_MFA'),
  };
  const symbols = Object.keys(alphabet);
  const words = [''];
  for (let length = 1, last = ['']; length <= 5; length++) {
    last = last.flatMap((word) => symbols.map((symbol) => word + symbol));
    words.push(...last);
  }

  function model(challengeConfig: ChallengeConfig) {
    const wrong = ['a', 'b'];
    const right = ['1', '2'];
    const prefix = challengeConfig.passwordFirst ? 'SP' : '';
    const retries = (k: number) => `${wrong[k]}{0,${challengeConfig.maxAttempts - 1}}`;
    const done = (count: number) => Array.from({ length: count }, (_, k) => `${retries(k)}${right[k]}`).join('');
    const pending = Array.from({ length: challengeConfig.challengeCount }, (_, k) => `${done(k)}${retries(k)}`);
    return {
      tokens: new RegExp(`^${prefix}${done(challengeConfig.challengeCount)}$`),
      challenge: new RegExp(`^${prefix}(${pending.join('|')})$`),
      password: (word: string) => challengeConfig.passwordFirst && word === 'S',
    };
  }

  test.each([
    config({ challengeCount: 2, passwordFirst: false, maxAttempts: 2 }),
    config({ challengeCount: 2, passwordFirst: true, maxAttempts: 2 }),
    config({ challengeCount: 1, passwordFirst: false, maxAttempts: 3 }),
    config({ challengeCount: 1, passwordFirst: true, maxAttempts: 1 }),
  ])('match the model for %j', (challengeConfig) => {
    const { tokens: tokenWords, challenge: challengeWords, password } = model(challengeConfig);
    const seen = { ISSUE_TOKENS: 0, CUSTOM_CHALLENGE: 0, PASSWORD_VERIFIER: 0, FAIL: 0 };
    const mismatches: string[] = [];
    for (const word of words) {
      const session = Array.from(word, (symbol) => alphabet[symbol]);
      const expected = tokenWords.test(word) ? 'ISSUE_TOKENS'
        : challengeWords.test(word) ? 'CUSTOM_CHALLENGE'
          : password(word) ? 'PASSWORD_VERIFIER' : 'FAIL';
      seen[expected] += 1;
      const progress = walkSession(session, challengeConfig);
      const known = decideNextStep(session, false, challengeConfig);
      const unknown = decideNextStep(session, true, challengeConfig);
      if (progress.next !== expected
        || (known.issueTokens && known.failAuthentication)
        || unknown.issueTokens
        || known.issueTokens !== (expected === 'ISSUE_TOKENS')) {
        mismatches.push(`${word || '(empty)'}: expected ${expected}, got ${JSON.stringify({ progress, known, unknown })}`);
      }
    }
    expect(mismatches).toEqual([]);
    // The model is not vacuous: every outcome it allows occurs.
    expect(seen.ISSUE_TOKENS).toBeGreaterThan(0);
    expect(seen.CUSTOM_CHALLENGE).toBeGreaterThan(0);
    expect(seen.FAIL).toBeGreaterThan(0);
    expect(seen.PASSWORD_VERIFIER).toBe(challengeConfig.passwordFirst ? 1 : 0);
  });
});
