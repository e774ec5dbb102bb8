import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LogSink } from './bundled-handlers';

/**
 * One capture of everything the bundled handlers write to their console, across the whole Jest run.
 *
 * The Jest globalSetup (test/support/jest-global-setup.ts) makes a temporary directory and names it
 * in LOG_CAPTURE_DIR_ENV; every `loadBundledHandler` in every worker then tees the handler's console
 * into it (one file per worker) and records the values that must never be logged: the codes LocalSes
 * delivered, and every answer, address, salt, digest, expiry and metadata found in the events and
 * responses that pass through the loaded handlers. The globalTeardown checks the capture once all test
 * files have run (`checkLogCapture`). Outside Jest (the demo, the benchmark) nothing is captured.
 */
export const LOG_CAPTURE_DIR_ENV = 'CUSTOM_AUTH_LOG_CAPTURE_DIR';

/** One console line of one bundled handler. */
export interface CapturedLine {
  /** The test file that was running, relative to the repository (`(outside a test)` when unknown). */
  readonly suite: string;
  /** The bundle's folder (`define-auth-challenge.lambda`, ...), or `local <stack>/<function>` for a function the local command ran. */
  readonly handler: string;
  readonly level: string;
  readonly line: string;
}

const REPOSITORY = path.join(__dirname, '..', '..');

function captureDir(): string | undefined {
  return process.env[LOG_CAPTURE_DIR_ENV];
}

/** The test file running in this worker, relative to the repository. */
export function currentSuite(): string {
  const testPath: unknown = (globalThis as { expect?: { getState?: () => { testPath?: unknown } } }).expect?.getState?.().testPath;
  return typeof testPath === 'string' ? path.relative(REPOSITORY, testPath).split(path.sep).join('/') : '(outside a test)';
}

function append(kind: 'lines' | 'secrets', record: unknown): void {
  const dir = captureDir();
  if (dir !== undefined) {
    appendFileSync(path.join(dir, `${kind}-${process.pid}.jsonl`), `${JSON.stringify(record)}\n`);
  }
}

/** Adds one handler console line to the capture (nothing outside Jest). */
export function captureLine(captured: CapturedLine): void {
  append('lines', captured);
}

/** A console that writes each line to the capture, then to `sink`. */
export function capturingConsole(handlerFile: string, sink: LogSink): LogSink {
  const handler = path.basename(path.dirname(handlerFile));
  const tee = (level: keyof LogSink) => (...args: unknown[]): void => {
    const line = args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
    captureLine({ suite: currentSuite(), handler, level, line });
    sink[level](...args);
  };
  return { info: tee('info'), error: tee('error'), warn: tee('warn'), log: tee('log'), debug: tee('debug') };
}

/**
 * Words a correct log line legitimately holds. A value equal to one of them is not recorded as a
 * secret (a test that sends the answer "correct" must not make the outcome "correct" a leak).
 */
const LOG_VOCABULARY = new Set(['define', 'create', 'verify', 'CUSTOM_CHALLENGE', 'PASSWORD_VERIFIER', 'tokens', 'fail', 'correct', 'wrong']);

/** Records values that must never appear in a log line. Short values (under 6 characters) are left to the format checks. */
export function rememberSecrets(...values: unknown[]): void {
  rememberAll(values);
}

/** rememberSecrets for a list of any length (a hostile session may hold a million entries: too many to spread into a call). */
function rememberAll(values: unknown[]): void {
  if (captureDir() === undefined) {
    return;
  }
  const secrets = values
    .filter((value): value is string => typeof value === 'string' && value.trim().length >= 6 && !LOG_VOCABULARY.has(value))
    // A huge value is recorded by its first 64 characters: enough to find it, small enough to search for.
    .map((value) => (value.length > 512 ? value.slice(0, 64) : value));
  for (const secret of new Set(secrets)) {
    append('secrets', secret);
  }
}

/** Records what a delivered message carries: its recipients, and every run of 6 or more digits (the codes). */
export function rememberMessageSecrets(to: string[], text: string): void {
  rememberAll([...to, ...text.match(/[0-9]{6,}/g) ?? []]);
}

