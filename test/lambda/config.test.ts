import { ConfigError, loadConfig, readChallengeConfig, readCodeConfig } from '../../lambda/config';
import {
  CHALLENGE_COUNT, ChannelConfig, CODE_LENGTH, CODE_PLACEHOLDER, CODE_VALIDITY_SECONDS, CustomChannelConfig, EmailChannelConfig, ENV,
  IntegerBounds, MAX_ATTEMPTS, SmsChannelConfig,
} from '../../src/private/handler-contract';

type Env = Record<string, string | undefined>;

const EMAIL: EmailChannelConfig = {
  kind: 'email',
  from: 'no-reply@sender.example',
  subject: 'Your sign-in code',
  body: `Your code is ${CODE_PLACEHOLDER}`,
};
const SMS: SmsChannelConfig = { kind: 'sms', message: `Your sign-in code is ${CODE_PLACEHOLDER}` };
const CUSTOM: CustomChannelConfig = {
  kind: 'custom',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:sender',
  attribute: 'custom:chat_id',
  medium: 'CHAT',
};

/** CODE_DELIVERY as the construct writes it: the channels, and challenge n's channel at challenges[n - 1]. */
function delivery(channels: unknown[], challenges: unknown[]): string {
  return JSON.stringify({ channels, challenges });
}

/** One channel for every one of `count` challenges. */
function oneChannel(channel: ChannelConfig, count: number): string {
  return delivery([channel], Array.from({ length: count }, () => 0));
}

const VALID: Readonly<Env> = {
  [ENV.challengeCount]: '2',
  [ENV.passwordFirst]: 'true',
  [ENV.maxAttempts]: '3',
  [ENV.codeLength]: '8',
  [ENV.codeValiditySeconds]: '300',
  [ENV.codeDelivery]: oneChannel(EMAIL, 2),
};

function env(overrides: Env = {}): Env {
  return { ...VALID, ...overrides };
}

