import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { custom, metadataFor, passwordVerifier, srpA } from './session-entries';
import { encodeMetadata, issueCode, toPrivateParameters } from '../../lambda/codes';
import { ENV } from '../../src/private/handler-contract';
import { loadBundledHandler, TriggerHandler } from '../support/bundled-handlers';
import { emailHandlerEnvironment } from '../support/handler-env';
import { LocalAws } from '../support/local-aws';

/**
 * Hostile and malformed input to each shipped handler (the bundles in assets/, loaded as Lambda
 * would). Whatever arrives, each fails closed and tells the client nothing:
 * - Define answers exactly { issueTokens: false, failAuthentication: true };
 * - Create throws an Error whose message is exactly 'Sign-in could not continue' (what Cognito
 *   relays to the client) and sends nothing;
 * - Verify answers exactly { answerCorrect: false }.
 * Their log lines go to the run's log capture, which the Jest globalTeardown checks for leaks.
 */

const ASSETS = path.join(__dirname, '..', '..', 'assets', 'lambda');
const bundle = (trigger: 'define' | 'create' | 'verify'): string => path.join(ASSETS, `${trigger}-auth-challenge.lambda`, 'index.js');

const GENERIC_ERROR = 'Sign-in could not continue';
const FAIL = { issueTokens: false, failAuthentication: true };
const WRONG = { answerCorrect: false };

const CONFIG = emailHandlerEnvironment({ challengeCount: 2, from: 'no-reply@hostile.example' });

const VERIFIED = { sub: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', email: 'victim@hostile.example', email_verified: 'true' };
const CODE = '482916';
const PARAMS = toPrivateParameters(issueCode(CODE, 1, Date.now() + 10 * 60_000));
/** A session that earns tokens with two challenges: the baseline every tampered session is measured against. */
const EARNS_TOKENS = [custom(1, true), custom(2, true)];
const ONE_MEGABYTE = 1024 * 1024;

let ses: LocalAws;
let define: TriggerHandler;
let definePasswordFirst: TriggerHandler;
let create: TriggerHandler;
let verify: TriggerHandler;

beforeAll(async () => {
  for (const trigger of ['define', 'create', 'verify'] as const) {
    if (!existsSync(bundle(trigger))) {
      throw new Error(`${bundle(trigger)} is missing: run \`npx projen bundle\` first`);
    }
  }
  ses = await LocalAws.start();
  const env = { ...ses.environment, ...CONFIG };
  // A quiet sink: every line still goes to the run's log capture, which the globalTeardown checks.
  const quiet = { info: () => undefined, error: () => undefined, warn: console.warn, log: () => undefined, debug: () => undefined };
  define = loadBundledHandler(bundle('define'), env, quiet);
  definePasswordFirst = loadBundledHandler(bundle('define'), { ...env, [ENV.passwordFirst]: 'true', [ENV.challengeCount]: '1' }, quiet);
  create = loadBundledHandler(bundle('create'), env, quiet);
  verify = loadBundledHandler(bundle('verify'), env, quiet);
});
afterAll(() => ses?.stop());
beforeEach(() => ses.reset());

const COMMON = { version: '1', region: 'us-east-1', userPoolId: 'us-east-1_HOSTILE', callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'hostileclient' } };

function defineEvent(request: unknown, triggerSource: unknown = 'DefineAuthChallenge_Authentication'): Record<string, unknown> {
  return { ...COMMON, userName: 'victim', triggerSource, request, response: {} };
}
function defineRequest(session: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { userAttributes: VERIFIED, session, userNotFound: false, ...extra };
}
function createEvent(request: unknown, triggerSource: unknown = 'CreateAuthChallenge_Authentication', userName: unknown = 'victim'): Record<string, unknown> {
  return { ...COMMON, userName, triggerSource, request, response: {} };
}
function createRequest(session: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { userAttributes: VERIFIED, challengeName: 'CUSTOM_CHALLENGE', session, userNotFound: false, ...extra };
}
function verifyEvent(request: unknown, triggerSource: unknown = 'VerifyAuthChallengeResponse_Authentication'): Record<string, unknown> {
  return { ...COMMON, userName: 'victim', triggerSource, request, response: {} };
}
function verifyRequest(privateChallengeParameters: unknown, challengeAnswer: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { userAttributes: VERIFIED, privateChallengeParameters, challengeAnswer, userNotFound: false, ...extra };
}

