import type { BudgetConfig } from './budget';
import { logEvent } from './log';
import {
  BUDGET_MAX_CODES, BUDGET_MAX_WRONG_ANSWERS, BUDGET_WINDOW_SECONDS, CHALLENGE_COUNT, ChannelConfig,
  CODE_LENGTH, CODE_PLACEHOLDER, CODE_VALIDITY_SECONDS, CodeDeliveryConfig, ENV, IntegerBounds,
  MAX_ATTEMPTS,
} from '../src/private/handler-contract';

type Env = Readonly<Record<string, string | undefined>>;

/** What Define and Create need to walk a session. */
export interface ChallengeConfig {
  readonly challengeCount: number;
  readonly passwordFirst: boolean;
  readonly maxAttempts: number;
}

/** What Create needs to issue and deliver a code. */
export interface CodeConfig extends ChallengeConfig {
  readonly codeLength: number;
  readonly codeValiditySeconds: number;
  readonly delivery: CodeDeliveryConfig;
  /** Absent when the construct turned the cross-session budget off. */
  readonly budget?: BudgetConfig;
}

/** Thrown for a missing or malformed variable; the message names the variable, never a value. */
export class ConfigError extends Error {}

function readInteger(env: Env, name: string, bounds: IntegerBounds): number {
  const raw = env[name];
  if (raw === undefined || !/^\d{1,6}$/.test(raw)) {
    throw new ConfigError(`${name} must be an integer`);
  }
  const value = Number(raw);
  if (value < bounds.min || value > bounds.max) {
    throw new ConfigError(`${name} must be from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}

function readBoolean(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw !== 'true' && raw !== 'false') {
    throw new ConfigError(`${name} must be "true" or "false"`);
  }
  return raw === 'true';
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const isOptionalText = (value: unknown): boolean => value === undefined || isText(value);
const hasPlaceholder = (value: unknown): boolean => isText(value) && value.includes(CODE_PLACEHOLDER);

function isChannel(value: unknown): value is ChannelConfig {
  const channel = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  switch (channel.kind) {
    case 'email':
      return isText(channel.from) && isText(channel.subject) && hasPlaceholder(channel.body);
    case 'sms':
      return hasPlaceholder(channel.message) && isOptionalText(channel.senderId) && isOptionalText(channel.originationNumber);
    case 'custom':
      return isText(channel.functionArn) && /^arn:aws[a-z-]*:lambda:/.test(channel.functionArn)
        && isText(channel.attribute) && isText(channel.medium);
    default:
      return false;
  }
}

function readDelivery(env: Env, challengeCount: number): CodeDeliveryConfig {
  const name = ENV.codeDelivery;
  let parsed: Partial<CodeDeliveryConfig>;
  try {
    parsed = JSON.parse(env[name] ?? '');
  } catch {
    throw new ConfigError(`${name} must be JSON`);
  }
  const { channels, challenges } = parsed ?? {};
  if (!Array.isArray(channels) || channels.length === 0 || !channels.every(isChannel)) {
    throw new ConfigError(`${name} must list valid channels`);
  }
  if (!Array.isArray(challenges) || challenges.length < challengeCount
    || !challenges.every((index) => Number.isInteger(index) && index >= 0 && index < channels.length)) {
    throw new ConfigError(`${name} must name a channel for each of the ${challengeCount} challenges`);
  }
  return { channels, challenges };
}

export function readChallengeConfig(env: Env): ChallengeConfig {
  return {
    challengeCount: readInteger(env, ENV.challengeCount, CHALLENGE_COUNT),
    passwordFirst: readBoolean(env, ENV.passwordFirst),
    maxAttempts: readInteger(env, ENV.maxAttempts, MAX_ATTEMPTS),
  };
}

function readSalt(env: Env): string {
  const salt = env[ENV.budgetSalt];
  if (salt === undefined || salt.trim().length < 16) {
    throw new ConfigError(`${ENV.budgetSalt} must be at least 16 characters`);
  }
  return salt;
}

function readBudget(env: Env): BudgetConfig | undefined {
  const tableName = env[ENV.budgetTable];
  if (tableName === undefined) {
    return undefined;
  }
  if (!/^[\w.-]{3,255}$/.test(tableName)) {
    throw new ConfigError(`${ENV.budgetTable} must be a DynamoDB table name`);
  }
  return {
    tableName,
    windowSeconds: readInteger(env, ENV.budgetWindowSeconds, BUDGET_WINDOW_SECONDS),
    maxCodes: readInteger(env, ENV.budgetMaxCodes, BUDGET_MAX_CODES),
    maxWrongAnswers: readInteger(env, ENV.budgetMaxWrongAnswers, BUDGET_MAX_WRONG_ANSWERS),
    salt: readSalt(env),
  };
}

export function readCodeConfig(env: Env): CodeConfig {
  const challengeConfig = readChallengeConfig(env);
  return {
    ...challengeConfig,
    codeLength: readInteger(env, ENV.codeLength, CODE_LENGTH),
    codeValiditySeconds: readInteger(env, ENV.codeValiditySeconds, CODE_VALIDITY_SECONDS),
    delivery: readDelivery(env, challengeConfig.challengeCount),
    budget: readBudget(env),
  };
}

/**
 * Reads configuration once, at cold start. A broken configuration is logged loudly and yields
 * undefined, which every handler treats as "fail closed" on each invocation.
 */
export function loadConfig<T>(trigger: string, read: (env: Env) => T, env: Env = process.env): T | undefined {
  try {
    return read(env);
  } catch (error) {
    const reason = error instanceof ConfigError ? error.message : 'unreadable configuration';
    logEvent('error', { trigger, outcome: 'misconfigured', reason });
    return undefined;
  }
}