/** The values in `value` and in the objects it holds, three levels deep (events may be hostile, even cyclic). */
function stringsIn(value: unknown, depth = 3): unknown[] {
  if (typeof value === 'object' && value !== null) {
    return depth === 0 ? [] : Object.values(value).flatMap((inner) => stringsIn(inner, depth - 1));
  }
  return [value];
}

/** Records what in a trigger event must stay out of the logs: user attributes, answers, private parameters, metadata. */
export function rememberEventSecrets(event: unknown): void {
  const { userName, request } = (typeof event === 'object' && event !== null ? event : {}) as Record<string, any>;
  if (typeof request !== 'object' || request === null) {
    return;
  }
  const sessionMetadata: unknown[] = Array.isArray(request.session)
    ? Array.from(request.session, (entry: unknown) => (entry as { challengeMetadata?: unknown } | null)?.challengeMetadata)
    : [];
  rememberAll([
    userName,
    request.challengeAnswer,
    ...stringsIn(request.userAttributes),
    ...stringsIn(request.privateChallengeParameters),
    ...stringsIn(request.clientMetadata),
  ].concat(sessionMetadata));
}

/** Records what a handler answered that must stay out of the logs: private parameters and metadata. */
export function rememberResponseSecrets(result: unknown): void {
  const response = (result as { response?: Record<string, unknown> } | undefined)?.response;
  if (typeof response === 'object' && response !== null) {
    rememberAll([...stringsIn(response.privateChallengeParameters), response.challengeMetadata]);
  }
}

/** Every captured line and every recorded secret, from all workers. */
export function readLogCapture(dir: string): { lines: CapturedLine[]; secrets: Set<string> } {
  const files = existsSync(dir) ? readdirSync(dir) : [];
  const records = (kind: string): unknown[] => files
    .filter((file) => file.startsWith(`${kind}-`))
    .flatMap((file) => readFileSync(path.join(dir, file), 'utf8').split('\n').filter((line) => line !== ''))
    .map((line) => JSON.parse(line));
  return { lines: records('lines') as CapturedLine[], secrets: new Set(records('secrets') as string[]) };
}

/** Formats no log line may hold whatever the test: a code or expiry (6+ digits), an address, a salt or digest, metadata. */
const FORBIDDEN_FORMATS: Array<[string, RegExp]> = [
  ['a run of 6 or more digits (a code or an expiry)', /[0-9]{6}/],
  ['an @ (an email address)', /@/],
  ['32 or more hex digits (a salt or a digest)', /[0-9a-f]{32}/i],
  ['code metadata', /CODE-/],
];

/** The fields a handler log line may have, and what each may hold. */
const ALLOWED_FIELDS: Record<string, (value: unknown) => boolean> = {
  trigger: (value) => value === 'define' || value === 'create' || value === 'verify',
  outcome: (value) => typeof value === 'string' && /^[A-Za-z_ ]{1,40}$/.test(value),
  challengeNumber: (value) => Number.isInteger(value) && (value as number) >= 0 && (value as number) < 100,
  wrongAnswers: (value) => Number.isInteger(value) && (value as number) >= 0 && (value as number) < 100,
  reason: (value) => typeof value === 'string' && /^[A-Za-z0-9_ .:"{}#-]{1,160}$/.test(value),
};

/** Problems with one captured line: not an allow-listed JSON record, a forbidden format, or a recorded secret. */
export function problemsWith(captured: CapturedLine, secrets: Set<string>): string[] {
  const where = `${captured.suite} (${captured.handler}): ${captured.line.slice(0, 200)}`;
  const problems: string[] = [];
  let record: unknown;
  try {
    record = JSON.parse(captured.line);
  } catch {
    record = undefined;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    problems.push(`not a JSON log record: ${where}`);
  } else {
    for (const [key, value] of Object.entries(record)) {
      if (!(key in ALLOWED_FIELDS) || !ALLOWED_FIELDS[key](value)) {
        problems.push(`field ${JSON.stringify(key)} not allowed with this value: ${where}`);
      }
    }
  }
  for (const [what, format] of FORBIDDEN_FORMATS) {
    if (format.test(captured.line)) {
      problems.push(`${what}: ${where}`);
    }
  }
  for (const secret of secrets) {
    if (captured.line.includes(secret)) {
      problems.push(`a recorded secret (${secret.length} characters, starting ${JSON.stringify(secret.slice(0, 3))}): ${where}`);
    }
  }
  return problems;
}
