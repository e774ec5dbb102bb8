import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadBundledHandler, TriggerHandler } from '../test/support/bundled-handlers';
import { emailHandlerEnvironment } from '../test/support/handler-env';
import { LocalAws } from '../test/support/local-aws';

/**
 * How long Create takes for a known user (a real SESv2 SendEmail, to a local endpoint that answers
 * after --delay ms, like SES from Lambda) and for an unknown user (a code that is never sent, and a
 * delay imitating this container's recent sends), measured on the shipped bundle.
 *
 *   npx projen bench:indistinguishability [--runs 200 --delay 80 --cold 20]
 *
 * Warm: one container, known and unknown calls interleaved (ABBA order, so neither always runs
 * first), --runs of each. Cold: --cold fresh containers per kind, first call right after loading (no
 * send timed yet: both wait for the connection opened at cold start, then the known user sends over it
 * and the unknown user makes one round trip over it). Prints medians, quartiles, min/max, the ratio of the
 * medians, and the accuracy of the best single latency threshold at telling the two apart (50% is a
 * coin toss: indistinguishable by this test).
 */

interface Options {
  readonly runs: number;
  readonly delay: number;
  readonly cold: number;
}

function parseOptions(argv: string[]): Options {
  const options: Record<string, number> = { runs: 200, delay: 80, cold: 20 };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(name in options) || !Number.isInteger(value) || value < 0) {
      throw new Error(`usage: indistinguishability.ts [--runs N] [--delay MS] [--cold N] (got ${argv.slice(i, i + 2).join(' ')})`);
    }
    options[name] = value;
    i++;
  }
  return options as unknown as Options;
}

const BUNDLE = path.join(__dirname, '..', 'assets', 'lambda', 'create-auth-challenge.lambda', 'index.js');
const CONFIG = emailHandlerEnvironment();
const QUIET = { info: () => undefined, error: console.error, warn: console.warn, log: () => undefined, debug: () => undefined };

function createEvent(known: boolean): Record<string, unknown> {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_BENCH',
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'benchclient' },
    triggerSource: 'CreateAuthChallenge_Authentication',
    userName: known ? 'known.user@example.com' : 'unknown.user@example.com',
    request: known
      ? { userAttributes: { sub: 'k1', email: 'known.user@example.com', email_verified: 'true' }, challengeName: 'CUSTOM_CHALLENGE', session: [], userNotFound: false }
      : { userAttributes: {}, challengeName: 'CUSTOM_CHALLENGE', session: [], userNotFound: true },
    response: {},
  };
}

async function timed(handler: TriggerHandler, known: boolean): Promise<number> {
  const started = performance.now();
  await handler(createEvent(known));
  return performance.now() - started;
}

function quantile(sorted: number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  return sorted[below] + (sorted[Math.min(below + 1, sorted.length - 1)] - sorted[below]) * (position - below);
}

/** The best accuracy of "slower than t means known" (or the reverse) over every threshold t. */
function bestThresholdAccuracy(known: number[], unknown: number[]): number {
  const all = [...known.map((ms) => ({ ms, known: true })), ...unknown.map((ms) => ({ ms, known: false }))].sort((a, b) => a.ms - b.ms);
  let knownBelow = 0;
  let unknownBelow = 0;
  let best = 0.5;
  for (const sample of all) {
    if (sample.known) knownBelow++; else unknownBelow++;
    // Below or at the threshold is called "unknown", above it "known"; or the reverse.
    const correct = unknownBelow + (known.length - knownBelow);
    const accuracy = correct / all.length;
    best = Math.max(best, accuracy, 1 - accuracy);
  }
  return best;
}

function summary(label: string, samples: number[]): { median: number; line: string } {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const f = (ms: number) => ms.toFixed(1).padStart(7);
  return {
    median,
    line: `  ${label.padEnd(14)} n=${String(sorted.length).padStart(4)}  median ${f(median)} ms  p25 ${f(quantile(sorted, 0.25))}  `
      + `p75 ${f(quantile(sorted, 0.75))}  min ${f(sorted[0])}  max ${f(sorted[sorted.length - 1])}`,
  };
}

function report(title: string, known: number[], unknown: number[]): void {
  const k = summary('known user', known);
  const u = summary('unknown user', unknown);
  console.log(`${title}\n${k.line}\n${u.line}`);
  console.log(`  ratio of medians (unknown / known): ${(u.median / k.median).toFixed(3)}; `
    + `best single-threshold classifier: ${(100 * bestThresholdAccuracy(known, unknown)).toFixed(1)}% correct (50% = indistinguishable)\n`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const ses = await LocalAws.start();
  ses.delayMillis = options.delay;
  const env = { ...ses.environment, ...CONFIG };
  try {
    console.log(`Create Auth Challenge (${path.relative(process.cwd(), BUNDLE)}), local SES answering after ${options.delay} ms\n`);

    // Warm: one container, as Lambda reuses one for many sign-ins.
    const warm = loadBundledHandler(BUNDLE, env, QUIET);
    await timed(warm, true); // the SDK client's first connection, not measured
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const order = i % 2 === 0 ? [true, false] : [false, true];
      for (const isKnown of order) {
        (isKnown ? known : unknown).push(await timed(warm, isKnown));
      }
    }
    report(`Warm container, ${options.runs} interleaved calls each`, known, unknown);
    const emailsWarm = ses.received.length;

    // Cold: a fresh container per call, first invocation only.
    const coldKnown: number[] = [];
    const coldUnknown: number[] = [];
    for (let i = 0; i < options.cold; i++) {
      for (const isKnown of i % 2 === 0 ? [true, false] : [false, true]) {
        (isKnown ? coldKnown : coldUnknown).push(await timed(loadBundledHandler(BUNDLE, env, QUIET), isKnown));
      }
    }
    if (options.cold > 0) {
      report(`Cold containers (first call, no send timed yet), ${options.cold} each`, coldKnown, coldUnknown);
    }
    const expected = 1 + options.runs + options.cold;
    console.log(`Emails sent: ${ses.received.length} (expected ${expected}: one per known-user call, none for unknown users)`);
    if (ses.received.length !== expected || emailsWarm !== 1 + options.runs) {
      throw new Error('an unknown user was sent an email, or a known user was not');
    }
  } finally {
    await ses.stop();
  }
}

main().catch((error) => {
  console.error(`Benchmark failed: ${error.message}`);
  process.exit(1);
});
