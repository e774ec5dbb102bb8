import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { App } from 'aws-cdk-lib';
import { captureLine, currentSuite, rememberMessageSecrets, rememberSecrets } from './log-capture';
import { TRIGGERS } from '../../src/local/assembly';
import type { MailboxEntry, RunningPool } from '../../src/local/server';

/** The command as the package ships it (bundled by `npx projen bundle`). */
export const LOCAL_COMMAND = path.join(__dirname, '..', '..', 'assets', 'local', 'cli.js');

/** One pool of the first stdout line. */
export type LocalPool = RunningPool;

/** One entry of `GET /_local/messages`. */
export type LocalMessage = MailboxEntry;

/** A running `cdk-cognito-custom-auth local`, started as users start it: a child process. */
export interface RunningCommand {
  readonly endpoint: string;
  readonly userPools: LocalPool[];
  /** Every stdout line after the first, and every stderr line (the functions' logs). */
  readonly output: string[];
  readonly child: ChildProcess;
  pool(stack: string): LocalPool;
  messages(): Promise<LocalMessage[]>;
  /** The API actions received, oldest first (`GET /_local/requests`). */
  actions(): Promise<string[]>;
  /** The code in the newest message to `to` (the only run of 6 to 10 digits in the default templates). */
  lastCodeSentTo(to: string): Promise<string>;
  /** Moves the endpoint's clock ahead (sessions, tokens). */
  advanceClock(seconds: number): Promise<void>;
  /** Records the users as secrets, then Ctrl-C, and the exit code. */
  stop(): Promise<number | null>;
  /** Ctrl-C, then removes the cloud assembly (for one from `synthesizeToTemp`). */
  stopAndRemove(): Promise<number | null>;
}

/** A function's log line on the command's stderr: `[<stack>/<trigger function>] <line>` (src/local/server.ts). */
const FUNCTION_LOG_LINE = new RegExp(`^\\[([^\\]]+/(?:${Object.values(TRIGGERS).join('|')}))\\] (.*)$`);

/**
 * Adds a stderr line of the command to the run's log capture if a function wrote it, as
 * `local <stack>/<function>` of `suite`; other lines (the command's own errors) are left out.
 */
export function captureCommandLine(suite: string, stderrLine: string): void {
  const [, label, line] = FUNCTION_LOG_LINE.exec(stderrLine) ?? [];
  if (label !== undefined) {
    captureLine({ suite, handler: `local ${label}`, level: 'stderr', line });
  }
}

/**
 * Records every user of the pools (username, sub, attributes) as secrets: the functions see them in
 * their events, and the tests learn some (the sub is the tokens' `cognito:username`).
 */
async function rememberUsers(endpoint: string, pools: LocalPool[]): Promise<void> {
  for (const { userPoolId } of pools) {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers' },
      body: JSON.stringify({ UserPoolId: userPoolId }),
    });
    const { Users = [] } = await response.json() as { Users?: Array<{ Username: string; Attributes?: Array<{ Value: string }> }> };
    rememberSecrets(...Users.flatMap((user) => [user.Username, ...(user.Attributes ?? []).map((attribute) => attribute.Value)]));
  }
}

/** Synthesizes `app` into a fresh temporary directory and returns it. */
export function synthesizeToTemp(build: (outdir: string) => App): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'local-cognito-'));
  build(outdir).synth();
  return outdir;
}

/** A user of `--users` (the command validates the shape: a test may pass a wrong one). */
interface UserEntry {
  readonly username?: unknown;
  readonly password?: unknown;
  readonly attributes?: Record<string, unknown>;
}

/**
 * Starts the command on a cloud assembly on a free port and waits for its first stdout line. The
 * functions' log lines on its stderr go to the run's log capture, checked against the users' names,
 * passwords and attributes and every message's address and code (test/support/log-capture.ts).
 */
export async function startLocalCommand(app: string, users: UserEntry[] = [], extraArgs: string[] = []): Promise<RunningCommand> {
  const suite = currentSuite();
  rememberSecrets(...users.flatMap((user) => [user.username, user.password, ...Object.values(user.attributes ?? {})]));
  const usersFile = path.join(app, 'users.json');
  writeFileSync(usersFile, JSON.stringify(users));
  const child = spawn(process.execPath, [LOCAL_COMMAND, 'local', '--app', app, '--port', '0', '--users', usersFile, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    output.push(line);
    captureCommandLine(suite, line);
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the command exited (${code}) before it was ready:\n${output.join('\n')}`)));
  });
  lines.on('line', (line) => output.push(line));
  const ready: { endpoint: string; userPools: LocalPool[] } = JSON.parse(first);
  // 'close': the command exited and its stderr was read to the end (the functions' last lines are captured).
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const stop = async () => {
    try {
      await rememberUsers(ready.endpoint, ready.userPools);
    } finally {
      child.kill('SIGINT');
    }
    return exited;
  };
  const messages = async () => {
    const received = await (await fetch(`${ready.endpoint}/_local/messages`)).json() as LocalMessage[];
    received.forEach((message) => rememberMessageSecrets([message.to], `${message.subject ?? ''} ${message.body}`));
    return received;
  };
  return {
    ...ready,
    output,
    child,
    pool: (stack) => {
      const found = ready.userPools.find((pool) => pool.stack === stack);
      if (!found) {
        throw new Error(`no pool in stack ${stack}: ${first}`);
      }
      return found;
    },
    messages,
    actions: async () => ((await (await fetch(`${ready.endpoint}/_local/requests`)).json()) as Array<{ action: string }>).map(({ action }) => action),
    lastCodeSentTo: async (to) => {
      const message = (await messages()).reverse().find((candidate) => candidate.to === to);
      const code = message?.body.match(/\d{6,10}/)?.[0];
      if (!code) {
        throw new Error(`no code was sent to ${to}`);
      }
      return code;
    },
    advanceClock: async (seconds) => {
      const response = await fetch(`${ready.endpoint}/_local/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) });
      if (!response.ok) {
        throw new Error(`clock: ${response.status}`);
      }
    },
    stop,
    stopAndRemove: async () => {
      const code = await stop();
      rmSync(app, { recursive: true, force: true });
      return code;
    },
  };
}
