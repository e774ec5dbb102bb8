import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { inspect } from 'node:util';
import { custom, metadataFor, other, passwordVerifier, srpA } from './session-entries';
import { decodeMetadata, encodeMetadata, issueCode, toPrivateParameters } from '../../lambda/codes';
import { CODE_PLACEHOLDER, ENV } from '../../src/private/handler-contract';
import { loadBundledHandler, LogSink, TriggerHandler } from '../support/bundled-handlers';
import { LocalSes } from '../support/local-ses';

/**
 * The shipped handlers (assets/lambda/<trigger>.lambda/index.js, built by `npx projen bundle`), each
 * loaded with its own environment as Lambda would, sending real SESv2 requests to a local endpoint.
 */
const ASSETS = path.join(__dirname, '..', '..', 'assets', 'lambda');
const bundle = (trigger: 'define' | 'create' | 'verify'): string => path.join(ASSETS, `${trigger}-auth-challenge.lambda`, 'index.js');

/** What Create throws, and so what Cognito shows the client, whatever went wrong. */
const GENERIC_ERROR = 'Sign-in could not continue';

const PUBLIC_KEYS = ['attemptsRemaining', 'challengeCount', 'challengeNumber', 'codeLength', 'deliveryMedium', 'destination'];
const PRIVATE_KEYS = ['codeLength', 'digest', 'expiresAt', 'salt'];
const LOG_FIELDS = ['trigger', 'outcome', 'challengeNumber', 'wrongAnswers', 'reason'];

const SENDER = 'no-reply@sender.example';
const CONFIG: Record<string, string> = {
  [ENV.challengeCount]: '2',
  [ENV.passwordFirst]: 'false',
  [ENV.maxAttempts]: '3',
  [ENV.codeLength]: '6',
  [ENV.codeValiditySeconds]: '300',
  [ENV.emailFrom]: SENDER,
  [ENV.emailSubject]: 'Your sign-in code',
  [ENV.emailBody]: `Your sign-in code is ${CODE_PLACEHOLDER}. It expires in five minutes.`,
};

interface User {
  readonly userName: string;
  readonly userAttributes: Record<string, string>;
  readonly userNotFound: boolean;
}

const VERIFIED: User = {
  userName: 'jane',
  userAttributes: { sub: '4c5b2e6a-1f3d-4a7b-9c8e-0d1f2a3b4c5d', email: 'jane.doe@example.com', email_verified: 'true' },
  userNotFound: false,
};
const UNVERIFIED: User = {
  userName: 'sam',
  userAttributes: { sub: '9a8b7c6d-1f3d-4a7b-9c8e-0d1f2a3b4c5d', email: 'sam.smith@example.org', email_verified: 'false' },
  userNotFound: false,
};
const UNKNOWN: User = { userName: 'nobody', userAttributes: {}, userNotFound: true };
const UNKNOWN_BY_EMAIL: User = { userName: 'ghost@example.net', userAttributes: {}, userNotFound: true };

/** Every line any loaded handler wrote, checked at the end of this file. */
const logged: string[] = [];
/** Everything that must never reach a log line: codes, answers, addresses, salts, digests, metadata. */
const secrets = new Set<string>([SENDER, VERIFIED.userAttributes.email, UNVERIFIED.userAttributes.email, UNKNOWN_BY_EMAIL.userName]);

function remember(...values: unknown[]): void {
  for (const value of values) {
    if (typeof value === 'string' && value.length >= 6 && value.length <= 200) {
      secrets.add(value);
    }
  }
}

function rememberParameters(response: any): void {
  remember(response?.challengeMetadata, ...Object.values(response?.privateChallengeParameters ?? {}));
}

/** A console for a loaded handler: every line goes to `logged`, and to `into` when given. */
function sink(into?: string[]): LogSink {
  const write = (...args: unknown[]): void => {
    const line = args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' ');
    logged.push(line);
    into?.push(line);
  };
  return { info: write, error: write, warn: write, log: write, debug: write };
}