/** What the handler did: the response it answered with, or the error it threw (as Lambda reports it to Cognito). */
type Outcome = { readonly response: unknown } | { readonly error: { readonly name: string; readonly message: string; readonly ownKeys: string[] } };

async function outcomeOf(handler: TriggerHandler, event: unknown): Promise<Outcome> {
  try {
    const result = await handler(event);
    return { response: result?.response };
  } catch (error) {
    const { name, message } = error as Error;
    return { error: { name, message, ownKeys: Object.keys(error as object) } };
  }
}

/** Create's only acceptable failure: a plain Error with exactly the generic message, nothing attached, nothing sent. */
const GENERIC_FAILURE: Outcome = { error: { name: 'Error', message: GENERIC_ERROR, ownKeys: [] } };

/** An entry as JSON.parse makes it from hostile JSON: an own "__proto__" key holding a valid-looking entry. */
const protoEntry = (challengeNumber: number): unknown =>
  JSON.parse(`{"__proto__": ${JSON.stringify(custom(challengeNumber, true))}, "challengeName": "x"}`);

/** Sessions that must never earn tokens or a challenge, as Define and Create receive them. */
const HOSTILE_SESSIONS: Array<[string, unknown]> = [
  ['session as an object', { 0: custom(1, true), 1: custom(2, true) }],
  ['session as an array-like object', { 0: custom(1, true), 1: custom(2, true), length: 2 }],
  ['session as a string', 'CUSTOM_CHALLENGE'],
  ['session as the JSON of a winning session', JSON.stringify(EARNS_TOKENS)],
  ['session null', null],
  ['session as a number', 2],
  ['session as true', true],
  ['entries as numbers', [1, 2]],
  ['entries as strings', ['CUSTOM_CHALLENGE', 'CUSTOM_CHALLENGE']],
  ['entries null', [null, null]],
  ['entries nested in arrays', [[custom(1, true)], [custom(2, true)]]],
  ['challengeResult "true"', [custom(1, 'true'), custom(2, 'true')]],
  ['challengeResult 1', [custom(1, 1), custom(2, 1)]],
  ['challengeResult as a Boolean object', [custom(1, new Boolean(true)), custom(2, new Boolean(true))]],
  ['challengeName lower case', EARNS_TOKENS.map((entry) => ({ ...entry, challengeName: 'custom_challenge' }))],
  ['challengeName with a trailing space', EARNS_TOKENS.map((entry) => ({ ...entry, challengeName: 'CUSTOM_CHALLENGE ' }))],
  ['challengeName in an array', EARNS_TOKENS.map((entry) => ({ ...entry, challengeName: ['CUSTOM_CHALLENGE'] }))],
  ['entries with a "__proto__" key (hostile JSON)', [protoEntry(1), protoEntry(2)]],
  ['metadata of challenge 2 at position 1', [custom(1, true, metadataFor(2)), custom(2, true)]],
  ['the same metadata twice (a replayed answer)', [custom(1, true, metadataFor(1)), custom(2, true, metadataFor(1))]],
  ['metadata with a leading space', [custom(1, true, ` ${metadataFor(1)}`), custom(2, true)]],
  ['metadata in upper case', [custom(1, true, metadataFor(1).toUpperCase()), custom(2, true)]],
  ['metadata cut short', [custom(1, true, metadataFor(1).slice(0, -1)), custom(2, true)]],
  ['metadata with a 1 MB tail', [custom(1, true, `${metadataFor(1)}${'0'.repeat(ONE_MEGABYTE)}`), custom(2, true)]],
  ['metadata as an object', [custom(1, true, { challengeNumber: 1 }), custom(2, true)]],
  ['metadata as a number', [custom(1, true, 1), custom(2, true)]],
  ['metadata missing', [{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: true }, custom(2, true)]],
  ['a 1 MB challengeName', [{ ...custom(1, true), challengeName: 'C'.repeat(ONE_MEGABYTE) }, custom(2, true)]],
  ['100,000 right answers', Array.from({ length: 100_000 }, (_, i) => EARNS_TOKENS[i % 2])],
  ['a million empty slots', new Array(1_000_000)],
  ['SMS_MFA then the answers', [{ challengeName: 'SMS_MFA', challengeResult: true, challengeMetadata: '' }, ...EARNS_TOKENS]],
  ['a password prefix in passwordless mode', [srpA(), passwordVerifier(), ...EARNS_TOKENS]],
];

