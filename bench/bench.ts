import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import type { App } from 'aws-cdk-lib';
import { buildSync } from 'esbuild';
import type { ColdResult, ColdSpec, Millis, WarmResult, WarmSpec } from './harness';
import { BUNDLES, customAuthApp, handWrittenTriggersApp, plainPoolApp, ROOT, synthesizedEnvironments, triggerEvents, Trigger, TRIGGERS, USER } from './scenario';
import { describe, fixed, kilobytes, medianDifference, summarize } from './stats';
import { deployedHandlers } from '../test/support/bundled-handlers';
import { AuthResult, CognitoSimulator } from '../test/support/cognito-simulator';
import { LocalSes } from '../test/support/local-ses';

/**
 * `npx projen bench`: what the handlers cost as shipped (size, cold start, warm invocations, memory),
 * a whole simulated sign-in, synth time and the package size, each against a baseline measured in
 * the same run, with the targets of issue 6 marked MET or NOT MET.
 *
 * `--quick` (or BENCH_QUICK=1) runs a few iterations only: it checks that every measurement still
 * works and prints every line. Timings never change the exit code; a broken measurement does.
 * BENCH_NODE=/path/to/node runs the handler processes on another Node.js (e.g. 22 or 24, as Lambda).
 */

const QUICK = process.argv.includes('--quick') || ['1', 'true'].includes(process.env.BENCH_QUICK ?? '');
const CHILD_NODE = process.env.BENCH_NODE ?? process.execPath;

const ITERATIONS = QUICK
  ? { coldRuns: 3, moreInvocations: 10, warmBatches: 5, warmBatchSize: 200, sendBatchSize: 10, signIns: 3, synthRuns: 2 }
  : { coldRuns: 20, moreInvocations: 100, warmBatches: 30, warmBatchSize: 2000, sendBatchSize: 50, signIns: 20, synthRuns: 15 };

const TARGETS = {
  importAddedMillis: 5,
  bundleBytes: 4 * 1024,
  createFirstSendAddedMillis: 40,
  defineWarmRatio: 2,
  tarballBytes: 1024 * 1024,
  synthRatio: 1.5,
};

const SDK_MARKERS = ['@aws-sdk', '@smithy'];

const targets: { met: boolean; text: string }[] = [];
function target(met: boolean, text: string): void {
  targets.push({ met, text });
}

function heading(title: string): void {
  console.log(`\n${title}`);
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')}`.trimEnd();
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((r) => r[i].length)));
  console.log(row(header, widths));
  for (const r of rows) {
    console.log(row(r, widths));
  }
}

function ratio(value: number, baseline: number): string {
  return `${fixed(value / baseline, 2)}x`;
}

function signed(value: number, unit: string, digits = 1): string {
  return `${value >= 0 ? '+' : ''}${fixed(value, digits)} ${unit}`;
}

// ---------------------------------------------------------------------------------------------
// Child processes

function runChild<T>(harness: string, spec: ColdSpec | WarmSpec, env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(CHILD_NODE, [harness, JSON.stringify(spec)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${spec.kind} run of ${'bundle' in spec ? spec.bundle ?? 'bare node' : ''} exited ${code}: ${stderr.trim()}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`unreadable result from a ${spec.kind} run: ${stdout}${stderr}`));
      }
    });
  });
}