const AWS_VARIABLES = ['AWS_ENDPOINT_URL_SESV2', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

/** The handler's environment: the Lambda runtime's AWS_* variables (pointing at LocalSes) and the construct's. */
function handlerEnv(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    ...Object.fromEntries(AWS_VARIABLES.map((name) => [name, process.env[name]])),
    // The tests may run on a Node version the bundled SDK warns about (through the real process, not the sink).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...CONFIG,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function load(trigger: 'define' | 'create' | 'verify', overrides: Record<string, string | undefined> = {}, into?: string[]): TriggerHandler {
  return loadBundledHandler(bundle(trigger), handlerEnv(overrides), sink(into));
}

const COMMON = {
  version: '1',
  region: 'us-east-1',
  userPoolId: 'us-east-1_TEST',
  callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'testclient' },
};

interface EventOptions {
  readonly user?: User;
  readonly triggerSource?: string;
}

function defineEvent(session: unknown, { user = VERIFIED, ...options }: EventOptions = {}) {
  return {
    ...COMMON,
    userName: user.userName,
    triggerSource: 'triggerSource' in options ? options.triggerSource : 'DefineAuthChallenge_Authentication',
    request: { userAttributes: user.userAttributes, session, userNotFound: user.userNotFound },
    response: { challengeName: '', issueTokens: false, failAuthentication: false },
  };
}

function createEvent(session: unknown, { user = VERIFIED, ...options }: EventOptions & { challengeName?: string } = {}) {
  return {
    ...COMMON,
    userName: user.userName,
    triggerSource: 'triggerSource' in options ? options.triggerSource : 'CreateAuthChallenge_Authentication',
    request: {
      userAttributes: user.userAttributes,
      challengeName: options.challengeName ?? 'CUSTOM_CHALLENGE',
      session,
      userNotFound: user.userNotFound,
    },
    response: { publicChallengeParameters: {}, privateChallengeParameters: {}, challengeMetadata: '' },
  };
}

function verifyEvent(privateChallengeParameters: unknown, challengeAnswer: unknown, { user = VERIFIED, ...options }: EventOptions = {}) {
  remember(challengeAnswer);
  return {
    ...COMMON,
    userName: user.userName,
    triggerSource: 'triggerSource' in options ? options.triggerSource : 'VerifyAuthChallengeResponse_Authentication',
    request: { userAttributes: user.userAttributes, privateChallengeParameters, challengeAnswer, userNotFound: user.userNotFound },
    response: { answerCorrect: false },
  };
}

/** Whether `code` appears as a number of its own (not inside a longer run of digits). */
function holdsInClear(value: unknown, code: string): boolean {
  return new RegExp(`(?<![0-9])${code}(?![0-9])`).test(typeof value === 'string' ? value : JSON.stringify(value));
}

const CHALLENGE = (challengeName: string) => ({ challengeName, issueTokens: false, failAuthentication: false });
const TOKENS = { issueTokens: true, failAuthentication: false };
const FAIL = { issueTokens: false, failAuthentication: true };

let ses: LocalSes;
let savedEnv: NodeJS.ProcessEnv;
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
  savedEnv = { ...process.env };
  ses = await LocalSes.start();
  define = load('define');
  definePasswordFirst = load('define', { [ENV.passwordFirst]: 'true', [ENV.challengeCount]: '1' });
  create = load('create');
  verify = load('verify');
});

beforeEach(() => {
  ses.reset();
});

afterAll(async () => {
  await ses?.stop();
  for (const name of AWS_VARIABLES) {
    if (savedEnv[name] === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = savedEnv[name];
    }
  }
});

/** Calls Create and times it. */
async function createFor(session: unknown, options: EventOptions = {}, handler: TriggerHandler = create) {
  const started = performance.now();
  const result = await handler(createEvent(session, options));
  const elapsed = performance.now() - started;
  rememberParameters(result.response);
  return { response: result.response, elapsed };
}

/** The first challenge for the verified user: Create's answer and the code it emailed. */
async function firstChallenge() {
  const { response } = await createFor([]);
  const code = ses.lastCodeSentTo(VERIFIED.userAttributes.email);
  remember(code);
  return { response, code };
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the handler to throw');
}