const WRONG_TRIGGER_SOURCES: Array<[string, unknown]> = [
  ['another trigger', 'PreSignUp_SignUp'],
  ['empty', ''],
  ['null', null],
  ['a number', 42],
  ['an object', { toString: () => 'DefineAuthChallenge_Authentication' }],
  ['an array', ['DefineAuthChallenge_Authentication']],
  ['lower case', 'defineauthchallenge_authentication'],
  ['with a trailing space', 'DefineAuthChallenge_Authentication '],
  ['with a NUL', 'DefineAuthChallenge_Authentication\u0000'],
];

describe('Define (bundled) fails closed on hostile input', () => {
  test('the baseline earns tokens (so each case below fails because of what was changed)', async () => {
    const tokens = { issueTokens: true, failAuthentication: false };
    expect(await outcomeOf(define, defineEvent(defineRequest(EARNS_TOKENS)))).toStrictEqual({ response: tokens });
  });

  test.each(HOSTILE_SESSIONS)('%s', async (_name, session) => {
    expect(await outcomeOf(define, defineEvent(defineRequest(session)))).toStrictEqual({ response: FAIL });
  });

  test.each(WRONG_TRIGGER_SOURCES)('triggerSource %s, with a session that earns tokens', async (_name, triggerSource) => {
    expect(await outcomeOf(define, defineEvent(defineRequest(EARNS_TOKENS), triggerSource))).toStrictEqual({ response: FAIL });
  });

  test.each<[string, Record<string, unknown>]>([
    ['an empty event', {}],
    ['request missing', { ...COMMON, triggerSource: 'DefineAuthChallenge_Authentication', response: {} }],
    ['request null', defineEvent(null)],
    ['request a string', defineEvent('session')],
    ['request an array', defineEvent([EARNS_TOKENS])],
    ['session missing', defineEvent({ userAttributes: VERIFIED, userNotFound: false })],
    ['an unknown user with a winning session', defineEvent(defineRequest(EARNS_TOKENS, { userNotFound: true }))],
    ['clientMetadata claiming success, after one right answer', defineEvent(defineRequest([custom(1, true), custom(1, true)], {
      clientMetadata: { issueTokens: 'true', challengeNumber: '3', userNotFound: 'false' },
    }))],
  ])('%s', async (_name, event) => {
    expect(await outcomeOf(define, event)).toStrictEqual({ response: FAIL });
  });

  test.each<[string, unknown]>([
    ['no session (password step missing)', []],
    ['the answers without the password', [custom(1, true)]],
    ['SRP_A then the answer (password skipped)', [srpA(), custom(1, true)]],
    ['a PASSWORD_VERIFIER result of "true"', [srpA(), passwordVerifier('true'), custom(1, true)]],
    ['the password steps swapped', [passwordVerifier(), srpA(), custom(1, true)]],
    ['ADMIN_NO_SRP_AUTH in place of SRP_A', [{ challengeName: 'ADMIN_NO_SRP_AUTH', challengeResult: true, challengeMetadata: '' }, passwordVerifier(), custom(1, true)]],
    ['DEVICE_PASSWORD_VERIFIER in place of PASSWORD_VERIFIER', [srpA(), { challengeName: 'DEVICE_PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: '' }, custom(1, true)]],
  ])('password first: %s', async (_name, session) => {
    expect(await outcomeOf(definePasswordFirst, defineEvent(defineRequest(session)))).toStrictEqual({ response: FAIL });
  });
});

describe('Create (bundled) fails closed on hostile input: the generic error, nothing sent', () => {
  test('the baseline issues a challenge and sends one email', async () => {
    const outcome = await outcomeOf(create, createEvent(createRequest([])));
    expect(outcome).toMatchObject({ response: { publicChallengeParameters: { challengeNumber: '1' } } });
    expect(ses.received).toHaveLength(1);
  });

  test.each([
    ...HOSTILE_SESSIONS.filter(([name]) => name !== 'a million empty slots'),
    ['no challenge due (all answered)', EARNS_TOKENS] as [string, unknown],
    ['attempts exhausted', [custom(1, false), custom(1, false), custom(1, false)]] as [string, unknown],
  ])('%s', async (_name, session) => {
    expect(await outcomeOf(create, createEvent(createRequest(session)))).toStrictEqual(GENERIC_FAILURE);
    expect(ses.received).toHaveLength(0);
  });

  test.each(WRONG_TRIGGER_SOURCES)('triggerSource %s', async (_name, triggerSource) => {
    expect(await outcomeOf(create, createEvent(createRequest([]), triggerSource))).toStrictEqual(GENERIC_FAILURE);
    expect(ses.received).toHaveLength(0);
  });

  test.each<[string, unknown]>([
    ['PASSWORD_VERIFIER', 'PASSWORD_VERIFIER'],
    ['lower case', 'custom_challenge'],
    ['with a trailing space', 'CUSTOM_CHALLENGE '],
    ['null', null],
    ['a number', 1],
    ['an array', ['CUSTOM_CHALLENGE']],
    ['1 MB', 'C'.repeat(ONE_MEGABYTE)],
  ])('challengeName %s', async (_name, challengeName) => {
    expect(await outcomeOf(create, createEvent(createRequest([], { challengeName })))).toStrictEqual(GENERIC_FAILURE);
    expect(ses.received).toHaveLength(0);
  });

  test.each<[string, Record<string, unknown>]>([
    ['an empty event', {}],
    ['request missing', { ...COMMON, userName: 'victim', triggerSource: 'CreateAuthChallenge_Authentication', response: {} }],
    ['request null', createEvent(null)],
    ['request a string', createEvent('CUSTOM_CHALLENGE')],
    ['session missing', createEvent({ userAttributes: VERIFIED, challengeName: 'CUSTOM_CHALLENGE', userNotFound: false })],
  ])('%s', async (_name, event) => {
    expect(await outcomeOf(create, event)).toStrictEqual(GENERIC_FAILURE);
    expect(ses.received).toHaveLength(0);
  });

  test('an expired code whose metadata was tampered into the future is not reused when malformed', async () => {
    // Metadata lives in Cognito's server-side session; anything not in Create's exact format is refused.
    const tampered = encodeMetadata(issueCode(CODE, 1, Date.now() - 1)).replace(/-(\d{13})-/, '-99999999999999-');
    expect(await outcomeOf(create, createEvent(createRequest([custom(1, false, tampered)])))).toStrictEqual(GENERIC_FAILURE);
    expect(ses.received).toHaveLength(0);
  });
});

describe('Create (bundled) with hostile but well-typed client input: the usual challenge, no detail', () => {
  const FORMATS: Record<string, RegExp> = {
    deliveryMedium: /^EMAIL$/,
    destination: /^[^@*\s]\*\*\*@[^@*.\s]\*\*\*$/u,
    challengeNumber: /^1$/,
    challengeCount: /^2$/,
    attemptsRemaining: /^3$/,
    codeLength: /^6$/,
  };

  test.each<[string, string]>([
    ['a 1 MB username', 'u'.repeat(ONE_MEGABYTE)],
    ['a non-ASCII address', 'Zoë.Ünïcödé@例え.jp'],
    ['an emoji username', '😀😀😀'],
    ['a right-to-left override and zero-width characters', '\u202egnp.exe\u200b@evil.example'],
    ['markup', '<script>alert(1)</script>@evil.example'],
    ['a NUL and newlines', 'a\u0000b\r\nc@evil.example'],
    ['only an @', '@'],
  ])('an unknown user named with %s', async (_name, userName) => {
    const outcome = await outcomeOf(create, createEvent(createRequest([], { userAttributes: {}, userNotFound: true }), undefined, userName));
    expect('response' in outcome).toBe(true);
    const { publicChallengeParameters } = (outcome as { response: any }).response;
    expect(Object.keys(publicChallengeParameters).sort()).toEqual(Object.keys(FORMATS).sort());
    for (const [key, format] of Object.entries(FORMATS)) {
      expect(publicChallengeParameters[key]).toMatch(format);
    }
    expect(publicChallengeParameters.destination).not.toContain(userName.slice(1, 8) || '@@');
    expect(ses.received).toHaveLength(0);
  });

  test('clientMetadata claiming another challenge, more attempts or another address changes nothing', async () => {
    const clientMetadata = { challengeNumber: '2', attemptsRemaining: '99', email: 'attacker@evil.example', userNotFound: 'false', codeLength: '1' };
    const outcome = await outcomeOf(create, createEvent(createRequest([], { clientMetadata })));
    expect(outcome).toMatchObject({
      response: {
        publicChallengeParameters: { challengeNumber: '1', attemptsRemaining: '3', codeLength: '6', destination: 'v***@h***' },
        privateChallengeParameters: { codeLength: '6' },
      },
    });
    expect(ses.received.map((email: { to: string[] }) => email.to)).toEqual([[VERIFIED.email]]);
  });
});

describe('Verify (bundled) fails closed on hostile input', () => {
  test('the baseline accepts the right code', async () => {
    expect(await outcomeOf(verify, verifyEvent(verifyRequest(PARAMS, CODE)))).toStrictEqual({ response: { answerCorrect: true } });
  });

  test.each<[string, unknown]>([
    ['1 MB of digits', '4'.repeat(ONE_MEGABYTE)],
    ['the code followed by 1 MB of digits', CODE + '0'.repeat(ONE_MEGABYTE)],
    ['1 MB of non-ASCII', 'é'.repeat(ONE_MEGABYTE)],
    ['Arabic-Indic digits', '٤٨٢٩١٦'],
    ['full-width digits', '４８２９１６'],
    ['a zero-width joiner inside', `${CODE.slice(0, 3)}\u200d${CODE.slice(3)}`],
    ['a trailing newline', `${CODE}\n`],
    ['a NUL inside', `${CODE.slice(0, 5)}\u0000`],
    ['a leading plus', `+${CODE.slice(1)}`],
    ['a number', Number(CODE)],
    ['true', true],
    ['"true"', 'true'],
    ['an object that stringifies to the code', { toString: () => CODE }],
    ['an array holding the code', [CODE]],
    ['null', null],
    ['missing', undefined],
  ])('answer: %s', async (_name, answer) => {
    expect(await outcomeOf(verify, verifyEvent(verifyRequest(PARAMS, answer)))).toStrictEqual({ response: WRONG });
  });

  test.each<[string, unknown]>([
    ['null', null],
    ['a string (their JSON)', JSON.stringify(PARAMS)],
    ['an array', [PARAMS]],
    ['numbers instead of strings', { ...PARAMS, codeLength: 6, expiresAt: Number(PARAMS.expiresAt) }],
    ['upper-case hex', { ...PARAMS, salt: PARAMS.salt.toUpperCase(), digest: PARAMS.digest.toUpperCase() }],
    ['salt and digest swapped', { ...PARAMS, salt: PARAMS.digest.slice(0, 32), digest: PARAMS.salt.repeat(2) }],
    ['another salt', { ...PARAMS, salt: '0'.repeat(32) }],
    ['a 14-digit expiry', { ...PARAMS, expiresAt: `9${PARAMS.expiresAt}` }],
    ['a zero expiry', { ...PARAMS, expiresAt: '0000000000000' }],
    ['codeLength 0 (with an empty answer below)', { ...PARAMS, codeLength: '0' }],
    ['codeLength 99', { ...PARAMS, codeLength: '99' }],
    ['a plain-text code added', { ...PARAMS, code: CODE, digest: 'f'.repeat(64) }],
    ['1 MB salt', { ...PARAMS, salt: 'a'.repeat(ONE_MEGABYTE) }],
  ])('private parameters: %s', async (name, privateChallengeParameters) => {
    const answer = name.startsWith('codeLength 0') ? '' : CODE;
    expect(await outcomeOf(verify, verifyEvent(verifyRequest(privateChallengeParameters, answer)))).toStrictEqual({ response: WRONG });
  });

  test.each(WRONG_TRIGGER_SOURCES)('triggerSource %s, with the right code', async (_name, triggerSource) => {
    expect(await outcomeOf(verify, verifyEvent(verifyRequest(PARAMS, CODE), triggerSource))).toStrictEqual({ response: WRONG });
  });

  test.each<[string, Record<string, unknown>]>([
    ['an empty event', {}],
    ['request missing', { ...COMMON, triggerSource: 'VerifyAuthChallengeResponse_Authentication', response: {} }],
    ['request null', verifyEvent(null)],
    ['request a string', verifyEvent(CODE)],
    ['an unknown user with the right code', verifyEvent(verifyRequest(PARAMS, CODE, { userNotFound: true }))],
    ['clientMetadata claiming the answer is right', verifyEvent(verifyRequest(PARAMS, '000000', { clientMetadata: { answerCorrect: 'true' } }))],
  ])('%s', async (_name, event) => {
    expect(await outcomeOf(verify, event)).toStrictEqual({ response: WRONG });
  });
});

/**
 * A null, undefined, string or number event (never sent by Cognito): each handler answers its
 * fail-closed response or the generic error, never a TypeError whose message would reach the client.
 */
describe('a non-object event', () => {
  const NON_OBJECT_EVENTS: Array<[string, unknown]> = [['null', null], ['undefined', undefined], ['a string', 'event'], ['a number', 42]];
  const handlers = (): Array<[string, TriggerHandler, Outcome]> => [
    ['Define', define, { response: FAIL }],
    ['Create', create, GENERIC_FAILURE],
    ['Verify', verify, { response: WRONG }],
  ];

  test.each(NON_OBJECT_EVENTS)('every handler fails closed on a %s event, and nothing is sent', async (_name, event) => {
    for (const [, handler, failClosedAnswer] of handlers()) {
      expect(await outcomeOf(handler, event)).toStrictEqual(failClosedAnswer);
    }
    expect(ses.received).toHaveLength(0);
  });
});

/**
 * A non-string username or address (never sent by Cognito) is treated as absent: no TypeError
 * reaches the client.
 */
describe('Create with a non-string username or address', () => {
  const CASES: Array<[string, Record<string, unknown>]> = [
    ['a numeric username (unknown user)', createEvent(createRequest([], { userAttributes: {}, userNotFound: true }), undefined, 42)],
    ['a numeric verified address', createEvent(createRequest([], { userAttributes: { ...VERIFIED, email: 42 } }))],
  ];

  test.each(CASES)('%s: no TypeError reaches the client', async (_name, event) => {
    const outcome = await outcomeOf(create, event);
    expect(JSON.stringify(outcome)).not.toMatch(/TypeError|is not a function/);
  });
});
