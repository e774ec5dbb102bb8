import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkLogCapture, GlobalConfig } from '../support/jest-global-teardown';
import { captureCommandLine } from '../support/local-command';
import { LOG_CAPTURE_DIR_ENV, readLogCapture, rememberMessageSecrets, rememberSecrets } from '../support/log-capture';

/**
 * The local command's functions log to its stderr; test/support/local-command.ts feeds their lines
 * into the run's log capture, and the globalTeardown checks them. These tests run that path on a
 * capture of their own and show the check fails on a leak and on a capture that received nothing.
 */

const SUITE = 'test/e2e/clients.test.ts';
const REPOSITORY = path.join(__dirname, '..', '..');

/** A run of `suites` only, as `npx jest <pattern>` would be. */
function runOf(...suites: string[]): GlobalConfig {
  return {
    rootDir: REPOSITORY,
    testPathPatterns: {
      isSet: () => true,
      toExecutor: () => ({ isMatch: (testPath: string) => suites.some((suite) => testPath === path.join(REPOSITORY, suite)) }),
    },
  };
}

let dir: string;
let runCapture: string | undefined;
beforeEach(() => {
  // Synchronous tests only: nothing else in this worker writes while the variable points here.
  dir = mkdtempSync(path.join(tmpdir(), 'command-log-capture-'));
  runCapture = process.env[LOG_CAPTURE_DIR_ENV];
  process.env[LOG_CAPTURE_DIR_ENV] = dir;
});
afterEach(() => {
  if (runCapture === undefined) {
    delete process.env[LOG_CAPTURE_DIR_ENV];
  } else {
    process.env[LOG_CAPTURE_DIR_ENV] = runCapture;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the local command\'s log lines in the run\'s capture', () => {
  test('a function\'s stderr line is captured under its stack and function; the command\'s own lines are not', () => {
    captureCommandLine(SUITE, '[TwoCodes/DefineAuthChallenge] {"trigger":"define","outcome":"CUSTOM_CHALLENGE"}');
    captureCommandLine(SUITE, 'cdk-cognito-custom-auth: --port must be a port number (0 for a free one), got x');
    captureCommandLine(SUITE, '[TwoCodes/SomeOtherFunction] {"trigger":"define","outcome":"CUSTOM_CHALLENGE"}');

    expect(readLogCapture(dir).lines).toEqual([{
      suite: SUITE, handler: 'local TwoCodes/DefineAuthChallenge', level: 'stderr', line: '{"trigger":"define","outcome":"CUSTOM_CHALLENGE"}',
    }]);
  });

  test('clean lines pass; a line holding a code read from the mailbox, or a user\'s password, is reported', () => {
    // GIVEN what a test learned: a user's password, and a message's address and code
    rememberSecrets('Correct-horse-9');
    rememberMessageSecrets(['alice@example.com'], 'Your sign-in code is 482913');
    captureCommandLine(SUITE, '[TwoCodes/VerifyAuthChallengeResponse] {"trigger":"verify","outcome":"wrong","wrongAnswers":1}');
    expect(checkLogCapture(dir, runOf()).problems).toEqual([]);

    // WHEN functions log the password (allow-listed field, allowed characters) and the code
    captureCommandLine(SUITE, '[TwoCodes/VerifyAuthChallengeResponse] {"trigger":"verify","outcome":"wrong","reason":"Correct-horse-9"}');
    captureCommandLine(SUITE, '[TwoCodes/CreateAuthChallenge] {"trigger":"create","outcome":"code issued","reason":"code 482913"}');

    // THEN the recorded-secret check names each line, its file and its function
    const { problems, summary } = checkLogCapture(dir, runOf());
    expect(problems).toEqual([
      `a recorded secret (15 characters, starting "Cor"): ${SUITE} (local TwoCodes/VerifyAuthChallengeResponse): {"trigger":"verify","outcome":"wrong","reason":"Correct-horse-9"}`,
      expect.stringMatching(/^a run of 6 or more digits .*\(local TwoCodes\/CreateAuthChallenge\)/),
      `a recorded secret (6 characters, starting "482"): ${SUITE} (local TwoCodes/CreateAuthChallenge): {"trigger":"create","outcome":"code issued","reason":"code 482913"}`,
    ]);
    expect(summary).toMatch(/^Log capture: 3 handler log lines \(3 from the local command's functions\) .* 3 recorded secrets .* 3 problems\.$/);
  });

  test('a file that starts the command and left no outcome lines, or recorded too few secrets, is reported', () => {
    captureCommandLine(SUITE, '[TwoCodes/DefineAuthChallenge] {"trigger":"define","outcome":"CUSTOM_CHALLENGE"}');

    expect(checkLogCapture(dir, runOf(SUITE)).problems).toEqual([
      expect.stringMatching(/^test\/e2e\/clients\.test\.ts ran, but the capture lacks its log lines "define tokens", "define fail", /),
      'only 0 secrets were recorded: the secret harvesting in test/support is broken',
    ]);
    expect(checkLogCapture(dir, runOf('test/e2e/local-command.test.ts')).problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^test\/e2e\/local-command\.test\.ts ran, but the capture lacks its log lines "define CUSTOM_CHALLENGE", /),
    ]));
  });
});