describe('Define (bundled)', () => {
  test.each([
    { name: 'empty session', session: [], user: VERIFIED, expected: CHALLENGE('CUSTOM_CHALLENGE') },
    { name: '#1 right', session: [custom(1, true)], user: VERIFIED, expected: CHALLENGE('CUSTOM_CHALLENGE') },
    { name: '#1 wrong', session: [custom(1, false)], user: VERIFIED, expected: CHALLENGE('CUSTOM_CHALLENGE') },
    { name: '#1 wrong twice', session: [custom(1, false), custom(1, false)], user: VERIFIED, expected: CHALLENGE('CUSTOM_CHALLENGE') },
    { name: '#1 wrong three times (max attempts)', session: [custom(1, false), custom(1, false), custom(1, false)], user: VERIFIED, expected: FAIL },
    { name: '#1 and #2 right', session: [custom(1, true), custom(2, true)], user: VERIFIED, expected: TOKENS },
    { name: '#1 wrong, then #1 and #2 right', session: [custom(1, false), custom(1, true), custom(2, true)], user: VERIFIED, expected: TOKENS },
    { name: '#1 and #2 right, unknown user', session: [custom(1, true), custom(2, true)], user: UNKNOWN, expected: FAIL },
    { name: 'empty session, unknown user', session: [], user: UNKNOWN, expected: CHALLENGE('CUSTOM_CHALLENGE') },
    { name: 'an extra answer after #2', session: [custom(1, true), custom(2, true), custom(2, true)], user: VERIFIED, expected: FAIL },
    { name: '#2 metadata in place of #1', session: [custom(1, true, metadataFor(2)), custom(2, true)], user: VERIFIED, expected: FAIL },
    { name: 'garbage metadata', session: [custom(1, true, 'CODE-1'), custom(2, true)], user: VERIFIED, expected: FAIL },
    { name: 'a password prefix', session: [srpA()], user: VERIFIED, expected: FAIL },
    { name: 'SMS_MFA', session: [other('SMS_MFA')], user: VERIFIED, expected: FAIL },
    { name: 'a string challengeResult', session: [custom(1, 'true'), custom(2, true)], user: VERIFIED, expected: FAIL },
    { name: 'a null session', session: null, user: VERIFIED, expected: FAIL },
    { name: 'a null entry', session: [null], user: VERIFIED, expected: FAIL },
  ])('passwordless, 2 challenges: $name', async ({ session, user, expected }) => {
    const result = await define(defineEvent(session, { user }));
    expect(result.response).toEqual(expected);
  });

  test.each([
    { name: 'empty session', session: [], user: VERIFIED, expected: FAIL },
    { name: '[SRP_A]', session: [srpA()], user: VERIFIED, expected: CHALLENGE('PASSWORD_VERIFIER') },
    { name: '[SRP_A], unknown user', session: [srpA()], user: UNKNOWN, expected: CHALLENGE('PASSWORD_VERIFIER') },
    { name: '[SRP_A:false]', session: [srpA(false)], user: VERIFIED, expected: FAIL },
    { name: '[PASSWORD_VERIFIER] first', session: [passwordVerifier()], user: VERIFIED, expected: FAIL },
    { name: '[SRP_A, PASSWORD_VERIFIER:false]', session: [srpA(), passwordVerifier(false)], user: VERIFIED, expected: FAIL },
    { name: '[SRP_A, PASSWORD_VERIFIER]', session: [srpA(), passwordVerifier()], user: VERIFIED, expected: CHALLENGE('CUSTOM_CHALLENGE') },
    { name: '[SRP_A, PASSWORD_VERIFIER, #1 right]', session: [srpA(), passwordVerifier(), custom(1, true)], user: VERIFIED, expected: TOKENS },
    { name: '[SRP_A, PASSWORD_VERIFIER, #1 right], unknown user', session: [srpA(), passwordVerifier(), custom(1, true)], user: UNKNOWN, expected: FAIL },
    { name: '[#1 right] without the password', session: [custom(1, true)], user: VERIFIED, expected: FAIL },
    { name: '[SRP_A, #1 right] without the password', session: [srpA(), custom(1, true)], user: VERIFIED, expected: FAIL },
    { name: 'DEVICE_SRP_AUTH after the password', session: [srpA(), passwordVerifier(), other('DEVICE_SRP_AUTH')], user: VERIFIED, expected: FAIL },
    { name: 'ADMIN_NO_SRP_AUTH in place of SRP_A', session: [other('ADMIN_NO_SRP_AUTH'), passwordVerifier(), custom(1, true)], user: VERIFIED, expected: FAIL },
  ])('password first, 1 challenge: $name', async ({ session, user, expected }) => {
    const result = await definePasswordFirst(defineEvent(session, { user }));
    expect(result.response).toEqual(expected);
  });
});

