import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { inspect } from 'node:util';
import { custom, metadataFor, other, passwordVerifier, srpA } from './session-entries';
import { decodeMetadata, encodeMetadata, issueCode, toPrivateParameters } from '../../lambda/codes';
import {
  CODE_PLACEHOLDER, CustomChannelConfig, EmailChannelConfig, ENV, SmsChannelConfig,
} from '../../src/private/handler-contract';
import { loadBundledHandler, LogSink, TriggerHandler } from '../support/bundled-handlers';
import { LocalAws, RecordingProxy } from '../support/local-aws';

/**
 * The shipped handlers (assets/lambda/<trigger>.lambda/index.js, built by `npx projen bundle`), each
 * loaded with its own environment as Lambda would, sending real SESv2, SNS and Lambda requests to a
 * local endpoint (LocalAws) through a proxy that counts them.
 */
const ASSETS = path.join(__dirname, '..', '..', 'assets', 'lambda');
const bundle = (trigger: 'define' | 'create' | 'verify'): string => path.join(ASSETS, `${trigger}-auth-challenge.lambda`, 'index.js');

/** What Create throws, and so what Cognito shows the client, whatever went wrong. */
const GENERIC_ERROR = 'Sign-in could not continue';

const PUBLIC_KEYS = ['attemptsRemaining', 'challengeCount', 'challengeNumber', 'codeLength', 'deliveryMedium', 'destination'];
const PRIVATE_KEYS = ['codeLength', 'digest', 'expiresAt', 'salt'];
const LOG_FIELDS = ['trigger', 'outcome', 'challengeNumber', 'wrongAnswers', 'reason'];

const SENDER = 'no-reply@sender.example';
const EMAIL_CHANNEL: EmailChannelConfig = {
  kind: 'email',
  from: SENDER,
  subject: 'Your sign-in code',
  body: `Your sign-in code is ${CODE_PLACEHOLDER}. It expires in five minutes.`,
};
const SMS_CHANNEL: SmsChannelConfig = { kind: 'sms', message: `Your sign-in code is ${CODE_PLACEHOLDER}.` };
const SENDER_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:sender';
const CUSTOM_CHANNEL: CustomChannelConfig = { kind: 'custom', functionArn: SENDER_ARN, attribute: 'custom:chat_id', medium: 'CHAT' };

/** CODE_DELIVERY: the channels, and the index of challenge n's channel at challenges[n - 1] (one channel for both by default). */
function plan(channels: unknown[], challenges: unknown[] = [0, 0]): string {
  return JSON.stringify({ channels, challenges });
}

const CONFIG: Record<string, string> = {
  [ENV.challengeCount]: '2',
  [ENV.passwordFirst]: 'false',
  [ENV.maxAttempts]: '3',
  [ENV.codeLength]: '6',
  [ENV.codeValiditySeconds]: '300',
  [ENV.codeDelivery]: plan([EMAIL_CHANNEL]),
};