/** The child harness, compiled to plain JavaScript so a child process runs nothing but Node and it. */
function compileHarness(workdir: string): string {
  const outfile = path.join(workdir, 'harness.js');
  buildSync({ entryPoints: [path.join(__dirname, 'harness.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'error' });
  return outfile;
}

/**
 * The alternative the handlers replaced: the SESv2 client of the AWS SDK v3, sending the same email.
 * Bundled and minified as the handlers are, and also loaded unbundled from node_modules (as a
 * function that uses the SDK shipped in Lambda's Node.js runtime would load it).
 */
function sdkAlternatives(workdir: string): { bundled: string; external: string } {
  const source = (specifier: string) => `
const { SESv2Client, SendEmailCommand } = require(${JSON.stringify(specifier)});
const client = new SESv2Client({});
exports.handler = async (event) => {
  await client.send(new SendEmailCommand({
    FromEmailAddress: process.env.EMAIL_FROM,
    Destination: { ToAddresses: [event.request.userAttributes.email] },
    Content: { Simple: {
      Subject: { Data: 'Your sign-in code', Charset: 'UTF-8' },
      Body: { Text: { Data: 'Your sign-in code is 123456.', Charset: 'UTF-8' } },
    } },
  }));
  return event;
};
`;
  const bundled = path.join(workdir, 'sdk-sesv2.bundle.js');
  buildSync({
    stdin: { contents: source('@aws-sdk/client-sesv2'), resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    legalComments: 'none',
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile: bundled,
    logLevel: 'error',
  });
  const external = path.join(workdir, 'sdk-sesv2.external.js');
  writeFileSync(external, source(require.resolve('@aws-sdk/client-sesv2', { paths: [ROOT] })));
  return { bundled, external };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const workdir = mkdtempSync(path.join(tmpdir(), 'cdk-cognito-custom-auth-bench-'));
  const ses = await LocalSes.start();
  try {
    const childVersion = CHILD_NODE === process.execPath ? process.version : execFileSync(CHILD_NODE, ['--version'], { encoding: 'utf8' }).trim();
    console.log(`cdk-cognito-custom-auth benchmark${QUICK ? ' (quick: few iterations, timings are rough)' : ''}`);
    console.log(`  node ${process.version} (handler processes: ${childVersion}), ${cpus().length} cores, load average ${loadavg().map((l) => fixed(l, 2)).join(' ')}`);
    console.log('  bare node = the same child harness with a no-op handler `async (e) => e`; every figure is measured against it in this run');

    const { app, pool } = customAuthApp(path.join(workdir, 'cdk.out'));
    const environments = synthesizedEnvironments(app, pool);
    const events = triggerEvents();
    const harness = compileHarness(workdir);
    const sdk = sdkAlternatives(workdir);

    bundleSizes(sdk.bundled);
    const cold = await coldStarts(harness, sdk, environments, events, ses);
    await warmInvocations(harness, environments, events, ses);
    peakMemory(cold);
    await signIns(pool, ses);
    synthTimes(workdir);
    packageSize();

    heading('Targets');
    for (const { met, text } of targets) {
      console.log(`  ${met ? 'MET    ' : 'NOT MET'}  ${text}`);
    }
    console.log(`\nBenchmark finished in ${fixed((performance.now() - started) / 1000)} s; ${targets.filter((t) => t.met).length} of ${targets.length} targets met.`);
  } finally {
    await ses.stop();
    rmSync(workdir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Sizes

function bundleSizes(sdkBundle: string): void {
  heading('Bundles as shipped (assets/lambda/<name>.lambda/index.js, esbuild --minify)');
  const rows = TRIGGERS.map((trigger) => {
    const text = readFileSync(path.join(ROOT, BUNDLES[trigger]));
    const markers = SDK_MARKERS.filter((marker) => text.includes(marker));
    if (trigger !== 'create') {
      target(markers.length === 0, `${trigger} imports no AWS SDK (no ${SDK_MARKERS.join('/')} in its bundle${markers.length ? `; found ${markers.join(', ')}` : ''})`);
      target(text.length < TARGETS.bundleBytes, `${trigger} weighs under 4 KB: ${text.length} bytes`);
    }
    return [trigger, String(text.length), String(deflateRawSync(text).length), markers.length ? markers.join(', ') : 'none'];
  });
  const sdkText = readFileSync(sdkBundle);
  rows.push(['SESv2 SDK client, bundled the same way', String(sdkText.length), String(deflateRawSync(sdkText).length),
    SDK_MARKERS.filter((marker) => sdkText.includes(marker)).join(', ')]);
  table(['bundle', 'bytes', 'deflated', 'AWS SDK markers'], rows);
}

// ---------------------------------------------------------------------------------------------
// Cold start

type ColdVariant = 'bare' | Trigger | 'sdk' | 'sdkExternal';

async function coldStarts(
  harness: string,
  sdk: { bundled: string; external: string },
  environments: Record<Trigger, Record<string, string>>,
  events: ReturnType<typeof triggerEvents>,
  ses: LocalSes,
): Promise<Record<ColdVariant, ColdResult[]>> {
  const variants: Record<ColdVariant, { spec: ColdSpec; env: Record<string, string> }> = {
    bare: { spec: { kind: 'cold', event: events.define, moreInvocations: ITERATIONS.moreInvocations }, env: {} },
    define: { spec: { kind: 'cold', bundle: path.join(ROOT, BUNDLES.define), event: events.define, moreInvocations: ITERATIONS.moreInvocations }, env: environments.define },
    verify: { spec: { kind: 'cold', bundle: path.join(ROOT, BUNDLES.verify), event: events.verify, moreInvocations: ITERATIONS.moreInvocations }, env: environments.verify },
    create: { spec: { kind: 'cold', bundle: path.join(ROOT, BUNDLES.create), event: events.createSend, moreInvocations: ITERATIONS.moreInvocations }, env: environments.create },
    sdk: { spec: { kind: 'cold', bundle: sdk.bundled, event: events.createSend, moreInvocations: ITERATIONS.moreInvocations }, env: environments.create },
    sdkExternal: { spec: { kind: 'cold', bundle: sdk.external, event: events.createSend, moreInvocations: ITERATIONS.moreInvocations }, env: environments.create },
  };
  const names = Object.keys(variants) as ColdVariant[];
  const results = Object.fromEntries(names.map((name) => [name, [] as ColdResult[]])) as Record<ColdVariant, ColdResult[]>;
  const emailsBefore = ses.received.length;
  // One unrecorded round warms the file cache, then the recorded rounds, each in a rotated order.
  for (let round = -1; round < ITERATIONS.coldRuns; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(Math.max(round, 0) + i) % names.length];
      const { spec, env } = variants[name];
      const result = await runChild<ColdResult>(harness, spec, { ...env, ...ses.environment });
      if (round >= 0) {
        results[name].push(result);
      }
    }
  }
  const sendsPerRun = 1 + ITERATIONS.moreInvocations;
  const expectedEmails = (ITERATIONS.coldRuns + 1) * sendsPerRun * 3; // create, sdk, sdkExternal
  if (ses.received.length - emailsBefore !== expectedEmails) {
    throw new Error(`expected ${expectedEmails} emails from the cold runs, the local SES endpoint got ${ses.received.length - emailsBefore}`);
  }

  heading(`Cold start: a fresh \`node\` process per run, ${ITERATIONS.coldRuns} interleaved runs; ms since process start, median (min, max)`);
  const steps: { label: string; variant: ColdVariant; after: 'import' | 'first' }[] = [
    { label: 'bare node', variant: 'bare', after: 'import' },
    { label: 'define: import', variant: 'define', after: 'import' },
    { label: 'verify: import', variant: 'verify', after: 'import' },
    { label: 'create: import', variant: 'create', after: 'import' },
    { label: 'SDK SESv2 (bundled): import', variant: 'sdk', after: 'import' },
    { label: 'SDK SESv2 (node_modules): import', variant: 'sdkExternal', after: 'import' },
    { label: 'bare node + no-op invocation', variant: 'bare', after: 'first' },
    { label: 'define: import + first invocation', variant: 'define', after: 'first' },
    { label: 'verify: import + first invocation', variant: 'verify', after: 'first' },
    { label: 'create: import + first send', variant: 'create', after: 'first' },
    { label: 'SDK SESv2 (bundled): import + first send', variant: 'sdk', after: 'first' },
    { label: 'SDK SESv2 (node_modules): import + first send', variant: 'sdkExternal', after: 'first' },
  ];
  const since = (variant: ColdVariant, after: 'import' | 'first', clock: keyof Millis) =>
    results[variant].map((r) => (after === 'import' ? r.ready : r.readyAfterFirst)[clock]);
  const inProcess = (variant: ColdVariant, after: 'import' | 'first', clock: keyof Millis) =>
    results[variant].map((r) => r.require[clock] + (after === 'first' ? r.firstInvocation[clock] : 0));
  /**
   * What the handler adds to a bare start: the median over rounds of (its process - the bare process
   * of the same round), or the in-process timing of its own work if that is larger. The larger of two
   * estimates, so noise can only make a figure look worse.
   */
  const added = (variant: ColdVariant, after: 'import' | 'first', clock: keyof Millis) =>
    Math.max(medianDifference(since(variant, after, clock), since('bare', after, clock)), summarize(inProcess(variant, after, clock)).median);

  for (const clock of ['wall', 'cpu'] as const) {
    console.log(clock === 'wall'
      ? '  Wall clock (what a caller waits for; on a shared machine it includes waiting for a core):'
      : '  CPU time, user + system, all threads (the work itself; Lambda hands out CPU in proportion to memory):');
    table(['process', 'since start', 'vs bare', 'added', 'in process'], steps.map(({ label, variant, after }) => {
      const summary = summarize(since(variant, after, clock));
      const bare = summarize(since('bare', after, clock)).median;
      return variant === 'bare'
        ? [label, describe(summary, 'ms'), '1.00x', '', '']
        : [label, describe(summary, 'ms'), ratio(summary.median, bare), signed(added(variant, after, clock), 'ms'), `${fixed(summarize(inProcess(variant, after, clock)).median, 2)} ms`];
    }));
  }
  console.log('  added: max(median over rounds of this process - the bare one of the same round, median in-process time)');
  console.log('  in process: the require() (and first invocation) alone, timed inside the process');

  for (const trigger of ['define', 'verify'] as const) {
    const cpu = added(trigger, 'import', 'cpu');
    target(cpu < TARGETS.importAddedMillis,
      `${trigger} adds under ${TARGETS.importAddedMillis} ms cold import over bare node: ${fixed(cpu)} ms CPU (${fixed(added(trigger, 'import', 'wall'))} ms wall)`);
  }
  const createCpu = added('create', 'first', 'cpu');
  target(createCpu < TARGETS.createFirstSendAddedMillis,
    `create's cold import plus its first send adds under ${TARGETS.createFirstSendAddedMillis} ms over bare node: ${fixed(createCpu)} ms CPU`
    + ` (${fixed(added('create', 'first', 'wall'))} ms wall; the SESv2 SDK client: ${fixed(added('sdk', 'first', 'cpu'))} ms CPU bundled,`
    + ` ${fixed(added('sdkExternal', 'first', 'cpu'))} ms from node_modules)`);
  return results;
}

// ---------------------------------------------------------------------------------------------
// Warm invocations

async function warmInvocations(
  harness: string,
  environments: Record<Trigger, Record<string, string>>,
  events: ReturnType<typeof triggerEvents>,
  ses: LocalSes,
): Promise<void> {
  const cases: { label: string; trigger: Trigger; event: string; batchSize: number }[] = [
    { label: 'define', trigger: 'define', event: events.define, batchSize: ITERATIONS.warmBatchSize },
    { label: 'verify', trigger: 'verify', event: events.verify, batchSize: ITERATIONS.warmBatchSize },
    { label: 'create: retry (code reused, no send)', trigger: 'create', event: events.createRetry, batchSize: ITERATIONS.warmBatchSize },
    { label: 'create: new code, send to local SES', trigger: 'create', event: events.createSend, batchSize: ITERATIONS.sendBatchSize },
  ];
  heading(`Warm invocations: one process per handler, median of ${ITERATIONS.warmBatches} batches, µs per invocation`);
  const rows: string[][] = [];
  for (const { label, trigger, event, batchSize } of cases) {
    const spec: WarmSpec = { kind: 'warm', bundle: path.join(ROOT, BUNDLES[trigger]), event, warmup: batchSize, batches: ITERATIONS.warmBatches, batchSize };
    const result = await runChild<WarmResult>(harness, spec, { ...environments[trigger], ...ses.environment });
    const handler = summarize(result.handler);
    const noop = summarize(result.noop);
    const ratioValue = handler.median / noop.median;
    rows.push([`${label} (${batchSize}/batch)`, describe(handler, 'µs', 2), `${fixed(noop.median, 2)} µs`, ratio(handler.median, noop.median),
      `${fixed(summarize(result.handlerCallOnly).median, 2)} µs`, `${fixed(summarize(result.noopCallOnly).median, 3)} µs`]);
    if (trigger === 'define') {
      target(ratioValue < TARGETS.defineWarmRatio, `define's warm invocation under ${TARGETS.defineWarmRatio}x a no-op handler: ${fixed(ratioValue, 2)}x (${fixed(handler.median, 2)} µs vs ${fixed(noop.median, 2)} µs)`);
    }
  }
  table(['handler', 'invocation', 'no-op', 'vs no-op', 'call only', 'no-op call only'], rows);
  console.log('  invocation: JSON.parse the event, await the handler, JSON.stringify the result, as the Lambda runtime does per event;');
  console.log('  the handlers\' one log line goes through a Lambda-like console (JSON line, synchronous write to /dev/null).');
  console.log('  call only: the handler function alone on a reused event object (the bare function-call cost of the no-op is ~0).');
}

// ---------------------------------------------------------------------------------------------
// Memory

function peakMemory(cold: Record<ColdVariant, ColdResult[]>): void {
  heading(`Memory of the cold-start processes after import and ${1 + ITERATIONS.moreInvocations} invocations, median (min, max)`);
  const megabytes = (variant: ColdVariant, field: 'maxRssKb' | 'rssKb') => cold[variant].map((r) => r[field] / 1024);
  const labels: [ColdVariant, string][] = [['bare', 'bare node (no-op handler)'], ['define', 'define'], ['verify', 'verify'],
    ['create', 'create (sends)'], ['sdk', 'SDK SESv2 (bundled, sends)'], ['sdkExternal', 'SDK SESv2 (node_modules, sends)']];
  const added: string[] = [];
  table(['process', 'peak RSS (maxRSS)', 'over bare', 'RSS at the end', 'over bare'], labels.map(([variant, label]) => {
    const peak = summarize(megabytes(variant, 'maxRssKb'));
    const end = summarize(megabytes(variant, 'rssKb'));
    if (variant === 'bare') {
      return [label, describe(peak, 'MB'), '', describe(end, 'MB'), ''];
    }
    const peakAdded = medianDifference(megabytes(variant, 'maxRssKb'), megabytes('bare', 'maxRssKb'));
    const endAdded = medianDifference(megabytes(variant, 'rssKb'), megabytes('bare', 'rssKb'));
    if (variant === 'define' || variant === 'verify' || variant === 'create') {
      added.push(`${variant} ${signed(peakAdded, 'MB')}`);
    }
    return [label, describe(peak, 'MB'), signed(peakAdded, 'MB'), describe(end, 'MB'), signed(endAdded, 'MB')];
  }));
  const bare = summarize(megabytes('bare', 'maxRssKb')).median;
  target(true, `peak memory reported: bare node ${fixed(bare)} MB peak RSS; ${added.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// A whole sign-in

async function signIns(pool: ReturnType<typeof customAuthApp>['pool'], ses: LocalSes): Promise<void> {
  const quiet = { info: () => undefined, error: () => undefined, warn: () => undefined, log: () => undefined, debug: () => undefined };
  const cognito = new CognitoSimulator(deployedHandlers(pool, ses.environment, quiet), [USER]);
  const email = USER.attributes.email;
  const durations: number[] = [];
  for (let run = 0; run < ITERATIONS.signIns; run++) {
    const emailsBefore = ses.received.length;
    const started = performance.now();
    let step: AuthResult = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: USER.username, CHALLENGE_NAME: 'SRP_A', SRP_A: 'simulated' });
    step = await cognito.respondToAuthChallenge('PASSWORD_VERIFIER', step.Session!, { USERNAME: USER.username, PASSWORD: USER.password });
    let challenges = 0;
    while (step.ChallengeName === 'CUSTOM_CHALLENGE') {
      challenges += 1;
      step = await cognito.respondToAuthChallenge('CUSTOM_CHALLENGE', step.Session!, { USERNAME: USER.username, ANSWER: ses.lastCodeSentTo(email) });
    }
    durations.push(performance.now() - started);
    if (!step.AuthenticationResult || challenges !== 3 || ses.received.length - emailsBefore !== 3) {
      throw new Error(`sign-in ${run + 1} went wrong: ${challenges} challenges, ${ses.received.length - emailsBefore} emails, ${JSON.stringify(step)}`);
    }
  }
  heading(`Sign-in end to end: password, then three emailed codes, through the bundled handlers (simulated Cognito, local SES), ${ITERATIONS.signIns} runs`);
  console.log(`  ${describe(summarize(durations), 'ms', 2)} per sign-in (10 trigger invocations, 3 sends); first ${fixed(durations[0], 2)} ms`);
}

// ---------------------------------------------------------------------------------------------
// Synth

function synthTimes(workdir: string): void {
  const stacks: { label: string; build: (outdir: string) => App }[] = [
    { label: 'cognito.UserPool + UserPoolClient', build: plainPoolApp },
    { label: 'the same + 3 plain lambda.Function triggers (CDK defaults)', build: handWrittenTriggersApp },
    { label: 'CustomAuthUserPool', build: (outdir) => customAuthApp(outdir).app },
  ];
  const timeSynth = (build: (outdir: string) => App) => {
    const outdir = mkdtempSync(path.join(workdir, 'synth-'));
    const started = performance.now();
    build(outdir).synth();
    const millis = performance.now() - started;
    rmSync(outdir, { recursive: true, force: true });
    return millis;
  };
  // One unrecorded round loads the modules; then rounds in a rotated order.
  const resources = stacks.map(({ build }) => {
    const outdir = mkdtempSync(path.join(workdir, 'synth-'));
    const count = Object.keys(build(outdir).synth().getStackByName('Bench').template.Resources).length;
    rmSync(outdir, { recursive: true, force: true });
    return count;
  });
  const millis = stacks.map(() => [] as number[]);
  for (let round = 0; round < ITERATIONS.synthRuns; round++) {
    for (let i = 0; i < stacks.length; i++) {
      const index = (round + i) % stacks.length;
      millis[index].push(timeSynth(stacks[index].build));
    }
  }
  const summaries = millis.map(summarize);
  const plain = summaries[0].median;
  heading(`Synth: new App, stack and app.synth() into a fresh directory, in this process, ${ITERATIONS.synthRuns} interleaved runs, median (min, max)`);
  table(['stack', 'resources', 'synth', 'vs plain', 'per resource'], stacks.map(({ label }, i) => [
    label, String(resources[i]), describe(summaries[i], 'ms'), ratio(summaries[i].median, plain), `${fixed(summaries[i].median / resources[i], 2)} ms`,
  ]));
  const custom = summaries[stacks.length - 1].median;
  target(custom / plain < TARGETS.synthRatio, `synth under ${TARGETS.synthRatio}x the plain pool: ${fixed(custom / plain, 2)}x`
    + ` (${fixed(custom)} ms vs ${fixed(plain)} ms, ${resources[stacks.length - 1]} resources vs ${resources[0]};`
    + ` ${fixed(custom / summaries[1].median, 2)}x the pool with 3 plain trigger functions)`);
}

// ---------------------------------------------------------------------------------------------
// Package

function packageSize(): void {
  heading('npm package');
  const distDir = path.join(ROOT, 'dist', 'js');
  const tarballs = existsSync(distDir) ? readdirSync(distDir).filter((name) => name.endsWith('.tgz')) : [];
  let bytes: number;
  if (tarballs.length > 0) {
    const newest = tarballs.map((name) => path.join(distDir, name)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    bytes = statSync(newest).size;
    console.log(`  ${path.relative(ROOT, newest)}: ${bytes} bytes (${kilobytes(bytes)})`);
  } else {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    bytes = packed.size;
    console.log(`  npm pack --dry-run (no dist/js/*.tgz yet): ${bytes} bytes (${kilobytes(bytes)}) packed, ${kilobytes(packed.unpackedSize)} unpacked, ${packed.entryCount} files`);
    if (!existsSync(path.join(ROOT, 'lib', 'index.js'))) {
      console.log('  lib/ is not built, so this leaves the compiled library out: run `npx projen build` first for the real figure');
    }
  }
  target(bytes < TARGETS.tarballBytes, `npm tarball under 1 MB: ${kilobytes(bytes)}`);
}

main().catch((error) => {
  console.error(`Benchmark failed: ${error?.stack ?? error}`);
  process.exit(1);
});