describe('every handler fails closed on an unexpected trigger source', () => {
  const wrongSources: Array<[string, string | undefined]> = [
    ['another trigger', 'PreSignUp_SignUp'],
    ['empty', ''],
    ['missing', undefined],
    ['a lower-case name', 'defineauthchallenge_authentication'],
  ];

  test.each(wrongSources)('Define, %s: fails, even for a session that earns tokens', async (_name, triggerSource) => {
    const session = [custom(1, true), custom(2, true)];
    expect((await define(defineEvent(session))).response).toEqual(TOKENS);
    expect((await define(defineEvent(session, { triggerSource }))).response).toEqual(FAIL);
    expect((await define(defineEvent(session, { triggerSource: 'CreateAuthChallenge_Authentication' }))).response).toEqual(FAIL);
  });

  test.each(wrongSources)('Create, %s: throws the generic error and sends nothing', async (_name, triggerSource) => {
    const error = await rejection(create(createEvent([], { triggerSource })));
    expect(error.message).toBe(GENERIC_ERROR);
    const asDefine = await rejection(create(createEvent([], { triggerSource: 'DefineAuthChallenge_Authentication' })));
    expect(asDefine.message).toBe(GENERIC_ERROR);
    expect(ses.received).toHaveLength(0);
  });

  test.each(wrongSources)('Verify, %s: false, even for the right code', async (_name, triggerSource) => {
    const params = toPrivateParameters(issueCode('314159', 1, Date.now() + 60_000));
    expect((await verify(verifyEvent(params, '314159'))).response).toEqual({ answerCorrect: true });
    expect((await verify(verifyEvent(params, '314159', { triggerSource }))).response).toEqual({ answerCorrect: false });
    expect((await verify(verifyEvent(params, '314159', { triggerSource: 'DefineAuthChallenge_Authentication' }))).response)
      .toEqual({ answerCorrect: false });
  });

  test.each(['PASSWORD_VERIFIER', 'SMS_MFA', '', 'custom_challenge'])('Create for challengeName %p: throws the generic error', async (challengeName) => {
    const error = await rejection(create(createEvent([], { challengeName })));
    expect(error.message).toBe(GENERIC_ERROR);
    expect(ses.received).toHaveLength(0);
  });

  test.each([
    { name: 'no challenge due (all answered)', session: [custom(1, true), custom(2, true)] },
    { name: 'attempts exhausted', session: [custom(1, false), custom(1, false), custom(1, false)] },
    { name: 'a password prefix in passwordless mode', session: [srpA(), passwordVerifier()] },
    { name: 'a malformed session', session: 'CUSTOM_CHALLENGE' },
  ])('Create for a session with $name: throws the generic error and sends nothing', async ({ session }) => {
    const error = await rejection(create(createEvent(session)));
    expect(error.message).toBe(GENERIC_ERROR);
    expect(ses.received).toHaveLength(0);
  });
});

