import { logEvent } from './log';
import {
  CHALLENGE_COUNT, CODE_LENGTH, CODE_PLACEHOLDER, CODE_VALIDITY_SECONDS, ENV, IntegerBounds, MAX_ATTEMPTS,
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
  readonly emailFrom: string;
  readonly emailSubject: string;
  readonly emailBody: string;
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

function readText(env: Env, name: string): string {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    throw new ConfigError(`${name} must be set`);
  }
  return raw;
}

export function readChallengeConfig(env: Env): ChallengeConfig {
  return {
    challengeCount: readInteger(env, ENV.challengeCount, CHALLENGE_COUNT),
    passwordFirst: readBoolean(env, ENV.passwordFirst),
    maxAttempts: readInteger(env, ENV.maxAttempts, MAX_ATTEMPTS),
  };
}

export function readCodeConfig(env: Env): CodeConfig {
  const emailBody = readText(env, ENV.emailBody);
  if (!emailBody.includes(CODE_PLACEHOLDER)) {
    throw new ConfigError(`${ENV.emailBody} must contain ${CODE_PLACEHOLDER}`);
  }
  return {
    ...readChallengeConfig(env),
    codeLength: readInteger(env, ENV.codeLength, CODE_LENGTH),
    codeValiditySeconds: readInteger(env, ENV.codeValiditySeconds, CODE_VALIDITY_SECONDS),
    emailFrom: readText(env, ENV.emailFrom),
    emailSubject: readText(env, ENV.emailSubject),
    emailBody,
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
