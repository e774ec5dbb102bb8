import { Duration, Token, Tokenization } from 'aws-cdk-lib';
import type { IntegerBounds } from './handler-contract';

/**
 * Synth-time prop validation. Each message names the prop, the value received and the fix.
 * Unresolved tokens are passed through unchecked: their value is only known at deploy time.
 */

export function integerProp(prop: string, value: number | undefined, bounds: IntegerBounds): number {
  if (value === undefined || Token.isUnresolved(value)) {
    return value ?? bounds.default;
  }
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw new Error(`${prop} must be an integer from ${bounds.min} to ${bounds.max}, got ${value}. `
      + `Set ${prop} to a whole number in that range, or omit it for the default (${bounds.default}).`);
  }
  return value;
}

/** A duration in whole seconds; a token must be given as Duration.seconds(token). */
export function secondsProp(prop: string, value: Duration | undefined, bounds: IntegerBounds): number {
  if (value === undefined) {
    return bounds.default;
  }
  if (value.isUnresolved()) {
    try {
      return value.toSeconds();
    } catch {
      throw new Error(`${prop} is a token in a unit other than seconds. Pass Duration.seconds(token) instead.`);
    }
  }
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < bounds.min || seconds > bounds.max) {
    throw new Error(`${prop} must be a whole number of seconds from ${bounds.min} to ${bounds.max} `
      + `(${bounds.min / 60} to ${bounds.max / 60} minutes), got ${value.toHumanString()}. `
      + 'Use Duration.minutes() or Duration.seconds() within that range, or omit it for the default.');
  }
  return seconds;
}

/** A duration Cognito takes in whole minutes; aws-cdk-lib cannot pass a token through for these. */
export function minutesProp(prop: string, value: Duration | undefined, bounds: IntegerBounds): Duration {
  if (value === undefined) {
    return Duration.minutes(bounds.default);
  }
  const minutes = value.isUnresolved() ? undefined : value.toMinutes({ integral: false });
  if (minutes === undefined || !Number.isInteger(minutes) || minutes < bounds.min || minutes > bounds.max) {
    throw new Error(`${prop} must be a whole number of minutes from ${bounds.min} to ${bounds.max}, `
      + `got ${value.isUnresolved() ? 'a token' : value.toHumanString()}. `
      + `Use Duration.minutes(n) with n from ${bounds.min} to ${bounds.max}, or omit it for the default (${bounds.default}).`);
  }
  return value;
}

export function textProp(prop: string, value: string, rule: { maxLength: number; mustContain?: string }): string {
  if (Token.isUnresolved(value)) {
    return value;
  }
  if (value.trim() === '' || value.length > rule.maxLength) {
    throw new Error(`${prop} must be non-empty text of at most ${rule.maxLength} characters, got ${JSON.stringify(value.slice(0, 80))} `
      + `(${value.length} characters). Shorten it: Lambda caps a function's environment at 4 KB.`);
  }
  if (rule.mustContain !== undefined && !value.includes(rule.mustContain)) {
    throw new Error(`${prop} must contain the code placeholder ${rule.mustContain}, got ${JSON.stringify(value.slice(0, 80))}. `
      + `Put ${rule.mustContain} where the code should appear, e.g. "Your code is ${rule.mustContain}".`);
  }
  return value;
}

export function patternProp(prop: string, value: string, pattern: RegExp, expected: string): string {
  if (!Token.isUnresolved(value) && !pattern.test(value)) {
    throw new Error(`${prop} must be ${expected}, got ${JSON.stringify(value)}. Correct it or leave it out for the default.`);
  }
  return value;
}

/** The environment variable form of a number prop, token or not. */
export function numberEnv(value: number): string {
  return Tokenization.stringifyNumber(value);
}