describe('a misconfigured handler fails closed', () => {
  test.each([
    { name: ENV.challengeCount, value: 'abc', define: true },
    { name: ENV.maxAttempts, value: '99999', define: true },
    { name: ENV.passwordFirst, value: 'yes', define: true },
    { name: ENV.challengeCount, value: undefined, define: true },
    { name: ENV.codeLength, value: '12345', define: false },
    { name: ENV.codeValiditySeconds, value: 'forever', define: false },
    { name: ENV.emailBody, value: 'Template without its placeholder', define: false },
    { name: ENV.emailFrom, value: undefined, define: false },
  ])('$name=$value', async ({ name, value, define: breaksDefine }) => {
    // GIVEN handlers loaded ("cold start") with the broken variable
    const defineLines: string[] = [];
    const createLines: string[] = [];
    const brokenDefine = load('define', { [name]: value }, defineLines);
    const brokenCreate = load('create', { [name]: value }, createLines);
    const brokenVerify = load('verify', { [name]: value });
    const allRight = [custom(1, true), custom(2, true)];

    // THEN the cold start logged one error naming the variable, not its value
    expect(createLines).toHaveLength(1);
    const createError = JSON.parse(createLines[0]);
    expect(createError).toMatchObject({ trigger: 'create', outcome: 'misconfigured' });
    expect(createError.reason).toMatch(new RegExp(`^${name} `));
    if (value !== undefined) {
      expect(createLines[0]).not.toContain(value);
    }
    if (breaksDefine) {
      expect(defineLines).toHaveLength(1);
      expect(JSON.parse(defineLines[0])).toEqual({ ...createError, trigger: 'define' });
    } else {
      expect(defineLines).toHaveLength(0);
    }

    // WHEN each trigger is invoked, THEN Define fails authentication (it needs only the challenge
    // variables), Create throws the generic error without sending anything
    expect((await brokenDefine(defineEvent(allRight))).response).toEqual(breaksDefine ? FAIL : TOKENS);
    expect((await brokenDefine(defineEvent([]))).response).toEqual(breaksDefine ? FAIL : CHALLENGE('CUSTOM_CHALLENGE'));
    const error = await rejection(brokenCreate(createEvent([])));
    expect(error.message).toBe(GENERIC_ERROR);
    expect(createLines).toHaveLength(2);
    expect(JSON.parse(createLines[1])).toEqual({ trigger: 'create', outcome: 'fail', reason: 'misconfigured' });
    expect(ses.received).toHaveLength(0);

    // AND Verify, which reads no configuration, still works
    const params = toPrivateParameters(issueCode('271828', 1, Date.now() + 60_000));
    expect((await brokenVerify(verifyEvent(params, '271828'))).response).toEqual({ answerCorrect: true });
  });
});