/** The request paths of the three APIs, as the proxy sees them. */
const API_PATH = {
  email: '/v2/email/outbound-emails',
  sms: '/',
  custom: `/2015-03-31/functions/${encodeURIComponent(SENDER_ARN)}/invocations`,
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

const PHONE_VERIFIED: User = {
  userName: 'priya',
  userAttributes: { sub: '1b2c3d4e-1f3d-4a7b-9c8e-0d1f2a3b4c5d', phone_number: '+447700900123', phone_number_verified: 'true' },
  userNotFound: false,
};
const PHONE_UNVERIFIED: User = {
  userName: 'omar',
  userAttributes: { sub: '2c3d4e5f-1f3d-4a7b-9c8e-0d1f2a3b4c5d', phone_number: '+447700900456', phone_number_verified: 'false' },
  userNotFound: false,
};
/** A phone number without phone_number_verified at all. */
const PHONE_UNFLAGGED: User = {
  userName: 'ana',
  userAttributes: { sub: '3d4e5f6a-1f3d-4a7b-9c8e-0d1f2a3b4c5d', phone_number: '+447700900789' },
  userNotFound: false,
};
const UNKNOWN_BY_PHONE: User = { userName: '+15555550199', userAttributes: {}, userNotFound: true };
/** Verified email and phone: for a channel per challenge. */
const EMAIL_AND_PHONE: User = {
  userName: 'jane',
  userAttributes: { ...VERIFIED.userAttributes, phone_number: '+447700900123', phone_number_verified: 'true' },
  userNotFound: false,
};
/** A custom attribute needs no *_verified flag: being present is enough. */
const CHAT_USER: User = {
  userName: 'kim',
  userAttributes: { 'sub': '5f6a7b8c-1f3d-4a7b-9c8e-0d1f2a3b4c5d', 'custom:chat_id': 'chat-77310', 'locale': 'de' },
  userNotFound: false,
};

/** What LocalAws puts in its error answers: a handler must not log it. */
const AWS_ERROR_DETAILS = ['+15555550100', 'alice@example.com', 'provider down'];

/** Every line any loaded handler wrote, checked at the end of this file. */
const logged: string[] = [];
/** Everything that must never reach a log line: codes, answers, addresses, phone numbers, salts, digests, metadata. */
const secrets = new Set<string>([
  SENDER, VERIFIED.userAttributes.email, UNVERIFIED.userAttributes.email, UNKNOWN_BY_EMAIL.userName, 'max.mustermann@example.org',
  PHONE_VERIFIED.userAttributes.phone_number, PHONE_UNVERIFIED.userAttributes.phone_number, PHONE_UNFLAGGED.userAttributes.phone_number,
  UNKNOWN_BY_PHONE.userName, CHAT_USER.userAttributes['custom:chat_id'], ...AWS_ERROR_DETAILS,
]);

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

/** The handler's environment: the Lambda runtime's AWS_* variables (pointing at the proxy to LocalAws) and the construct's. */
function handlerEnv(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    ...aws.environment,
    AWS_ENDPOINT_URL_SESV2: proxy.endpoint,
    AWS_ENDPOINT_URL_SNS: proxy.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: proxy.endpoint,
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

interface CreateOptions extends EventOptions {
  readonly challengeName?: string;
  /** ClientMetadata of RespondToAuthChallenge; absent unless given. */
  readonly clientMetadata?: Record<string, string>;
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

function createEvent(session: unknown, { user = VERIFIED, ...options }: CreateOptions = {}) {
  return {
    ...COMMON,
    userName: user.userName,
    triggerSource: 'triggerSource' in options ? options.triggerSource : 'CreateAuthChallenge_Authentication',
    request: {
      userAttributes: user.userAttributes,
      challengeName: options.challengeName ?? 'CUSTOM_CHALLENGE',
      session,
      userNotFound: user.userNotFound,
      ...(options.clientMetadata ? { clientMetadata: options.clientMetadata } : {}),
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

let aws: LocalAws;
let proxy: RecordingProxy;
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
  aws = await LocalAws.start();
  proxy = await RecordingProxy.start(() => aws.endpoint);
  define = load('define');
  definePasswordFirst = load('define', { [ENV.passwordFirst]: 'true', [ENV.challengeCount]: '1' });
  create = load('create');
  verify = load('verify');
});

beforeEach(() => {
  aws.reset();
  proxy.seen.length = 0;
});

afterAll(async () => {
  const variables = Object.keys(aws?.environment ?? {});
  await proxy?.stop();
  await aws?.stop();
  for (const name of variables) {
    if (savedEnv[name] === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = savedEnv[name];
    }
  }
});

/** Calls Create and times it. */
async function createFor(session: unknown, options: CreateOptions = {}, handler: TriggerHandler = create) {
  const started = performance.now();
  const result = await handler(createEvent(session, options));
  const elapsed = performance.now() - started;
  rememberParameters(result.response);
  return { response: result.response, elapsed };
}

/** The first challenge for the verified user: Create's answer and the code it emailed. */
async function firstChallenge() {
  const { response } = await createFor([]);
  const code = aws.lastCodeSentTo(VERIFIED.userAttributes.email);
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
    expect(aws.received).toHaveLength(0);
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
    expect(aws.received).toHaveLength(0);
  });

  test.each([
    { name: 'no challenge due (all answered)', session: [custom(1, true), custom(2, true)] },
    { name: 'attempts exhausted', session: [custom(1, false), custom(1, false), custom(1, false)] },
    { name: 'a password prefix in passwordless mode', session: [srpA(), passwordVerifier()] },
    { name: 'a malformed session', session: 'CUSTOM_CHALLENGE' },
  ])('Create for a session with $name: throws the generic error and sends nothing', async ({ session }) => {
    const error = await rejection(create(createEvent(session)));
    expect(error.message).toBe(GENERIC_ERROR);
    expect(aws.received).toHaveLength(0);
  });
});

describe('a misconfigured handler fails closed', () => {
  test.each<{ name: string; value: string | undefined; define: boolean; secret?: string }>([
    { name: ENV.challengeCount, value: 'abc', define: true },
    { name: ENV.maxAttempts, value: '99999', define: true },
    { name: ENV.passwordFirst, value: 'yes', define: true },
    { name: ENV.challengeCount, value: undefined, define: true },
    { name: ENV.codeLength, value: '12345', define: false },
    { name: ENV.codeValiditySeconds, value: 'forever', define: false },
    // An email channel whose body lacks the placeholder, one without a sender, and the others' rules
    { name: ENV.codeDelivery, value: plan([{ ...EMAIL_CHANNEL, body: 'Template without its placeholder' }]), secret: 'Template without', define: false },
    { name: ENV.codeDelivery, value: plan([{ ...EMAIL_CHANNEL, from: undefined }]), secret: 'Your sign-in code', define: false },
    { name: ENV.codeDelivery, value: plan([{ ...SMS_CHANNEL, message: 'Message without its placeholder' }]), secret: 'Message without', define: false },
    { name: ENV.codeDelivery, value: plan([{ ...CUSTOM_CHANNEL, functionArn: 'my-sender-function' }]), secret: 'my-sender-function', define: false },
    { name: ENV.codeDelivery, value: plan([EMAIL_CHANNEL, SMS_CHANNEL], [0]), secret: SENDER, define: false },
    { name: ENV.codeDelivery, value: plan([EMAIL_CHANNEL]).slice(0, -2), secret: SENDER, define: false },
    { name: ENV.codeDelivery, value: undefined, define: false },
  ])('$name=$value', async ({ name, value, define: breaksDefine, secret }) => {
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
    if (secret !== undefined) {
      expect(createLines[0]).not.toContain(secret);
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
    expect(aws.received).toHaveLength(0);

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
    expect(aws.received).toHaveLength(1);
    const [email] = aws.received;
    expect(email.to).toEqual([VERIFIED.userAttributes.email]);
    expect(email.from).toBe(SENDER);
    expect(email.subject).toBe('Your sign-in code');
    expect(email.body).toBe(`Your sign-in code is ${code}. It expires in five minutes.`);
    expect(code).toMatch(/^[0-9]{6}$/);
    expect(proxy.paths()).toEqual([API_PATH.email]);
    expect(proxy.apiCalls()[0].headers.authorization).toMatch(/Credential=AKIDLOCALTEST\/\d{8}\/us-east-1\/ses\/aws4_request/);

    // AND the public parameters: these keys, these values, and no code
    expect(Object.keys(response.publicChallengeParameters).sort()).toEqual(PUBLIC_KEYS);
    expect(response.publicChallengeParameters).toEqual({
      deliveryMedium: 'EMAIL',
      destination: 'j***@e***',
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
    aws.reset();

    // WHEN Cognito asks for the challenge again
    const { response: retry } = await createFor(wrong);

    // THEN nothing is sent, the same code stands and one attempt fewer remains
    expect(aws.received).toHaveLength(0);
    expect(retry.challengeMetadata).toBe(first.response.challengeMetadata);
    expect(retry.privateChallengeParameters).toEqual(first.response.privateChallengeParameters);
    expect(retry.publicChallengeParameters).toEqual({ ...first.response.publicChallengeParameters, attemptsRemaining: '2' });
    expect((await verify(verifyEvent(retry.privateChallengeParameters, first.code))).response).toEqual({ answerCorrect: true });

    // AND a second wrong answer leaves one attempt, still without a message
    const { response: again } = await createFor([...wrong, custom(1, false, first.response.challengeMetadata)]);
    expect(aws.received).toHaveLength(0);
    expect(again.publicChallengeParameters.attemptsRemaining).toBe('1');
    expect(again.challengeMetadata).toBe(first.response.challengeMetadata);
  });

  test('the next challenge gets a new code and a new email', async () => {
    // GIVEN the first challenge, answered right
    const first = await firstChallenge();
    aws.reset();

    // WHEN
    const { response: second } = await createFor([custom(1, true, first.response.challengeMetadata)]);

    // THEN
    expect(aws.received).toHaveLength(1);
    const code = aws.lastCodeSentTo(VERIFIED.userAttributes.email);
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
    expect(aws.received).toHaveLength(1);
    const code = aws.lastCodeSentTo(VERIFIED.userAttributes.email);
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
      destination: /^[^@*]\*\*\*@[^@*.]\*\*\*$/,
      challengeNumber: /^1$/,
      challengeCount: /^2$/,
      attemptsRemaining: /^3$/,
      codeLength: /^6$/,
    };

    test.each([
      { name: 'a user whose address is not verified', user: UNVERIFIED, destination: 's***@e***' },
      {
        name: 'a user whose address has no email_verified',
        user: { userName: 'max', userAttributes: { sub: '6a7b8c9d-1f3d-4a7b-9c8e-0d1f2a3b4c5d', email: 'max.mustermann@example.org' }, userNotFound: false },
        destination: 'm***@e***',
      },
      { name: 'an unknown user carrying a verified address', user: { ...VERIFIED, userNotFound: true }, destination: 'j***@e***' },
      { name: 'an unknown user', user: UNKNOWN, destination: expect.stringMatching(/^[a-z0-9]\*\*\*@[a-z]\*\*\*$/) },
      { name: 'an unknown user signing in by email', user: UNKNOWN_BY_EMAIL, destination: 'g***@e***' },
    ])('$name: nothing is sent, the parameters look the same', async ({ user, destination }) => {
      // GIVEN what a verified user gets
      const { response: known } = await firstChallenge();
      aws.reset();

      // WHEN
      const { response } = await createFor([], { user });

      // THEN nothing is sent
      expect(aws.received).toHaveLength(0);

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
      expect(aws.received).toHaveLength(0);
    });

    test('before any real send was timed: as long as a real round trip to the channel\'s API, over the connection opened at cold start', async () => {
      // GIVEN a cold Create in front of an API that answers after 120 ms
      aws.delayMillis = 120;
      const cold = load('create');

      // WHEN
      const unknown = await createFor([], { user: UNKNOWN }, cold);
      const unverified = await createFor([], { user: UNVERIFIED }, cold);

      // THEN nothing was sent: the warm-up GET at cold start, then one GET per imitation
      expect(aws.received).toHaveLength(0);
      expect(proxy.apiCalls()).toHaveLength(0);
      expect(proxy.seen.map((seen) => `${seen.method} ${seen.path}`)).toEqual(['GET /', 'GET /', 'GET /']);
      expect(unknown.elapsed).toBeGreaterThanOrEqual(110);
      expect(unverified.elapsed).toBeGreaterThanOrEqual(110);
    });

    test('a cold start opens the connection a first real send then uses', async () => {
      // GIVEN
      const cold = load('create');

      // WHEN
      await createFor([], { user: VERIFIED }, cold);
      remember(aws.lastCodeSentTo(VERIFIED.userAttributes.email));

      // THEN the warm-up (an unsigned GET) came first, then the send
      expect(proxy.seen.map((seen) => `${seen.method} ${seen.path}`)).toEqual(['GET /', `POST ${API_PATH.email}`]);
      expect(proxy.seen[0].headers.authorization).toBeUndefined();
    });

    test('take as long as this container\'s real sends', async () => {
      // GIVEN a Create whose only real send took at least 150 ms
      const warm = load('create');
      aws.delayMillis = 150;
      const real = await createFor([], { user: VERIFIED }, warm);
      remember(aws.lastCodeSentTo(VERIFIED.userAttributes.email));
      aws.delayMillis = 0;

      // WHEN
      const unknown = await createFor([], { user: UNKNOWN }, warm);
      const unverified = await createFor([], { user: UNVERIFIED }, warm);

      // THEN both imitate it
      expect(real.elapsed).toBeGreaterThanOrEqual(145);
      expect(unknown.elapsed).toBeGreaterThanOrEqual(140);
      expect(unverified.elapsed).toBeGreaterThanOrEqual(140);
      expect(aws.received).toHaveLength(1);
    });
  });
});

describe('Create (bundled), SMS channel', () => {
  const PHONE = PHONE_VERIFIED.userAttributes.phone_number;
  let createSms: TriggerHandler;

  beforeAll(() => {
    createSms = load('create', { [ENV.codeDelivery]: plan([SMS_CHANNEL]) });
  });

  test('sends exactly one SMS with the code to the verified phone number, as a transactional SNS Publish', async () => {
    // WHEN
    const { response } = await createFor([], { user: PHONE_VERIFIED }, createSms);

    // THEN one SMS, to the verified number, with the code in the message
    expect(aws.received).toHaveLength(1);
    const [sms] = aws.received;
    const code = aws.lastCodeSentTo(PHONE);
    remember(code);
    expect(code).toMatch(/^[0-9]{6}$/);
    expect(sms).toMatchObject({ channel: 'sms', to: [PHONE], body: `Your sign-in code is ${code}.` });
    expect(sms.attributes).toEqual({ 'AWS.SNS.SMS.SMSType': 'Transactional' });

    // AND it went to a phone number, never a topic, signed for SNS
    expect(proxy.paths()).toEqual([API_PATH.sms]);
    const form = new URLSearchParams(proxy.apiCalls()[0].body);
    expect(form.get('Action')).toBe('Publish');
    expect(form.get('PhoneNumber')).toBe(PHONE);
    expect(form.has('TopicArn')).toBe(false);
    expect(form.has('TargetArn')).toBe(false);
    expect(proxy.apiCalls()[0].headers.authorization).toMatch(/Credential=AKIDLOCALTEST\/\d{8}\/us-east-1\/sns\/aws4_request/);

    // AND the public parameters: these keys, these values, and no code
    expect(Object.keys(response.publicChallengeParameters).sort()).toEqual(PUBLIC_KEYS);
    expect(response.publicChallengeParameters).toEqual({
      deliveryMedium: 'SMS',
      destination: '+******0123',
      challengeNumber: '1',
      challengeCount: '2',
      attemptsRemaining: '3',
      codeLength: '6',
    });
    expect(holdsInClear(response.publicChallengeParameters, code)).toBe(false);
    expect(Object.keys(response.privateChallengeParameters).sort()).toEqual(PRIVATE_KEYS);
    expect(holdsInClear(response.privateChallengeParameters, code)).toBe(false);

    // AND Verify accepts the texted code
    const verified = await verify(verifyEvent(response.privateChallengeParameters, code, { user: PHONE_VERIFIED }));
    expect(verified.response).toEqual({ answerCorrect: true });
  });

  test('sets the sender ID and the origination number when configured', async () => {
    // GIVEN
    const handler = load('create', { [ENV.codeDelivery]: plan([{ ...SMS_CHANNEL, senderId: 'ACME', originationNumber: '+18005550100' }]) });

    // WHEN
    await createFor([], { user: PHONE_VERIFIED }, handler);

    // THEN
    expect(aws.received).toHaveLength(1);
    remember(aws.lastCodeSentTo(PHONE));
    expect(aws.received[0].attributes).toEqual({
      'AWS.SNS.SMS.SMSType': 'Transactional',
      'AWS.SNS.SMS.SenderID': 'ACME',
      'AWS.MM.SMS.OriginationNumber': '+18005550100',
    });
  });

  test('a retry after a wrong answer reuses the code: no second SMS', async () => {
    // GIVEN the first challenge, answered wrong
    const { response: first } = await createFor([], { user: PHONE_VERIFIED }, createSms);
    const code = aws.lastCodeSentTo(PHONE);
    remember(code);
    aws.reset();

    // WHEN
    const { response: retry } = await createFor([custom(1, false, first.challengeMetadata)], { user: PHONE_VERIFIED }, createSms);

    // THEN
    expect(aws.received).toHaveLength(0);
    expect(retry.challengeMetadata).toBe(first.challengeMetadata);
    expect(retry.publicChallengeParameters).toEqual({ ...first.publicChallengeParameters, attemptsRemaining: '2' });
  });

  describe('users without a verified phone number, and unknown users', () => {
    const formats: Record<string, RegExp> = {
      deliveryMedium: /^SMS$/,
      destination: /^\+\*{6}\d{4}$/,
      challengeNumber: /^1$/,
      challengeCount: /^2$/,
      attemptsRemaining: /^3$/,
      codeLength: /^6$/,
    };

    test.each([
      { name: 'a user whose phone number is not verified', user: PHONE_UNVERIFIED, destination: '+******0456' },
      { name: 'a user whose phone number has no phone_number_verified', user: PHONE_UNFLAGGED, destination: '+******0789' },
      { name: 'a user without a phone number', user: VERIFIED, destination: expect.stringMatching(/^\+\*{6}\d{4}$/) },
      { name: 'an unknown user', user: UNKNOWN, destination: expect.stringMatching(/^\+\*{6}\d{4}$/) },
      { name: 'an unknown user signing in by phone', user: UNKNOWN_BY_PHONE, destination: '+******0199' },
      { name: 'an unknown user signing in by email', user: UNKNOWN_BY_EMAIL, destination: expect.stringMatching(/^\+\*{6}\d{4}$/) },
      { name: 'an unknown user carrying a verified phone number', user: { ...PHONE_VERIFIED, userNotFound: true }, destination: '+******0123' },
    ])('$name: nothing is sent, the parameters look the same', async ({ user, destination }) => {
      // GIVEN what a user with a verified phone number gets
      const { response: known } = await createFor([], { user: PHONE_VERIFIED }, createSms);
      remember(aws.lastCodeSentTo(PHONE));
      aws.reset();
      proxy.seen.length = 0;

      // WHEN
      const { response } = await createFor([], { user }, createSms);

      // THEN nothing is sent
      expect(aws.received).toHaveLength(0);
      expect(proxy.apiCalls()).toHaveLength(0);

      // AND the public parameters have the same keys and formats
      const params = response.publicChallengeParameters;
      expect(Object.keys(params).sort()).toEqual(Object.keys(known.publicChallengeParameters).sort());
      for (const [key, format] of Object.entries(formats)) {
        expect(params[key]).toMatch(format);
        expect(known.publicChallengeParameters[key]).toMatch(format);
      }
      expect(params.destination).toEqual(destination);
      expect(Object.keys(response.privateChallengeParameters).sort()).toEqual(PRIVATE_KEYS);

      // AND asking again shows the same destination, and still sends nothing
      const { response: retry } = await createFor([custom(1, false, response.challengeMetadata)], { user }, createSms);
      expect(retry.publicChallengeParameters).toEqual({ ...params, attemptsRemaining: '2' });
      expect(proxy.apiCalls()).toHaveLength(0);
    });
  });
});

describe('Create (bundled), custom sender channel', () => {
  const CHAT_ID = CHAT_USER.userAttributes['custom:chat_id'];
  let createChat: TriggerHandler;

  beforeAll(() => {
    createChat = load('create', { [ENV.codeDelivery]: plan([CUSTOM_CHANNEL]) });
  });

  test('invokes the sender function once, synchronously, with the code, the destination and the context', async () => {
    // WHEN
    const clientMetadata = { locale: 'fr', app: 'web' };
    const { response } = await createFor([], { user: CHAT_USER, clientMetadata }, createChat);

    // THEN one invocation of that function, waiting for its answer, signed for Lambda
    expect(proxy.paths()).toEqual([API_PATH.custom]);
    expect(proxy.apiCalls()[0].headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(proxy.apiCalls()[0].headers.authorization).toMatch(/Credential=AKIDLOCALTEST\/\d{8}\/us-east-1\/lambda\/aws4_request/);

    // AND its event: version 1 of the contract, the client's locale winning over the user's
    expect(aws.received).toHaveLength(1);
    const [message] = aws.received;
    const code = aws.lastCodeSentTo(CHAT_ID);
    remember(code);
    expect(code).toMatch(/^[0-9]{6}$/);
    expect(message.channel).toBe('custom');
    expect(message.to).toEqual([CHAT_ID]);
    expect(JSON.parse(message.body)).toEqual({
      version: '1',
      destination: CHAT_ID,
      destinationAttribute: 'custom:chat_id',
      code,
      challengeNumber: 1,
      challengeCount: 2,
      userPoolId: COMMON.userPoolId,
      username: CHAT_USER.userName,
      locale: 'fr',
      clientMetadata,
    });

    // AND the public parameters name the channel's medium, and no code
    expect(response.publicChallengeParameters).toEqual({
      deliveryMedium: 'CHAT',
      destination: 'c***',
      challengeNumber: '1',
      challengeCount: '2',
      attemptsRemaining: '3',
      codeLength: '6',
    });
    expect(holdsInClear(response.publicChallengeParameters, code)).toBe(false);
    expect(holdsInClear(response.privateChallengeParameters, code)).toBe(false);

    // AND Verify accepts the code the sender got
    expect((await verify(verifyEvent(response.privateChallengeParameters, code, { user: CHAT_USER }))).response).toEqual({ answerCorrect: true });
  });

  test.each<{ name: string; user: User; clientMetadata?: Record<string, string>; locale: string | undefined; metadata: Record<string, string> }>([
    { name: 'no client metadata: the user\'s locale', user: CHAT_USER, locale: 'de', metadata: {} },
    { name: 'client metadata without a locale: the user\'s locale', user: CHAT_USER, clientMetadata: { app: 'web' }, locale: 'de', metadata: { app: 'web' } },
    {
      name: 'no locale anywhere: none',
      user: { ...CHAT_USER, userAttributes: { 'custom:chat_id': CHAT_ID } },
      locale: undefined,
      metadata: {},
    },
    {
      name: 'a client locale and no user locale: the client\'s',
      user: { ...CHAT_USER, userAttributes: { 'custom:chat_id': CHAT_ID } },
      clientMetadata: { locale: 'pt-BR' },
      locale: 'pt-BR',
      metadata: { locale: 'pt-BR' },
    },
  ])('$name', async ({ user, clientMetadata, locale, metadata }) => {
    await createFor([], { user, clientMetadata }, createChat);

    expect(aws.received).toHaveLength(1);
    const event = aws.received[0].attributes;
    remember(event.code);
    expect(event.clientMetadata).toEqual(metadata);
    if (locale === undefined) {
      expect(event).not.toHaveProperty('locale');
    } else {
      expect(event.locale).toBe(locale);
    }
  });

  test('the second challenge carries its number', async () => {
    await createFor([custom(1, true)], { user: CHAT_USER }, createChat);

    expect(aws.received).toHaveLength(1);
    remember(aws.received[0].attributes.code);
    expect(aws.received[0].attributes).toMatchObject({ challengeNumber: 2, challengeCount: 2 });
  });

  test.each([
    { name: 'email, verified', attribute: 'email', user: VERIFIED, sent: true },
    { name: 'email, not verified', attribute: 'email', user: UNVERIFIED, sent: false },
    { name: 'phone_number, verified', attribute: 'phone_number', user: PHONE_VERIFIED, sent: true },
    { name: 'phone_number, not verified', attribute: 'phone_number', user: PHONE_UNVERIFIED, sent: false },
    { name: 'phone_number, without phone_number_verified', attribute: 'phone_number', user: PHONE_UNFLAGGED, sent: false },
    { name: 'a custom attribute, present (no verification flag needed)', attribute: 'custom:chat_id', user: CHAT_USER, sent: true },
    { name: 'a custom attribute, blank', attribute: 'custom:chat_id', user: { ...CHAT_USER, userAttributes: { 'custom:chat_id': '  ' } }, sent: false },
  ])('a sender reading $name: invoked only for a verified email or phone, or a present custom attribute', async ({ attribute, user, sent }) => {
    // GIVEN
    const handler = load('create', { [ENV.codeDelivery]: plan([{ ...CUSTOM_CHANNEL, attribute, medium: 'WHATSAPP' }]) });

    // WHEN
    const { response } = await createFor([], { user }, handler);

    // THEN
    expect(proxy.apiCalls()).toHaveLength(sent ? 1 : 0);
    expect(aws.received).toHaveLength(sent ? 1 : 0);
    if (sent) {
      remember(aws.received[0].attributes.code);
      expect(aws.received[0].attributes).toMatchObject({ destination: user.userAttributes[attribute], destinationAttribute: attribute });
    }
    expect(response.publicChallengeParameters.deliveryMedium).toBe('WHATSAPP');
  });

  describe('users without the attribute, and unknown users', () => {
    const formats: Record<string, RegExp> = {
      deliveryMedium: /^CHAT$/,
      challengeNumber: /^1$/,
      challengeCount: /^2$/,
      attemptsRemaining: /^3$/,
      codeLength: /^6$/,
    };

    /** A masked destination's shape: every character but the stars made alike ('c***' and 'n***' agree). */
    const shape = (masked: string): string => masked.replace(/[^*]/gu, 'x');

    // BUG (lambda/mask.ts, maskOther): with no destination, an attribute other than email and
    // phone_number is masked from the username, and maskOther tries maskEmail and maskPhone on it
    // first. An unknown user signing in by email (the default sign-in alias) is shown 'g***@e***',
    // by phone '+******0199', while every user who has a chat ID is shown 'c***': the shape tells who
    // exists. The fallback for these attributes must have one shape whatever the username looks like
    // (e.g. a fake derived from the username, as fake() does for email and phone). The two rows
    // 'signing in by email' and 'by phone' are kept failing until lambda/mask.ts is fixed.
    test.each([
      { name: 'a user without the attribute', user: { ...CHAT_USER, userName: 'lee', userAttributes: { sub: CHAT_USER.userAttributes.sub } } },
      { name: 'an unknown user', user: UNKNOWN },
      { name: 'an unknown user signing in by email', user: UNKNOWN_BY_EMAIL },
      { name: 'an unknown user signing in by phone', user: UNKNOWN_BY_PHONE },
    ])('$name: nothing is sent, the parameters look the same', async ({ user }) => {
      // GIVEN what a user with a chat ID gets
      const { response: known } = await createFor([], { user: CHAT_USER }, createChat);
      remember(aws.lastCodeSentTo(CHAT_ID));
      aws.reset();
      proxy.seen.length = 0;

      // WHEN
      const { response } = await createFor([], { user }, createChat);

      // THEN nothing is sent
      expect(proxy.apiCalls()).toHaveLength(0);
      expect(aws.received).toHaveLength(0);

      // AND the public parameters have the same keys and formats
      const params = response.publicChallengeParameters;
      expect(Object.keys(params).sort()).toEqual(Object.keys(known.publicChallengeParameters).sort());
      for (const [key, format] of Object.entries(formats)) {
        expect(known.publicChallengeParameters[key]).toMatch(format);
        expect(params[key]).toMatch(format);
      }
      expect(known.publicChallengeParameters.destination).toBe('c***');
      expect(shape(params.destination)).toBe(shape(known.publicChallengeParameters.destination));

      // AND asking again shows the same destination
      const { response: retry } = await createFor([custom(1, false, response.challengeMetadata)], { user }, createChat);
      expect(retry.publicChallengeParameters).toEqual({ ...params, attemptsRemaining: '2' });
      expect(proxy.apiCalls()).toHaveLength(0);
    });
  });
});

describe('Create (bundled), a channel per challenge', () => {
  let createMixed: TriggerHandler;

  beforeAll(() => {
    // Challenge 1 by email, challenge 2 by SMS
    createMixed = load('create', { [ENV.codeDelivery]: plan([EMAIL_CHANNEL, SMS_CHANNEL], [0, 1]) });
  });

  test('challenge 1\'s code goes by email, challenge 2\'s by SMS', async () => {
    const { email, phone_number: phone } = EMAIL_AND_PHONE.userAttributes;

    // WHEN challenge 1
    const { response: first } = await createFor([], { user: EMAIL_AND_PHONE }, createMixed);

    // THEN one email, nothing else
    expect(proxy.paths()).toEqual([API_PATH.email]);
    expect(aws.received.map((message) => [message.channel, message.to])).toEqual([['email', [email]]]);
    const firstCode = aws.lastCodeSentTo(email);
    remember(firstCode);
    expect(first.publicChallengeParameters).toMatchObject({ deliveryMedium: 'EMAIL', destination: 'j***@e***', challengeNumber: '1' });
    expect((await verify(verifyEvent(first.privateChallengeParameters, firstCode))).response).toEqual({ answerCorrect: true });

    // WHEN challenge 1 is answered and challenge 2 is due
    aws.reset();
    proxy.seen.length = 0;
    const { response: second } = await createFor([custom(1, true, first.challengeMetadata)], { user: EMAIL_AND_PHONE }, createMixed);

    // THEN one SMS, nothing else
    expect(proxy.paths()).toEqual([API_PATH.sms]);
    expect(aws.received.map((message) => [message.channel, message.to])).toEqual([['sms', [phone]]]);
    const secondCode = aws.lastCodeSentTo(phone);
    remember(secondCode);
    expect(aws.received[0].body).toBe(`Your sign-in code is ${secondCode}.`);
    expect(second.publicChallengeParameters).toEqual({
      deliveryMedium: 'SMS',
      destination: '+******0123',
      challengeNumber: '2',
      challengeCount: '2',
      attemptsRemaining: '3',
      codeLength: '6',
    });
    expect(second.privateChallengeParameters.salt).not.toBe(first.privateChallengeParameters.salt);
    expect((await verify(verifyEvent(second.privateChallengeParameters, secondCode))).response).toEqual({ answerCorrect: true });

    // AND a retry of challenge 2 after a wrong answer sends nothing and still says SMS
    aws.reset();
    proxy.seen.length = 0;
    const { response: retry } = await createFor(
      [custom(1, true, first.challengeMetadata), custom(2, false, second.challengeMetadata)], { user: EMAIL_AND_PHONE }, createMixed);
    expect(proxy.apiCalls()).toHaveLength(0);
    expect(retry.publicChallengeParameters).toEqual({ ...second.publicChallengeParameters, attemptsRemaining: '2' });
  });

  test('a user with only an email: challenge 2 sends nothing, and looks like an SMS challenge', async () => {
    // GIVEN challenge 1, emailed
    const { response: first } = await createFor([], { user: VERIFIED }, createMixed);
    remember(aws.lastCodeSentTo(VERIFIED.userAttributes.email));
    aws.reset();
    proxy.seen.length = 0;

    // WHEN
    const { response: second } = await createFor([custom(1, true, first.challengeMetadata)], { user: VERIFIED }, createMixed);

    // THEN
    expect(proxy.apiCalls()).toHaveLength(0);
    expect(aws.received).toHaveLength(0);
    expect(second.publicChallengeParameters).toMatchObject({ deliveryMedium: 'SMS', destination: expect.stringMatching(/^\+\*{6}\d{4}$/), challengeNumber: '2' });
  });

  test('the other order: SMS first, then email', async () => {
    // GIVEN
    const handler = load('create', { [ENV.codeDelivery]: plan([EMAIL_CHANNEL, SMS_CHANNEL], [1, 0]) });

    // WHEN
    const { response: first } = await createFor([], { user: EMAIL_AND_PHONE }, handler);
    const { response: second } = await createFor([custom(1, true, first.challengeMetadata)], { user: EMAIL_AND_PHONE }, handler);

    // THEN
    expect(aws.received.map((message) => message.channel)).toEqual(['sms', 'email']);
    aws.received.forEach((message) => remember(message.body.match(/[0-9]{6}/)?.[0]));
    expect([first, second].map((response) => response.publicChallengeParameters.deliveryMedium)).toEqual(['SMS', 'EMAIL']);
  });
});

describe('Create (bundled), delivery failures', () => {
  interface Channel {
    readonly channel: 'email' | 'sms' | 'custom';
    readonly config: string;
    readonly user: User;
    readonly destination: string;
  }
  const EMAIL: Channel = { channel: 'email', config: plan([EMAIL_CHANNEL]), user: VERIFIED, destination: VERIFIED.userAttributes.email };
  const SMS: Channel = { channel: 'sms', config: plan([SMS_CHANNEL]), user: PHONE_VERIFIED, destination: PHONE_VERIFIED.userAttributes.phone_number };
  const CUSTOM: Channel = { channel: 'custom', config: plan([CUSTOM_CHANNEL]), user: CHAT_USER, destination: CHAT_USER.userAttributes['custom:chat_id'] };

  /** The code in what LocalAws recorded, whichever the channel. */
  const codeIn = (message: { channel: string; body: string; attributes: Record<string, unknown> }): unknown =>
    (message.channel === 'custom' ? message.attributes.code : message.body.match(/[0-9]{6}/)?.[0]);

  test.each([
    { name: 'SES answering 400', ...EMAIL, fail: (local: LocalAws) => { local.failWithStatus = 400; }, errorType: 'MessageRejected', tries: 1 },
    { name: 'SES answering 403', ...EMAIL, fail: (local: LocalAws) => { local.failWithStatus = 403; }, errorType: 'MessageRejected', tries: 1 },
    { name: 'SES answering 500 (tried twice)', ...EMAIL, fail: (local: LocalAws) => { local.failWithStatus = 500; }, errorType: 'MessageRejected', tries: 2 },
    { name: 'SNS answering 400', ...SMS, fail: (local: LocalAws) => { local.failWithStatus = 400; }, errorType: 'InvalidParameter', tries: 1 },
    { name: 'SNS answering 500 (tried twice)', ...SMS, fail: (local: LocalAws) => { local.failWithStatus = 500; }, errorType: 'InvalidParameter', tries: 2 },
    { name: 'the custom sender throwing (never invoked twice)', ...CUSTOM, fail: (local: LocalAws) => { local.customSenderFails = true; }, errorType: 'FunctionError', tries: 1 },
    { name: 'Lambda answering 400', ...CUSTOM, fail: (local: LocalAws) => { local.failWithStatus = 400; }, errorType: 'ServiceException', tries: 1 },
  ])('$name: throws exactly the generic error, logs only the error type', async ({ channel, config, user, destination, fail, errorType, tries }) => {
    // GIVEN
    const lines: string[] = [];
    const handler = load('create', { [ENV.codeDelivery]: config }, lines);
    fail(aws);

    // WHEN
    const error = await rejection(handler(createEvent([], { user })));

    // THEN the client learns nothing
    // (The bundle runs in the main realm, so its Error is not this test context's Error.)
    expect(Object.prototype.toString.call(error)).toBe('[object Error]');
    expect(error.name).toBe('Error');
    expect(error.message).toBe(GENERIC_ERROR);
    expect(Object.keys(error)).toEqual([]);

    // AND the channel's API was called as often as allowed, and nothing else was sent
    expect(proxy.paths()).toEqual(Array(tries).fill(API_PATH[channel]));
    expect(aws.received).toHaveLength(0);

    // AND one line names the error type, and nothing about the user, the code or AWS's message
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({ trigger: 'create', outcome: 'fail', reason: `delivery failed: ${errorType}` });
    expect(lines[0]).not.toContain(destination);
    expect(lines[0]).not.toContain(user.userName);
    for (const detail of AWS_ERROR_DETAILS) {
      expect(lines[0]).not.toContain(detail);
    }
    expect(lines[0]).not.toMatch(/[0-9]{6}|@|\+[0-9]/);

    // AND once the channel recovers, the same container sends again
    aws.reset();
    proxy.seen.length = 0;
    await handler(createEvent([], { user }));
    expect(proxy.paths()).toEqual([API_PATH[channel]]);
    expect(aws.received).toHaveLength(1);
    remember(aws.lastCodeSentTo(destination));
  });

  // Regression: a timeout alone must not just warn; the send must fail inside Cognito's budget, or
  // Cognito retries Create and each retry may send another message with a different code.
  test.each([
    { name: 'SES', ...EMAIL },
    { name: 'SNS', ...SMS },
    { name: 'the custom sender', ...CUSTOM },
  ])('$name hanging: Create gives up with the generic error within Cognito\'s 5-second budget, and does not call again', async (
    { channel, config, user, destination },
  ) => {
    // GIVEN an endpoint that takes 6 s to answer
    const lines: string[] = [];
    const handler = load('create', { [ENV.codeDelivery]: config }, lines);
    aws.delayMillis = 6_000;

    // WHEN
    const started = performance.now();
    const outcome = handler(createEvent([], { user })).then(() => 'answered after the delay', (error: Error) => error.message);
    const first = await Promise.race([outcome, sleep(5_000).then(() => 'still waiting after 5 s')]);
    const elapsed = performance.now() - started;
    await outcome;
    const requests = proxy.paths();

    // (Let every delayed answer, including one to a retried request, land inside this test: the send
    // went out after the cold start's warm-up request to the same endpoint gave up, 1 s in.)
    await sleep(Math.max(0, (requests.length > 1 ? 10_500 : 7_500) - (performance.now() - started)));
    aws.received.forEach((message) => remember(codeIn(message)));

    // THEN
    expect(first).toBe(GENERIC_ERROR);
    expect(elapsed).toBeLessThan(5_000);
    expect(requests).toEqual([API_PATH[channel]]);
    expect(proxy.paths()).toEqual([API_PATH[channel]]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({ trigger: 'create', outcome: 'fail', reason: 'delivery failed: TimeoutError' });
    expect(lines[0]).not.toContain(destination);
    // (The one request reached the endpoint, which recorded it once it answered.)
    expect(aws.received.map((message) => message.channel)).toEqual([channel]);
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
test('handler logs hold only the allow-listed fields, and no code, answer, address, phone number, salt or digest', () => {
  // The check is not vacuous: all three triggers logged, and there is something to look for.
  const triggers = new Set(logged.map((line) => JSON.parse(line).trigger));
  expect([...triggers].sort()).toEqual(['create', 'define', 'verify']);
  expect(secrets.size).toBeGreaterThan(20);

  for (const line of logged) {
    expect(LOG_FIELDS).toEqual(expect.arrayContaining(Object.keys(JSON.parse(line))));
  }
  const leaks = logged.flatMap((line) => [...secrets].filter((secret) => line.includes(secret)).map((secret) => `${secret} in ${line}`));
  expect(leaks).toEqual([]);
  expect(logged.filter((line) => /[0-9]{6}|@|\+[0-9]/.test(line))).toEqual([]);
});
