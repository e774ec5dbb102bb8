import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { CapturedLine, LOG_CAPTURE_DIR_ENV, problemsWith, readLogCapture } from './log-capture';

/**
 * The test files that load bundled handlers or start the local command, and the (trigger, outcome)
 * log lines each must have produced. When such a file ran, its lines must be in the capture: the check cannot pass because
 * the capture was empty or a file's handlers bypassed it.
 */
const CAPTURED_SUITES: Record<string, string[]> = {
  'test/lambda/handlers.test.ts': [
    'define CUSTOM_CHALLENGE', 'define PASSWORD_VERIFIER', 'define tokens', 'define fail', 'define misconfigured',
    'create code issued', 'create code reused', 'create fail', 'create misconfigured', 'verify correct', 'verify wrong',
  ],
  'test/e2e/sign-in.test.ts': [
    'define CUSTOM_CHALLENGE', 'define PASSWORD_VERIFIER', 'define tokens', 'define fail',
    'create code issued', 'create code reused', 'verify correct', 'verify wrong',
  ],
  'test/e2e/attached-pool.test.ts': [
    'define CUSTOM_CHALLENGE', 'define PASSWORD_VERIFIER', 'define tokens', 'define fail', 'create code issued', 'create code reused',
    'verify correct', 'verify wrong',
  ],
  // These two start the local command: their lines come from its functions' stderr (test/support/local-command.ts).
  'test/e2e/local-command.test.ts': [
    'define CUSTOM_CHALLENGE', 'define PASSWORD_VERIFIER', 'define tokens', 'define fail', 'create code issued', 'create fail', 'verify correct',
  ],
  'test/e2e/clients.test.ts': [
    'define CUSTOM_CHALLENGE', 'define tokens', 'define fail', 'create code issued', 'create code reused', 'verify correct', 'verify wrong',
  ],
  'test/lambda/hostile-input.test.ts': ['define fail', 'create fail', 'create code issued', 'verify wrong'],
  'test/lambda/indistinguishability.test.ts': [
    'define CUSTOM_CHALLENGE', 'define PASSWORD_VERIFIER', 'define fail', 'create code issued', 'create code reused', 'verify wrong',
  ],
};

/**
 * The fewest distinct secrets a run of these files records (fewer: the secret harvesting in
 * test/support is broken). Most files record dozens; clients.test.ts, one user's, records 8.
 */
const FEWEST_SECRETS = 20;
const FEWEST_SECRETS_OF: Record<string, number> = { 'test/e2e/clients.test.ts': 6 };

/** The parts of Jest's GlobalConfig this teardown reads (Jest passes the whole object). */
export interface GlobalConfig {
  readonly rootDir: string;
  readonly testPathPatterns: { isSet(): boolean; toExecutor(options: { rootDir: string }): { isMatch(testPath: string): boolean } };
  readonly testNamePattern?: string;
  readonly onlyChanged?: boolean;
  readonly onlyFailures?: boolean;
  readonly findRelatedTests?: boolean;
  readonly changedSince?: string;
  readonly lastCommit?: boolean;
  readonly shard?: unknown;
  readonly filter?: string;
  readonly listTests?: boolean;
}

/** Whether `suite` was part of this run. Unknown (a test name filter, changed-files modes) counts as not. */
function ran(globalConfig: GlobalConfig, suite: string): boolean {
  if (globalConfig.testNamePattern || globalConfig.onlyChanged || globalConfig.onlyFailures || globalConfig.findRelatedTests
    || globalConfig.changedSince || globalConfig.lastCommit || globalConfig.shard || globalConfig.filter || globalConfig.listTests) {
    return false;
  }
  const patterns = globalConfig.testPathPatterns;
  return !patterns.isSet() || patterns.toExecutor({ rootDir: globalConfig.rootDir }).isMatch(path.join(globalConfig.rootDir, suite));
}

function outcomeOf(captured: CapturedLine): string | undefined {
  try {
    const { trigger, outcome } = JSON.parse(captured.line);
    return `${trigger} ${outcome}`;
  } catch {
    return undefined;
  }
}

/** What `checkLogCapture` found: the problems, and one line saying what was checked. */
export interface LogCaptureCheck {
  readonly problems: string[];
  readonly summary: string;
}

/**
 * Checks every captured line (of the handlers loaded in-process and of the functions the local
 * command ran) against the recorded secrets and the allow-list, and that every test file of
 * CAPTURED_SUITES that ran left its outcome lines.
 */
export function checkLogCapture(dir: string, globalConfig: GlobalConfig): LogCaptureCheck {
  const { lines, secrets } = readLogCapture(dir);

  const problems = lines.flatMap((line) => problemsWith(line, secrets));
  const checkedSuites = Object.entries(CAPTURED_SUITES).filter(([suite]) => ran(globalConfig, suite));
  for (const [suite, outcomes] of checkedSuites) {
    const seen = new Set(lines.filter((line) => line.suite === suite).map(outcomeOf));
    const missing = outcomes.filter((outcome) => !seen.has(outcome));
    if (missing.length > 0) {
      problems.push(`${suite} ran, but the capture lacks its log lines ${missing.map((outcome) => JSON.stringify(outcome)).join(', ')}`);
    }
  }
  const fewestSecrets = Math.max(0, ...checkedSuites.map(([suite]) => FEWEST_SECRETS_OF[suite] ?? FEWEST_SECRETS));
  if (secrets.size < fewestSecrets) {
    problems.push(`only ${secrets.size} secrets were recorded: the secret harvesting in test/support is broken`);
  }

  const suites = new Set(lines.map((line) => line.suite));
  const fromCommand = lines.filter((line) => line.handler.startsWith('local ')).length;
  const summary = `Log capture: ${lines.length} handler log lines (${fromCommand} from the local command's functions) from `
    + `${suites.size} test files, checked against ${secrets.size} recorded secrets and the log allow-list; expected lines required from `
    + `${checkedSuites.length ? checkedSuites.map(([suite]) => suite).join(', ') : 'no file (filtered run)'}; `
    + `${problems.length} problems.`;
  return { problems, summary };
}

/**
 * Jest globalTeardown: after every test file, checks every console line any bundled handler wrote
 * in this run. Throwing here fails the run (Jest exits non-zero).
 */
export default function globalTeardown(globalConfig: GlobalConfig): void {
  const dir = process.env[LOG_CAPTURE_DIR_ENV];
  if (dir === undefined) {
    throw new Error(`${LOG_CAPTURE_DIR_ENV} is not set: test/support/jest-global-setup.ts did not run`);
  }
  const { problems, summary } = checkLogCapture(dir, globalConfig);
  // eslint-disable-next-line no-console
  console.log(`\n${summary}`);
  if (problems.length > 0) {
    throw new Error(`The handler log capture check failed (${problems.length} problems; the capture is kept in ${dir}):\n`
      + problems.slice(0, 50).join('\n'));
  }
  rmSync(dir, { recursive: true, force: true });
}