describe('Create (bundled)', () => {
  test('sends exactly one email with the code to the verified address', async () => {
    const before = Date.now();
    const { response, code } = await firstChallenge();
    const after = Date.now();

    // THEN one message, to the verified address, with the code in the body
    expect(ses.received).toHaveLength(1);
    const [email] = ses.received;
    expect(email.to).toEqual([VERIFIED.userAttributes.email]);
    expect(email.from).toBe(SENDER);
    expect(email.subject).toBe('Your sign-in code');
    expect(email.body).toBe(`Your sign-in code is ${code}. It expires in five minutes.`);
    expect(code).toMatch(/^[0-9]{6}$/);

    // AND the public parameters: these keys, these values, and no code
    expect(Object.keys(response.publicChallengeParameters).sort()).toEqual(PUBLIC_KEYS);
    expect(response.publicChallengeParameters).toEqual({
      deliveryMedium: 'EMAIL',
      destination: 'j***@e***.com',
      challengeNumber: '1',
      challengeCount: '2',
      attemptsRemaining: '3',
      codeLength: '6',
    });
    expect(JSON.stringify(response.publicChallengeParameters)).not.toContain(code);

    // AND the private parameters and metadata hold a salted digest, not the code
    const params = response.privateChallengeParameters;
    expect(Object.keys(params).sort()).toEqual(PRIVATE_KEYS);
    expect(params).toMatchObject({ codeLength: '6', salt: expect.stringMatching(/^[0-9a-f]{32}$/), digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(Number(params.expiresAt)).toBeGreaterThanOrEqual(before + 300_000);
    expect(Number(params.expiresAt)).toBeLessThanOrEqual(after + 300_000);
    for (const value of [...Object.values(params), response.challengeMetadata]) {
      expect(value).not.toBe(code);
      expect(holdsInClear(value, code)).toBe(false);
    }
    expect(decodeMetadata(response.challengeMetadata)).toEqual({
      challengeNumber: 1, codeLength: 6, expiresAt: Number(params.expiresAt), salt: params.salt, digest: params.digest,
    });

    // AND Verify accepts the emailed code against them
    expect((await verify(verifyEvent(params, code))).response).toEqual({ answerCorrect: true });
  });

  test('a retry after a wrong answer reuses the code: no second email, one attempt fewer', async () => {
    // GIVEN the first challenge, answered wrong
    const first = await firstChallenge();
    const wrong = [custom(1, false, first.response.challengeMetadata)];
    ses.reset();

    // WHEN Cognito asks for the challenge again
    const { response: retry } = await createFor(wrong);

    // THEN nothing is sent, the same code stands and one attempt fewer remains
    expect(ses.received).toHaveLength(0);
    expect(retry.challengeMetadata).toBe(first.response.challengeMetadata);
    expect(retry.privateChallengeParameters).toEqual(first.response.privateChallengeParameters);
    expect(retry.publicChallengeParameters).toEqual({ ...first.response.publicChallengeParameters, attemptsRemaining: '2' });
    expect((await verify(verifyEvent(retry.privateChallengeParameters, first.code))).response).toEqual({ answerCorrect: true });

    // AND a second wrong answer leaves one attempt, still without a message
    const { response: again } = await createFor([...wrong, custom(1, false, first.response.challengeMetadata)]);
    expect(ses.received).toHaveLength(0);
    expect(again.publicChallengeParameters.attemptsRemaining).toBe('1');
    expect(again.challengeMetadata).toBe(first.response.challengeMetadata);
  });

  test('the next challenge gets a new code and a new email', async () => {
    // GIVEN the first challenge, answered right
    const first = await firstChallenge();
    ses.reset();

    // WHEN
    const { response: second } = await createFor([custom(1, true, first.response.challengeMetadata)]);

    // THEN
    expect(ses.received).toHaveLength(1);
    const code = ses.lastCodeSentTo(VERIFIED.userAttributes.email);
    remember(code);
    expect(second.publicChallengeParameters).toEqual({ ...first.response.publicChallengeParameters, challengeNumber: '2', attemptsRemaining: '3' });
    expect(decodeMetadata(second.challengeMetadata)?.challengeNumber).toBe(2);
    expect(second.privateChallengeParameters.salt).not.toBe(first.response.privateChallengeParameters.salt);
    expect(second.privateChallengeParameters.digest).not.toBe(first.response.privateChallengeParameters.digest);
    expect((await verify(verifyEvent(second.privateChallengeParameters, code))).response).toEqual({ answerCorrect: true });
  });

  test('an expired pending code is replaced by a new one, sent by email', async () => {
    // GIVEN a wrong answer to a code that has since expired
    const expired = encodeMetadata(issueCode('135791', 1, Date.now() - 1_000));
    remember(expired, '135791');

    // WHEN
    const before = Date.now();
    const { response } = await createFor([custom(1, false, expired)]);

    // THEN a new code, a new email, the wrong answer still counted
    expect(ses.received).toHaveLength(1);
    const code = ses.lastCodeSentTo(VERIFIED.userAttributes.email);
    remember(code);
    expect(response.challengeMetadata).not.toBe(expired);
    expect(decodeMetadata(response.challengeMetadata)).toMatchObject({ challengeNumber: 1, expiresAt: expect.any(Number) });
    expect(decodeMetadata(response.challengeMetadata)!.expiresAt).toBeGreaterThanOrEqual(before + 300_000);
    expect(response.publicChallengeParameters).toMatchObject({ challengeNumber: '1', attemptsRemaining: '2' });
    expect((await verify(verifyEvent(response.privateChallengeParameters, code))).response).toEqual({ answerCorrect: true });
  });

  describe('users without a verified address, and unknown users', () => {
    const formats: Record<string, RegExp> = {
      deliveryMedium: /^EMAIL$/,
      destination: /^[^@*]\*\*\*@[^@*.]\*\*\*\.[a-z]+$/,
      challengeNumber: /^1$/,
      challengeCount: /^2$/,
      attemptsRemaining: /^3$/,
      codeLength: /^6$/,
    };

    test.each([
      { name: 'a user whose address is not verified', user: UNVERIFIED, destination: 's***@e***.org' },
      { name: 'an unknown user', user: UNKNOWN, destination: expect.stringMatching(/^[a-z]\*\*\*@[a-z]\*\*\*\.com$/) },
      { name: 'an unknown user signing in by email', user: UNKNOWN_BY_EMAIL, destination: 'g***@e***.net' },
    ])('$name: nothing is sent, the parameters look the same', async ({ user, destination }) => {
      // GIVEN what a verified user gets
      const { response: known } = await firstChallenge();
      ses.reset();

      // WHEN
      const { response } = await createFor([], { user });

      // THEN nothing is sent
      expect(ses.received).toHaveLength(0);

      // AND the public parameters have the same keys and formats
      const params = response.publicChallengeParameters;
      expect(Object.keys(params).sort()).toEqual(Object.keys(known.publicChallengeParameters).sort());
      for (const [key, format] of Object.entries(formats)) {
        expect(params[key]).toMatch(format);
        expect(known.publicChallengeParameters[key]).toMatch(format);
      }
      expect(params.destination).toEqual(destination);

      // AND the private side is a real code like any other, which Verify will never accept
      expect(Object.keys(response.privateChallengeParameters).sort()).toEqual(PRIVATE_KEYS);
      expect(decodeMetadata(response.challengeMetadata)).toMatchObject({ challengeNumber: 1, codeLength: 6 });

      // AND asking again (a retry after a wrong answer) shows the same destination, and still sends nothing
      const { response: retry } = await createFor([custom(1, false, response.challengeMetadata)], { user });
      expect(retry.publicChallengeParameters).toEqual({ ...params, attemptsRemaining: '2' });
      expect(ses.received).toHaveLength(0);
    });

    test('take as long as a send: at least 50 ms before any real send was timed', async () => {
      // GIVEN a cold Create (no real send timed yet)
      const cold = load('create');

      // WHEN
      const unknown = await createFor([], { user: UNKNOWN }, cold);
      const unverified = await createFor([], { user: UNVERIFIED }, cold);

      // THEN
      expect(ses.received).toHaveLength(0);
      expect(unknown.elapsed).toBeGreaterThanOrEqual(50);
      expect(unverified.elapsed).toBeGreaterThanOrEqual(50);
    });

    test('take as long as this container\'s real sends', async () => {
      // GIVEN a Create whose only real send took at least 150 ms
      const warm = load('create');
      ses.delayMillis = 150;
      const real = await createFor([], { user: VERIFIED }, warm);
      remember(ses.lastCodeSentTo(VERIFIED.userAttributes.email));
      ses.delayMillis = 0;

      // WHEN
      const unknown = await createFor([], { user: UNKNOWN }, warm);
      const unverified = await createFor([], { user: UNVERIFIED }, warm);

      // THEN both imitate it
      expect(real.elapsed).toBeGreaterThanOrEqual(145);
      expect(unknown.elapsed).toBeGreaterThanOrEqual(140);
      expect(unverified.elapsed).toBeGreaterThanOrEqual(140);
      expect(ses.received).toHaveLength(1);
    });
  });

  test.each([400, 403, 500])('SES answering %i: throws exactly the generic error, logs neither address nor code', async (status) => {
    // GIVEN
    const lines: string[] = [];
    const handler = load('create', {}, lines);
    ses.failWithStatus = status;

    // WHEN
    const error = await rejection(handler(createEvent([])));

    // THEN
    // (The bundle runs in the main realm, so its Error is not this test context's Error.)
    expect(Object.prototype.toString.call(error)).toBe('[object Error]');
    expect(error.name).toBe('Error');
    expect(error.message).toBe(GENERIC_ERROR);
    expect(Object.keys(error)).toEqual([]);
    expect(ses.received).toHaveLength(0);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ trigger: 'create', outcome: 'fail', reason: expect.stringMatching(/^delivery failed: /) });
    expect(lines[0]).not.toContain(VERIFIED.userAttributes.email);
    expect(lines[0]).not.toContain('jane');
    expect(lines[0]).not.toMatch(/[0-9]{6}/);

    // AND once SES recovers, the same container sends again
    ses.failWithStatus = undefined;
    await handler(createEvent([]));
    expect(ses.received).toHaveLength(1);
    remember(ses.lastCodeSentTo(VERIFIED.userAttributes.email));
  });

  // Regression: the SDK's requestTimeout alone only warns; the send must fail inside Cognito's budget, or
  // Cognito retries Create and each retry may send another email with a different code.
  test('SES hanging: Create gives up with the generic error within Cognito\'s 5-second budget', async () => {
    // GIVEN an SES that takes 6 s to answer
    const handler = load('create');
    ses.delayMillis = 6_000;

    // WHEN
    const started = performance.now();
    const outcome = handler(createEvent([])).then(() => 'answered after SES', (error: Error) => error.message);
    const first = await Promise.race([outcome, sleep(5_000).then(() => 'still waiting after 5 s')]);
    const elapsed = performance.now() - started;

    // (Let every delayed SES answer, including one to a retried request, land inside this test.)
    await outcome;
    await sleep(Math.max(0, 9_000 - (performance.now() - started)));
    for (const email of ses.received) {
      remember(email.body.match(/[0-9]{6}/)?.[0]);
    }

    // THEN
    expect(first).toBe(GENERIC_ERROR);
    expect(elapsed).toBeLessThan(5_000);
  }, 20_000);
});