/** The words of a message, so "does not name the value" is not fooled by '0' inside '10'. */
function words(message: string): string[] {
  return message.split(/[\s"]+/).filter((word) => word !== '');
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('readChallengeConfig', () => {
  test('reads a valid environment', () => {
    expect(readChallengeConfig(env())).toEqual({ challengeCount: 2, passwordFirst: true, maxAttempts: 3 });
    expect(readChallengeConfig(env({ [ENV.passwordFirst]: 'false' })).passwordFirst).toBe(false);
  });

  test('needs none of the code variables', () => {
    const challengeOnly = { [ENV.challengeCount]: '1', [ENV.passwordFirst]: 'false', [ENV.maxAttempts]: '1' };
    expect(readChallengeConfig(challengeOnly)).toEqual({ challengeCount: 1, passwordFirst: false, maxAttempts: 1 });
  });
});

describe('readCodeConfig', () => {
  test('reads a valid environment', () => {
    expect(readCodeConfig(env())).toEqual({
      challengeCount: 2,
      passwordFirst: true,
      maxAttempts: 3,
      codeLength: 8,
      codeValiditySeconds: 300,
      delivery: {
        channels: [{ kind: 'email', from: 'no-reply@sender.example', subject: 'Your sign-in code', body: `Your code is ${CODE_PLACEHOLDER}` }],
        challenges: [0, 0],
      },
    });
  });

  test('reads every kind of channel, and a channel per challenge', () => {
    // GIVEN email for challenge 1, SMS for challenge 2, a custom sender for challenge 3
    const sms: SmsChannelConfig = { ...SMS, senderId: 'ACME', originationNumber: '+18005550100' };
    const given = env({ [ENV.challengeCount]: '3', [ENV.codeDelivery]: delivery([EMAIL, sms, CUSTOM], [0, 1, 2]) });

    // THEN
    expect(readCodeConfig(given).delivery).toEqual({ channels: [EMAIL, sms, CUSTOM], challenges: [0, 1, 2] });
  });

  test('keeps the templates as written', () => {
    const body = `  Hello,\n\nyour code: ${CODE_PLACEHOLDER} (${CODE_PLACEHOLDER})\n`;
    const message = ` ${CODE_PLACEHOLDER} is your code\n`;
    const given = env({ [ENV.codeDelivery]: delivery([{ ...EMAIL, body }, { ...SMS, message }], [0, 1]) });
    expect(readCodeConfig(given).delivery.channels).toEqual([{ ...EMAIL, body }, { ...SMS, message }]);
  });
});

const INTEGERS: Array<[string, IntegerBounds]> = [
  [ENV.challengeCount, CHALLENGE_COUNT],
  [ENV.maxAttempts, MAX_ATTEMPTS],
  [ENV.codeLength, CODE_LENGTH],
  [ENV.codeValiditySeconds, CODE_VALIDITY_SECONDS],
];
const CHALLENGE_VARIABLES: string[] = [ENV.challengeCount, ENV.passwordFirst, ENV.maxAttempts];

describe.each([
  { reader: 'readChallengeConfig', read: readChallengeConfig, variables: CHALLENGE_VARIABLES },
  { reader: 'readCodeConfig', read: readCodeConfig, variables: Object.values(ENV) as string[] },
])('$reader', ({ read, variables }) => {
  const integerCases = INTEGERS.filter(([name]) => variables.includes(name));

  test.each(integerCases.flatMap(([name, bounds]) => [
    [name, String(bounds.min)],
    [name, String(bounds.max)],
    [name, String(bounds.default)],
  ]))('accepts %s=%s (in range)', (name, value) => {
    // (With a channel for each of that many challenges, so only the integer is under test.)
    const given = env({ [name]: value, ...(name === ENV.challengeCount ? { [ENV.codeDelivery]: oneChannel(EMAIL, Number(value)) } : {}) });
    expect(() => read(given)).not.toThrow();
    expect(Object.values(read(given))).toContain(Number(value));
  });

  const rejections: Array<[string, string | undefined, RegExp]> = [
    ...integerCases.flatMap(([name, bounds]): Array<[string, string | undefined, RegExp]> => [
      [name, undefined, /must be an integer/],
      [name, '', /must be an integer/],
      [name, 'abc', /must be an integer/],
      [name, ' 3', /must be an integer/],
      [name, '3 ', /must be an integer/],
      [name, '-1', /must be an integer/],
      [name, '+3', /must be an integer/],
      [name, '2.5', /must be an integer/],
      [name, '1e1', /must be an integer/],
      [name, '0x10', /must be an integer/],
      [name, '١٢', /must be an integer/],
      [name, '9999999999', /must be an integer/],
      [name, String(bounds.min - 1), new RegExp(`must be from ${bounds.min} to ${bounds.max}`)],
      [name, String(bounds.max + 1), new RegExp(`must be from ${bounds.min} to ${bounds.max}`)],
      [name, '999999', new RegExp(`must be from ${bounds.min} to ${bounds.max}`)],
    ]),
    ...(variables.includes(ENV.passwordFirst)
      ? ([undefined, '', 'TRUE', 'True', 'yes', '1', ' true', 'false\n'] as Array<string | undefined>)
        .map((value): [string, string | undefined, RegExp] => [ENV.passwordFirst, value, /must be "true" or "false"/])
      : []),
    ...(variables.includes(ENV.codeDelivery)
      ? ([
        [ENV.codeDelivery, undefined, /must be JSON/],
        [ENV.codeDelivery, '', /must be JSON/],
        [ENV.codeDelivery, '  \n\t', /must be JSON/],
        [ENV.codeDelivery, delivery([{ ...EMAIL, from: undefined }], [0, 0]), /must list valid channels/],
        [ENV.codeDelivery, delivery([{ ...EMAIL, subject: '' }], [0, 0]), /must list valid channels/],
        [ENV.codeDelivery, delivery([{ ...EMAIL, body: '  \n\t' }], [0, 0]), /must list valid channels/],
        [ENV.codeDelivery, delivery([{ ...EMAIL, body: 'Your one-time passcode is below' }], [0, 0]), /must list valid channels/],
      ] as Array<[string, string | undefined, RegExp]>)
      : []),
  ];

  test.each(rejections)('rejects %s=%j with a message naming the variable', (name, value, message) => {
    // WHEN
    let error: unknown;
    try {
      read(env({ [name]: value }));
    } catch (caught) {
      error = caught;
    }

    // THEN
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toMatch(new RegExp(`^${name} `));
    expect(text).toMatch(message);
  });

  test.each([
    ...integerCases.flatMap(([name]) => [[name, 'abc'], [name, '1e1'], [name, '999999'], [name, '2.5']]),
    ...(variables.includes(ENV.passwordFirst) ? [[ENV.passwordFirst, 'yes'], [ENV.passwordFirst, 'TRUE']] : []),
  ])('does not repeat the value of %s=%j in its message', (name, value) => {
    expect(() => read(env({ [name]: value }))).toThrow(ConfigError);
    expect(() => read(env({ [name]: value }))).toThrow(expect.objectContaining({ message: expect.not.stringContaining(value) }));
  });

  test('rejects an empty environment', () => {
    expect(() => read({})).toThrow(ConfigError);
  });
});

describe(`readCodeConfig: ${ENV.codeDelivery}`, () => {
  const NOT_JSON = `${ENV.codeDelivery} must be JSON`;
  const BAD_CHANNELS = `${ENV.codeDelivery} must list valid channels`;
  const badChallenges = (count: number) => `${ENV.codeDelivery} must name a channel for each of the ${count} challenges`;

  /** Reads CODE_DELIVERY (for CHALLENGE_COUNT=2 unless told) and gives the ConfigError's message, or undefined. */
  function rejection(value: string | undefined, challengeCount = 2): string | undefined {
    try {
      readCodeConfig(env({ [ENV.codeDelivery]: value, [ENV.challengeCount]: String(challengeCount) }));
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    return undefined;
  }

  /** CODE_DELIVERY with one channel, used by both challenges. */
  const only = (channel: unknown): string => delivery([channel], [0, 0]);
  const without = <T extends object>(channel: T, key: keyof T): unknown => ({ ...channel, [key]: undefined });

  test.each<[string, string | undefined]>([
    ['missing', undefined],
    ['empty', ''],
    ['blank', ' \n'],
    ['not JSON', 'email'],
    ['cut short', delivery([EMAIL], [0, 0]).slice(0, -1)],
    ['single-quoted', '{\'channels\': [], \'challenges\': [0, 0]}'],
  ])('rejects %s JSON, naming the variable only', (_name, value) => {
    expect(rejection(value)).toBe(NOT_JSON);
  });

  test.each<[string, string]>([
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"email"'],
    ['an array', `[${JSON.stringify(EMAIL)}]`],
    ['no channels', JSON.stringify({ challenges: [0, 0] })],
    ['channels as an object', JSON.stringify({ channels: { 0: EMAIL }, challenges: [0, 0] })],
    ['empty channels', delivery([], [0, 0])],
    ['a null channel', only(null)],
    ['a string channel', only('email')],
    ['a channel without a kind', only(without(EMAIL, 'kind'))],
    ['an unknown kind', only({ ...EMAIL, kind: 'push' })],
    ['a kind in capitals', only({ ...EMAIL, kind: 'EMAIL' })],
    ['a valid channel beside an invalid one (even unused)', delivery([EMAIL, { ...SMS, message: 'Your code' }], [0, 0])],
  ])('rejects %s', (_name, value) => {
    expect(rejection(value)).toBe(BAD_CHANNELS);
  });

  const badChannels: Array<[string, unknown]> = [
    ['email without from', without(EMAIL, 'from')],
    ['email with an empty from', { ...EMAIL, from: '' }],
    ['email with a blank from', { ...EMAIL, from: ' \t' }],
    ['email with a numeric from', { ...EMAIL, from: 42 }],
    ['email with a null from', { ...EMAIL, from: null }],
    ['email without subject', without(EMAIL, 'subject')],
    ['email with an empty subject', { ...EMAIL, subject: '' }],
    ['email with a blank subject', { ...EMAIL, subject: '  \n\t' }],
    ['email with a numeric subject', { ...EMAIL, subject: 42 }],
    ['email without body', without(EMAIL, 'body')],
    ['email with an empty body', { ...EMAIL, body: '' }],
    ['email with a blank body', { ...EMAIL, body: '  \n\t' }],
    ['email with a body without the placeholder', { ...EMAIL, body: 'Your one-time passcode is below' }],
    ['email with a body with a broken placeholder', { ...EMAIL, body: 'Your code is {###}' }],
    ['email with a body with a spaced placeholder', { ...EMAIL, body: 'Your code is { #### }' }],
    ['email with a body as an array', { ...EMAIL, body: [CODE_PLACEHOLDER] }],
    ['SMS without message', without(SMS, 'message')],
    ['SMS with an empty message', { ...SMS, message: '' }],
    ['SMS with a message without the placeholder', { ...SMS, message: 'Your sign-in code' }],
    ['SMS with a message with a broken placeholder', { ...SMS, message: 'Code: {###}' }],
    ['SMS with a numeric message', { ...SMS, message: 42 }],
    ['SMS with an empty senderId', { ...SMS, senderId: '' }],
    ['SMS with a blank senderId', { ...SMS, senderId: '  ' }],
    ['SMS with a numeric senderId', { ...SMS, senderId: 42 }],
    ['SMS with a null senderId', { ...SMS, senderId: null }],
    ['SMS with a boolean senderId', { ...SMS, senderId: true }],
    ['SMS with an empty originationNumber', { ...SMS, originationNumber: '' }],
    ['SMS with a blank originationNumber', { ...SMS, originationNumber: ' \t' }],
    ['SMS with a numeric originationNumber', { ...SMS, originationNumber: 18005550100 }],
    ['SMS with a null originationNumber', { ...SMS, originationNumber: null }],
    ['custom without functionArn', without(CUSTOM, 'functionArn')],
    ['custom with an empty functionArn', { ...CUSTOM, functionArn: '' }],
    ['custom with a function name for functionArn', { ...CUSTOM, functionArn: 'sender' }],
    ['custom with a partial functionArn', { ...CUSTOM, functionArn: 'function:sender' }],
    ['custom with an SNS topic for functionArn', { ...CUSTOM, functionArn: 'arn:aws:sns:us-east-1:123456789012:codes' }],
    ['custom with functionArn in capitals', { ...CUSTOM, functionArn: 'ARN:AWS:LAMBDA:us-east-1:123456789012:function:sender' }],
    ['custom with a space before functionArn', { ...CUSTOM, functionArn: ` ${CUSTOM.functionArn}` }],
    ['custom with functionArn cut before the region', { ...CUSTOM, functionArn: 'arn:aws:lambda' }],
    ['custom with something before functionArn', { ...CUSTOM, functionArn: `x${CUSTOM.functionArn}` }],
    ['custom with a numeric functionArn', { ...CUSTOM, functionArn: 123456789012 }],
    ['custom without attribute', without(CUSTOM, 'attribute')],
    ['custom with an empty attribute', { ...CUSTOM, attribute: '' }],
    ['custom with a blank attribute', { ...CUSTOM, attribute: '  ' }],
    ['custom with a numeric attribute', { ...CUSTOM, attribute: 7 }],
    ['custom without medium', without(CUSTOM, 'medium')],
    ['custom with an empty medium', { ...CUSTOM, medium: '' }],
    ['custom with a blank medium', { ...CUSTOM, medium: '\n' }],
    ['custom with a numeric medium', { ...CUSTOM, medium: 1 }],
  ];

  test.each(badChannels)('rejects %s', (_name, channel) => {
    expect(rejection(only(channel))).toBe(BAD_CHANNELS);
    // AND wherever the bad channel sits in the list
    expect(rejection(delivery([EMAIL, channel], [0, 1]))).toBe(BAD_CHANNELS);
  });

  test.each<[string, unknown]>([
    ['email with the placeholder only', { ...EMAIL, body: CODE_PLACEHOLDER }],
    ['email with the placeholder twice', { ...EMAIL, body: `${CODE_PLACEHOLDER} ${CODE_PLACEHOLDER}` }],
    ['email with the placeholder in the subject too', { ...EMAIL, subject: `Code ${CODE_PLACEHOLDER}` }],
    ['SMS without senderId and originationNumber', SMS],
    ['SMS with senderId', { ...SMS, senderId: 'ACME' }],
    ['SMS with originationNumber', { ...SMS, originationNumber: '+18005550100' }],
    ['SMS with both', { ...SMS, senderId: 'ACME', originationNumber: '+18005550100' }],
    ['SMS with the placeholder only', { ...SMS, message: CODE_PLACEHOLDER }],
    ['custom', CUSTOM],
    ['custom in aws-cn', { ...CUSTOM, functionArn: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:sender' }],
    ['custom in aws-us-gov', { ...CUSTOM, functionArn: 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:sender' }],
    ['custom with an alias ARN', { ...CUSTOM, functionArn: `${CUSTOM.functionArn}:live` }],
    ['custom reading email', { ...CUSTOM, attribute: 'email', medium: 'EMAIL' }],
    ['custom reading phone_number', { ...CUSTOM, attribute: 'phone_number', medium: 'WHATSAPP' }],
  ])('accepts %s', (_name, channel) => {
    expect(rejection(only(channel))).toBeUndefined();
    expect(readCodeConfig(env({ [ENV.codeDelivery]: only(channel) })).delivery).toEqual({ channels: [channel], challenges: [0, 0] });
  });

  test.each<[string, unknown]>([
    ['no challenges', undefined],
    ['challenges as an object', { 0: 0, 1: 0 }],
    ['challenges as a string', '0,0'],
    ['empty challenges', []],
    ['fewer challenges than CHALLENGE_COUNT', [0]],
    ['an index past the last channel', [0, 2]],
    ['a negative index', [-1, 0]],
    ['a fractional index', [0, 0.5]],
    ['a string index', ['0', 0]],
    ['a null index', [null, 0]],
    ['a boolean index', [0, true]],
    ['a huge index', [0, 1e21]],
  ])('rejects %s', (_name, challenges) => {
    expect(rejection(JSON.stringify({ channels: [EMAIL, SMS], challenges }))).toBe(badChallenges(2));
  });

  test.each<[string, number, number[]]>([
    ['one channel per challenge', 2, [0, 1]],
    ['the channels in the other order', 2, [1, 0]],
    ['a channel left unused', 2, [1, 1]],
    ['more entries than challenges (the construct writes the most when CHALLENGE_COUNT is a token)', 2, Array(CHALLENGE_COUNT.max).fill(0)],
    ['the most challenges', CHALLENGE_COUNT.max, Array.from({ length: CHALLENGE_COUNT.max }, (_, i) => i % 2)],
    ['the fewest challenges', CHALLENGE_COUNT.min, [1]],
  ])('accepts %s', (_name, challengeCount, challenges) => {
    expect(rejection(delivery([EMAIL, SMS], challenges), challengeCount)).toBeUndefined();
  });

  test('names the challenge count it needs a channel for', () => {
    expect(rejection(oneChannel(EMAIL, 2), 3)).toBe(badChallenges(3));
    expect(rejection(oneChannel(EMAIL, CHALLENGE_COUNT.max - 1), CHALLENGE_COUNT.max)).toBe(badChallenges(CHALLENGE_COUNT.max));
    expect(rejection(oneChannel(EMAIL, CHALLENGE_COUNT.max), CHALLENGE_COUNT.max)).toBeUndefined();
  });

  test('does not repeat the rejected configuration in its message', () => {
    // GIVEN values that must stay out of an error message (and so out of the logs)
    const template = 'Your one-time passcode is below';
    const arn = 'arn:aws:sqs:us-east-1:123456789012:secret-queue';

    // THEN each message is the fixed sentence, without them
    for (const message of [
      rejection(only({ ...EMAIL, body: template })),
      rejection(only({ ...CUSTOM, functionArn: arn })),
      rejection(delivery([EMAIL], [0, 'secret-index'])),
      rejection(`{"channels": [{"kind": "email", "body": "${template}"`),
    ]) {
      expect(message).toMatch(new RegExp(`^${ENV.codeDelivery} `));
      expect(message).not.toContain(template);
      expect(message).not.toContain('secret');
      expect(message).not.toContain('123456789012');
    }
  });
});

describe('loadConfig', () => {
  test('returns the configuration and logs nothing when it is valid', () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(loadConfig('create', readCodeConfig, env())).toEqual(readCodeConfig(env()));
    expect(error).not.toHaveBeenCalled();
  });

  test.each([
    { name: ENV.challengeCount, value: 'abc', reason: `${ENV.challengeCount} must be an integer` },
    { name: ENV.maxAttempts, value: '123456', reason: `${ENV.maxAttempts} must be from ${MAX_ATTEMPTS.min} to ${MAX_ATTEMPTS.max}` },
    { name: ENV.passwordFirst, value: 'maybe', reason: `${ENV.passwordFirst} must be "true" or "false"` },
    { name: ENV.codeLength, value: '4', reason: `${ENV.codeLength} must be from ${CODE_LENGTH.min} to ${CODE_LENGTH.max}` },
    {
      name: ENV.codeDelivery,
      value: delivery([{ ...EMAIL, body: 'Secret template without a placeholder' }], [0, 0]),
      secret: 'Secret template without a placeholder',
      reason: `${ENV.codeDelivery} must list valid channels`,
    },
    {
      name: ENV.codeDelivery,
      value: delivery([{ ...CUSTOM, functionArn: 'secret-function-name' }], [0, 0]),
      secret: 'secret-function-name',
      reason: `${ENV.codeDelivery} must list valid channels`,
    },
    {
      name: ENV.codeDelivery,
      value: delivery([{ ...EMAIL, from: 'secret-sender@corp.example' }], [0, 7]),
      secret: 'secret-sender@corp.example',
      reason: `${ENV.codeDelivery} must name a channel for each of the 2 challenges`,
    },
    { name: ENV.codeDelivery, value: '{"channels":[{"kind":"email","from":"secret-sender', reason: `${ENV.codeDelivery} must be JSON` },
    { name: ENV.codeDelivery, value: delivery([{ ...EMAIL, from: undefined }], [0, 0]), reason: `${ENV.codeDelivery} must list valid channels` },
    { name: ENV.codeDelivery, value: undefined, reason: `${ENV.codeDelivery} must be JSON` },
  ])('returns undefined and logs one error naming $name, not its value', ({ name, value, reason, secret }) => {
    // GIVEN
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);

    // WHEN
    const config = loadConfig('create', readCodeConfig, env({ [name]: value }));

    // THEN
    expect(config).toBeUndefined();
    expect(info).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledTimes(1);
    const [line] = error.mock.calls[0];
    expect(JSON.parse(line as string)).toEqual({ trigger: 'create', outcome: 'misconfigured', reason });
    if (value !== undefined) {
      expect(words(JSON.parse(line as string).reason)).not.toContain(value);
      expect(line).not.toContain(value);
    }
    if (secret !== undefined) {
      expect(line).not.toContain(secret);
      expect(line).not.toContain('secret');
    }
  });

  test('logs a generic reason, not the message, for an error that is not a ConfigError', () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const read = (): never => {
      throw new TypeError('Cannot read properties of secret-value-4711');
    };

    expect(loadConfig('define', read, env())).toBeUndefined();
    expect(error).toHaveBeenCalledTimes(1);
    const [line] = error.mock.calls[0];
    expect(JSON.parse(line as string)).toEqual({ trigger: 'define', outcome: 'misconfigured', reason: 'unreadable configuration' });
    expect(line).not.toContain('secret-value-4711');
  });

  test('reads process.env when no environment is given', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, env());
      jest.spyOn(console, 'error').mockImplementation(() => undefined);
      expect(loadConfig('define', readChallengeConfig)).toEqual({ challengeCount: 2, passwordFirst: true, maxAttempts: 3 });
    } finally {
      for (const key of Object.keys(process.env)) {
        if (!(key in saved)) {
          delete process.env[key];
        }
      }
      Object.assign(process.env, saved);
    }
  });
});
