import { ConfigError, loadConfig, readChallengeConfig, readCodeConfig } from '../../lambda/config';
import {
  CHALLENGE_COUNT, CODE_LENGTH, CODE_PLACEHOLDER, CODE_VALIDITY_SECONDS, ENV, IntegerBounds, MAX_ATTEMPTS,
} from '../../src/private/handler-contract';

type Env = Record<string, string | undefined>;

const VALID: Readonly<Env> = {
  [ENV.challengeCount]: '2',
  [ENV.passwordFirst]: 'true',
  [ENV.maxAttempts]: '3',
  [ENV.codeLength]: '8',
  [ENV.codeValiditySeconds]: '300',
  [ENV.emailFrom]: 'no-reply@sender.example',
  [ENV.emailSubject]: 'Your sign-in code',
  [ENV.emailBody]: `Your code is ${CODE_PLACEHOLDER}`,
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
      emailFrom: 'no-reply@sender.example',
      emailSubject: 'Your sign-in code',
      emailBody: `Your code is ${CODE_PLACEHOLDER}`,
    });
  });

  test('keeps the templates as written', () => {
    const body = `  Hello,\n\nyour code: ${CODE_PLACEHOLDER} (${CODE_PLACEHOLDER})\n`;
    expect(readCodeConfig(env({ [ENV.emailBody]: body })).emailBody).toBe(body);
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
    expect(() => read(env({ [name]: value }))).not.toThrow();
    expect(Object.values(read(env({ [name]: value })))).toContain(Number(value));
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
    ...[ENV.emailFrom, ENV.emailSubject, ENV.emailBody]
      .filter((name) => variables.includes(name))
      .flatMap((name): Array<[string, string | undefined, RegExp]> => [
        [name, undefined, /must be set/],
        [name, '', /must be set/],
        [name, '  \n\t', /must be set/],
      ]),
    ...(variables.includes(ENV.emailBody)
      ? [[ENV.emailBody, 'Your one-time passcode is below', new RegExp(`must contain ${CODE_PLACEHOLDER}`)] as [string, string, RegExp]]
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
    ...(variables.includes(ENV.emailBody) ? [[ENV.emailBody, 'Your one-time passcode is below']] : []),
  ])('does not repeat the value of %s=%j in its message', (name, value) => {
    expect(() => read(env({ [name]: value }))).toThrow(ConfigError);
    expect(() => read(env({ [name]: value }))).toThrow(expect.objectContaining({ message: expect.not.stringContaining(value) }));
  });

  test('rejects an empty environment', () => {
    expect(() => read({})).toThrow(ConfigError);
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
    { name: ENV.emailBody, value: 'Secret template without a placeholder', reason: `${ENV.emailBody} must contain ${CODE_PLACEHOLDER}` },
    { name: ENV.emailFrom, value: undefined, reason: `${ENV.emailFrom} must be set` },
  ])('returns undefined and logs one error naming $name, not its value', ({ name, value, reason }) => {
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