describe('Verify (bundled)', () => {
  const CODE = '602214';
  const params = toPrivateParameters(issueCode(CODE, 1, Date.now() + 5 * 60_000));
  remember(params.salt, params.digest, CODE);

  test.each<[string, unknown, User, boolean]>([
    ['the right code', CODE, VERIFIED, true],
    ['the right code, unknown user', CODE, UNKNOWN, false],
    ['the right code, unknown user signing in by email', CODE, UNKNOWN_BY_EMAIL, false],
    ['a wrong code', '602215', VERIFIED, false],
    ['a wrong code, unknown user', '602215', UNKNOWN, false],
    ['too short', CODE.slice(1), VERIFIED, false],
    ['too long', `${CODE}4`, VERIFIED, false],
    ['with spaces', ` ${CODE} `, VERIFIED, false],
    ['with a letter', `${CODE.slice(0, 5)}x`, VERIFIED, false],
    ['full-width digits', '６０２２１４', VERIFIED, false],
    ['a number', Number(CODE), VERIFIED, false],
    ['an array', [CODE], VERIFIED, false],
    ['null', null, VERIFIED, false],
    ['missing', undefined, VERIFIED, false],
    ['empty', '', VERIFIED, false],
    ['huge', '6'.repeat(1_000_000), VERIFIED, false],
  ])('%s: %s', async (_name, answer, user, answerCorrect) => {
    const result = await verify(verifyEvent(params, answer, { user }));
    expect(result.response).toEqual({ answerCorrect });
  });

  test.each<[string, unknown]>([
    ['expired', toPrivateParameters(issueCode(CODE, 1, Date.now() - 1))],
    ['missing', undefined],
    ['empty', {}],
    ['tampered (another salt)', { ...params, salt: 'f'.repeat(32) }],
    ['tampered (code length)', { ...params, codeLength: '7' }],
  ])('the right code with %s private parameters: false', async (_name, privateParameters) => {
    const result = await verify(verifyEvent(privateParameters, CODE));
    expect(result.response).toEqual({ answerCorrect: false });
  });
});

// Runs last: every line any bundled handler wrote in this file.
test('handler logs hold only the allow-listed fields, and no code, answer, address, salt or digest', () => {
  // The check is not vacuous: all three triggers logged, and there is something to look for.
  const triggers = new Set(logged.map((line) => JSON.parse(line).trigger));
  expect([...triggers].sort()).toEqual(['create', 'define', 'verify']);
  expect(secrets.size).toBeGreaterThan(20);

  for (const line of logged) {
    expect(LOG_FIELDS).toEqual(expect.arrayContaining(Object.keys(JSON.parse(line))));
  }
  const leaks = logged.flatMap((line) => [...secrets].filter((secret) => line.includes(secret)).map((secret) => `${secret} in ${line}`));
  expect(leaks).toEqual([]);
  expect(logged.filter((line) => /[0-9]{6}|@/.test(line))).toEqual([]);
});
