import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import type { App } from 'aws-cdk-lib';
import { buildSync } from 'esbuild';
import type { ColdResult, ColdSpec, Timing, WarmResult, WarmSpec } from './harness';
import {
  BUNDLES, customAuthApp, handWrittenTriggersApp, plainPoolApp, ROOT, synthesizedEnvironments, triggerEvents, Trigger, TRIGGERS, USER,
} from './scenario';
import { describe, fixed, kilobytes, medianDifference, summarize } from './stats';
import { LocalTlsSes } from './tls-endpoint';
import { deployedHandlers } from '../test/support/bundled-handlers';
import { AuthResult, CognitoSimulator } from '../test/support/cognito-simulator';
import { LocalAws } from '../test/support/local-aws';

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

/** Lambda gives a function the equivalent of one vCPU at 1,769 MB, and CPU in proportion below that. */
const ONE_VCPU_MB = 1769;
const MEMORY_SIZES = [128, 256, 512];

const SDK_MARKERS = ['@aws-sdk', '@smithy'];

const targets: { met: boolean; text: string }[] = [];
function target(met: boolean, text: string): void {
  targets.push({ met, text });
}

function heading(title: string): void {
  console.log(`\n${title}`);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')}`.trimEnd();
  console.log(line(header));
  rows.forEach((r) => console.log(line(r)));
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
        reject(new Error(`a ${spec.kind} run of ${spec.bundle ?? 'bare node'} exited ${code}: ${stderr.trim()}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`unreadable result from a ${spec.kind} run of ${spec.bundle ?? 'bare node'}: ${stdout}${stderr}`));
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

interface Endpoints {
  readonly ses: LocalAws;
  readonly tls: LocalTlsSes | undefined;
}

/** What a handler process gets: its function's variables, credentials, region, and where SES is. */
function childEnv(functionEnv: Record<string, string>, endpoints: Endpoints, overTls: boolean): Record<string, string> {
  return {
    ...functionEnv,
    ...endpoints.ses.environment,
    NODE_NO_WARNINGS: '1',
    ...(overTls && endpoints.tls ? {
      AWS_ENDPOINT_URL_SESV2: endpoints.tls.endpoint,
      // The endpoint's certificate is self-signed for this run. Trusting it through NODE_EXTRA_CA_CERTS
      // would make Node build its CA store at start-up, in every process, and move that cost out of
      // the first send; so this one local process skips the check instead (Node still builds the CA
      // store and does the handshake at the first send, as it would against SES).
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
    } : {}),
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const workdir = mkdtempSync(path.join(tmpdir(), 'cdk-cognito-custom-auth-bench-'));
  const endpoints: Endpoints = { ses: await LocalAws.start(), tls: await LocalTlsSes.start(workdir) };
  try {
    const childVersion = CHILD_NODE === process.execPath ? process.version : execFileSync(CHILD_NODE, ['--version'], { encoding: 'utf8' }).trim();
    console.log(`cdk-cognito-custom-auth benchmark${QUICK ? ' (quick: few iterations, the timings are rough)' : ''}`);
    console.log(`  node ${process.version} (handler processes: ${childVersion}), ${cpus().length} cores (${cpus()[0]?.model.trim()}), `
      + `load average ${loadavg().map((l) => fixed(l, 2)).join(' ')}`);
    console.log('  bare node = the same child harness with a no-op handler `async (e) => e`; every figure is measured against it in this run');
    if (!endpoints.tls) {
      console.log('  no `openssl` on this machine: the sends over TLS are left out');
    }

    const { app, pool } = customAuthApp(path.join(workdir, 'cdk.out'));
    const environments = synthesizedEnvironments(app, pool);
    const events = triggerEvents();
    const harness = compileHarness(workdir);
    const sdk = sdkAlternatives(workdir);

    bundleSizes(sdk.bundled);
    const cold = await coldStarts(harness, sdk, environments, events, endpoints);
    const warm = await warmInvocations(harness, environments, events, endpoints);
    memory(cold);
    lambdaProjection(cold, warm);
    await signIns(pool, endpoints.ses);
    synthTimes(workdir);
    packageSize();

    heading('Targets');
    for (const { met, text } of targets) {
      console.log(`  ${met ? 'MET    ' : 'NOT MET'}  ${text}`);
    }
    console.log(`\nBenchmark finished in ${fixed((performance.now() - started) / 1000)} s; ${targets.filter((t) => t.met).length} of ${targets.length} targets met.`);
  } finally {
    await endpoints.ses.stop();
    await endpoints.tls?.stop();
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
  rows.push(['SESv2 SDK client + the same send, bundled alike', String(sdkText.length), String(deflateRawSync(sdkText).length),
    SDK_MARKERS.filter((marker) => sdkText.includes(marker)).join(', ')]);
  table(['bundle', 'bytes', 'deflated', 'AWS SDK markers'], rows);
}

// ---------------------------------------------------------------------------------------------
// Cold start

type ColdVariant = 'bare' | Trigger | 'createTls' | 'sdk' | 'sdkTls' | 'sdkExternal';
type ColdResults = Partial<Record<ColdVariant, ColdResult[]>> & Record<'bare' | Trigger | 'sdk' | 'sdkExternal', ColdResult[]>;

async function coldStarts(
  harness: string,
  sdk: { bundled: string; external: string },
  environments: Record<Trigger, Record<string, string>>,
  events: ReturnType<typeof triggerEvents>,
  endpoints: Endpoints,
): Promise<ColdResults> {
  const spec = (bundle: string | undefined, event: string): ColdSpec => ({ kind: 'cold', bundle, event, moreInvocations: ITERATIONS.moreInvocations });
  const handler = (trigger: Trigger) => path.join(ROOT, BUNDLES[trigger]);
  const variants: Partial<Record<ColdVariant, { spec: ColdSpec; env: Record<string, string>; sends?: 'http' | 'tls' }>> = {
    bare: { spec: spec(undefined, events.define), env: childEnv({}, endpoints, false) },
    define: { spec: spec(handler('define'), events.define), env: childEnv(environments.define, endpoints, false) },
    verify: { spec: spec(handler('verify'), events.verify), env: childEnv(environments.verify, endpoints, false) },
    create: { spec: spec(handler('create'), events.createSend), env: childEnv(environments.create, endpoints, false), sends: 'http' },
    sdk: { spec: spec(sdk.bundled, events.createSend), env: childEnv(environments.create, endpoints, false), sends: 'http' },
    sdkExternal: { spec: spec(sdk.external, events.createSend), env: childEnv(environments.create, endpoints, false), sends: 'http' },
    ...(endpoints.tls ? {
      createTls: { spec: spec(handler('create'), events.createSend), env: childEnv(environments.create, endpoints, true), sends: 'tls' as const },
      sdkTls: { spec: spec(sdk.bundled, events.createSend), env: childEnv(environments.create, endpoints, true), sends: 'tls' as const },
    } : {}),
  };
  const names = Object.keys(variants) as ColdVariant[];
  const results = Object.fromEntries(names.map((name) => [name, [] as ColdResult[]])) as ColdResults;
  const sendsBefore = { http: endpoints.ses.received.length, tls: endpoints.tls?.sends ?? 0 };
  // One unrecorded round warms the file cache; then the recorded rounds, each in a rotated order.
  for (let round = -1; round < ITERATIONS.coldRuns; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(Math.max(round, 0) + i) % names.length];
      const result = await runChild<ColdResult>(harness, variants[name]!.spec, variants[name]!.env);
      if (round >= 0) {
        results[name]!.push(result);
      }
    }
  }
  // Every send must have reached its endpoint, or the figures measure failures.
  for (const transport of ['http', 'tls'] as const) {
    const senders = names.filter((name) => variants[name]!.sends === transport).length;
    const expected = senders * (ITERATIONS.coldRuns + 1) * (1 + ITERATIONS.moreInvocations);
    const got = transport === 'http' ? endpoints.ses.received.length - sendsBefore.http : (endpoints.tls?.sends ?? 0) - sendsBefore.tls;
    if (got !== expected) {
      throw new Error(`expected ${expected} sends over ${transport} from the cold runs, the local endpoint answered ${got}`);
    }
  }

  heading(`Cold start: a fresh \`node\` process per run, ${ITERATIONS.coldRuns} interleaved runs; ms since process start, median (min, max)`);
  const steps: { label: string; variant: ColdVariant; after: Phase }[] = [
    { label: 'bare node', variant: 'bare', after: 'import' },
    { label: 'define: import', variant: 'define', after: 'import' },
    { label: 'verify: import', variant: 'verify', after: 'import' },
    { label: 'create: import', variant: 'create', after: 'import' },
    { label: 'SDK SESv2 client (bundled): import', variant: 'sdk', after: 'import' },
    { label: 'SDK SESv2 client (node_modules): import', variant: 'sdkExternal', after: 'import' },
    { label: 'bare node + no-op invocation', variant: 'bare', after: 'first' },
    { label: 'define: import + first invocation', variant: 'define', after: 'first' },
    { label: 'verify: import + first invocation', variant: 'verify', after: 'first' },
    { label: 'create: import + first send (local http)', variant: 'create', after: 'first' },
    { label: 'create: import + first send (local TLS)', variant: 'createTls', after: 'first' },
    { label: 'SDK (bundled): import + first send (local http)', variant: 'sdk', after: 'first' },
    { label: 'SDK (bundled): import + first send (local TLS)', variant: 'sdkTls', after: 'first' },
    { label: 'SDK (node_modules): import + first send (http)', variant: 'sdkExternal', after: 'first' },
  ].filter(({ variant }) => results[variant as ColdVariant] !== undefined) as { label: string; variant: ColdVariant; after: Phase }[];

  for (const clock of ['wall', 'cpu'] as const) {
    console.log(clock === 'wall'
      ? '  Wall clock (what a caller waits for; on a shared machine it includes waiting for a core):'
      : '  CPU time, user + system, all threads (the work itself; Lambda hands out CPU in proportion to memory):');
    table(['process', 'since start', 'vs bare', 'added', 'in process'], steps.map(({ label, variant, after }) => {
      const summary = summarize(since(results, variant, after, clock));
      const bare = summarize(since(results, 'bare', after, clock)).median;
      return variant === 'bare'
        ? [label, describe(summary, 'ms'), '1.00x', '', '']
        : [label, describe(summary, 'ms'), ratio(summary.median, bare), signed(added(results, variant, after, clock), 'ms'),
          `${fixed(summarize(inProcess(results, variant, after, clock)).median, 2)} ms`];
    }));
  }
  console.log('  added: the larger of (median over rounds of this process minus the bare one of the same round) and (the median in process)');
  console.log('  in process: the require() (and first invocation) alone, timed inside the process');

  for (const trigger of ['define', 'verify'] as const) {
    target(added(results, trigger, 'import', 'cpu') < TARGETS.importAddedMillis,
      `${trigger} adds under ${TARGETS.importAddedMillis} ms cold import over bare node: ${fixed(added(results, trigger, 'import', 'cpu'))} ms CPU`
      + ` (${fixed(added(results, trigger, 'import', 'wall'))} ms wall)`);
  }
  const figures = (variant: ColdVariant) => (results[variant]
    ? `${fixed(added(results, variant, 'first', 'cpu'))} ms CPU, ${fixed(added(results, variant, 'first', 'wall'))} ms wall`
    : 'not measured');
  target(added(results, 'create', 'first', 'cpu') < TARGETS.createFirstSendAddedMillis,
    `create's cold import plus its first send adds under ${TARGETS.createFirstSendAddedMillis} ms over bare node: ${figures('create')}`
    + ` (over TLS: ${figures('createTls')}; the SDK client: ${figures('sdk')}, over TLS ${figures('sdkTls')})`);
  return results;
}

type Phase = 'import' | 'first';

function since(results: ColdResults, variant: ColdVariant, after: Phase, clock: keyof Timing): number[] {
  return results[variant]!.map((r) => (after === 'import' ? r.ready : r.readyAfterFirst)[clock]);
}

function inProcess(results: ColdResults, variant: ColdVariant, after: Phase, clock: keyof Timing): number[] {
  return results[variant]!.map((r) => r.require[clock] + (after === 'first' ? r.firstInvocation[clock] : 0));
}

/**
 * What a handler adds to a bare start: the median over rounds of (its process minus the bare process
 * of the same round), or the in-process timing of its own work if that is larger. The larger of two
 * estimates, so noise can only make a handler look worse.
 */
function added(results: ColdResults, variant: ColdVariant, after: Phase, clock: keyof Timing): number {
  return Math.max(
    medianDifference(since(results, variant, after, clock), since(results, 'bare', after, clock)),
    summarize(inProcess(results, variant, after, clock)).median,
  );
}

// ---------------------------------------------------------------------------------------------
// Warm invocations

interface WarmCase {
  readonly label: string;
  readonly trigger: Trigger;
  readonly result: WarmResult;
}

async function warmInvocations(
  harness: string,
  environments: Record<Trigger, Record<string, string>>,
  events: ReturnType<typeof triggerEvents>,
  endpoints: Endpoints,
): Promise<WarmCase[]> {
  const cases: { label: string; trigger: Trigger; event: string; batchSize: number; overTls?: boolean }[] = [
    { label: 'define', trigger: 'define', event: events.define, batchSize: ITERATIONS.warmBatchSize },
    { label: 'verify', trigger: 'verify', event: events.verify, batchSize: ITERATIONS.warmBatchSize },
    { label: 'create: retry (code reused, no send)', trigger: 'create', event: events.createRetry, batchSize: ITERATIONS.warmBatchSize },
    { label: 'create: new code, send (local http)', trigger: 'create', event: events.createSend, batchSize: ITERATIONS.sendBatchSize },
    ...(endpoints.tls
      ? [{ label: 'create: new code, send (local TLS)', trigger: 'create' as const, event: events.createSend, batchSize: ITERATIONS.sendBatchSize, overTls: true }]
      : []),
  ];
  heading(`Warm invocations: one process per row, median of ${ITERATIONS.warmBatches} batches, µs per invocation`);
  const rows: string[][] = [];
  const measured: WarmCase[] = [];
  for (const { label, trigger, event, batchSize, overTls } of cases) {
    const spec: WarmSpec = { kind: 'warm', bundle: path.join(ROOT, BUNDLES[trigger]), event, warmup: batchSize, batches: ITERATIONS.warmBatches, batchSize };
    const result = await runChild<WarmResult>(harness, spec, childEnv(environments[trigger], endpoints, overTls === true));
    measured.push({ label, trigger, result });
    const wall = { handler: summarize(result.handler), noop: summarize(result.noop).median };
    const cpu = { handler: summarize(result.handlerCpu).median, noop: summarize(result.noopCpu).median };
    rows.push([`${label} (${batchSize}/batch)`, describe(wall.handler, 'µs', 2), `${fixed(wall.noop, 2)} µs`, ratio(wall.handler.median, wall.noop),
      `${fixed(cpu.handler, 2)} µs`, `${fixed(cpu.noop, 2)} µs`, ratio(cpu.handler, cpu.noop), `${fixed(summarize(result.handlerCallOnly).median, 2)} µs`]);
    if (trigger === 'define') {
      target(cpu.handler / cpu.noop < TARGETS.defineWarmRatio, `define's warm invocation under ${TARGETS.defineWarmRatio}x a no-op handler: `
        + `${fixed(cpu.handler / cpu.noop, 2)}x CPU (${fixed(cpu.handler, 2)} µs vs ${fixed(cpu.noop, 2)} µs; wall clock ${ratio(wall.handler.median, wall.noop)})`);
    }
  }
  table(['handler', 'invocation', 'no-op', 'vs no-op', 'CPU', 'no-op CPU', 'vs no-op', 'call only'], rows);
  console.log('  invocation: JSON.parse the event, await the handler, JSON.stringify the result, as the Lambda runtime does per event;');
  console.log('  each handler\'s one log line goes through a Lambda-like console (a JSON line written synchronously, to /dev/null).');
  console.log('  CPU: the process\'s CPU time per invocation, the same batches (the endpoint runs in the benchmark process, not counted).');
  console.log('  call only: the handler function alone on a reused event object; a no-op costs ~0.1 µs that way.');
  return measured;
}

// ---------------------------------------------------------------------------------------------
// Memory

function memory(cold: ColdResults): void {
  heading(`Memory of the cold-start processes after import and ${1 + ITERATIONS.moreInvocations} invocations, median (min, max)`);
  const megabytes = (variant: ColdVariant, field: 'maxRssKb' | 'rssKb') => cold[variant]!.map((r) => r[field] / 1024);
  const labels: [ColdVariant, string][] = [
    ['bare', 'bare node (no-op handler)'], ['define', 'define'], ['verify', 'verify'], ['create', 'create (sends over http)'],
    ['createTls', 'create (sends over TLS)'], ['sdk', 'SDK client, bundled (sends over http)'], ['sdkTls', 'SDK client, bundled (sends over TLS)'],
    ['sdkExternal', 'SDK client, node_modules (http)'],
  ];
  const peaks: string[] = [];
  table(['process', 'peak RSS (maxRSS)', 'over bare', 'RSS at the end', 'over bare'], labels.filter(([variant]) => cold[variant]).map(([variant, label]) => {
    const peak = summarize(megabytes(variant, 'maxRssKb'));
    const end = summarize(megabytes(variant, 'rssKb'));
    if (variant === 'bare') {
      return [label, describe(peak, 'MB'), '', describe(end, 'MB'), ''];
    }
    const peakAdded = medianDifference(megabytes(variant, 'maxRssKb'), megabytes('bare', 'maxRssKb'));
    const endAdded = medianDifference(megabytes(variant, 'rssKb'), megabytes('bare', 'rssKb'));
    if (variant === 'define' || variant === 'verify' || variant === 'create' || variant === 'createTls') {
      peaks.push(`${label} ${fixed(peak.median)} MB`);
    }
    return [label, describe(peak, 'MB'), signed(peakAdded, 'MB'), describe(end, 'MB'), signed(endAdded, 'MB')];
  }));
  console.log('  Node\'s own start-up sets the peak; the handlers stay under it or close to it. Lambda\'s smallest size is 128 MB.');
  target(true, `peak memory reported: bare node ${fixed(summarize(megabytes('bare', 'maxRssKb')).median)} MB; ${peaks.join(', ')} (peak RSS)`);
}

// ---------------------------------------------------------------------------------------------
// What the CPU figures mean on Lambda

function lambdaProjection(cold: ColdResults, warm: WarmCase[]): void {
  heading(`On Lambda: the CPU figures above at a memory size's share of a vCPU (${ONE_VCPU_MB} MB = 1 vCPU), ms`);
  const coldCpu = (variant: ColdVariant) => added(cold, variant, 'first', 'cpu');
  const warmCpu = (label: string) => {
    const found = warm.find((c) => c.label === label);
    return found ? summarize(found.result.handlerCpu).median / 1000 : undefined;
  };
  const rows: [string, number | undefined][] = [
    ['define: cold (import + first invocation)', coldCpu('define')],
    ['verify: cold (import + first invocation)', coldCpu('verify')],
    ['create: cold (import + first send over http)', coldCpu('create')],
    ['create: cold (import + first send over TLS)', cold.createTls ? coldCpu('createTls') : undefined],
    ['SDK client: cold (import + first send over TLS)', cold.sdkTls ? coldCpu('sdkTls') : undefined],
    ['define: warm invocation', warmCpu('define')],
    ['verify: warm invocation', warmCpu('verify')],
    ['create: warm invocation with a send over TLS', warmCpu('create: new code, send (local TLS)') ?? warmCpu('create: new code, send (local http)')],
  ];
  table(['work added over bare node', 'CPU here', ...MEMORY_SIZES.map((mb) => `${mb} MB`)], rows
    .filter((row): row is [string, number] => row[1] !== undefined)
    .map(([label, millis]) => [label, fixed(millis, 2), ...MEMORY_SIZES.map((mb) => fixed((millis * ONE_VCPU_MB) / mb, 1))]));
  console.log('  A projection, not a Lambda measurement: this machine\'s core, not Graviton; the runtime\'s own start-up and the');
  console.log('  network wait (DNS, round trips to SES) are not in it, and neither scales with CPU in the same way.');
}

// ---------------------------------------------------------------------------------------------
// A whole sign-in

async function signIns(pool: ReturnType<typeof customAuthApp>['pool'], ses: LocalAws): Promise<void> {
  const quiet = { info: () => undefined, error: () => undefined, warn: () => undefined, log: () => undefined, debug: () => undefined };
  const cognito = new CognitoSimulator(await deployedHandlers(pool, ses, quiet), [USER]);
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
  heading('Sign-in end to end: password (SRP, both sides), then three emailed codes, through the bundled handlers and the local '
    + `endpoint's user pool (local SES), ${ITERATIONS.signIns} runs`);
  console.log(`  ${describe(summarize(durations), 'ms', 2)} per sign-in: 10 trigger invocations and 3 sends in this process;`
    + ` the first one ${fixed(durations[0], 2)} ms (handlers loaded, not yet run)`);
}

// ---------------------------------------------------------------------------------------------
// Synth

function synthTimes(workdir: string): void {
  const stacks: { label: string; build: (outdir: string) => App }[] = [
    { label: 'cognito.UserPool + UserPoolClient', build: plainPoolApp },
    { label: 'the same + 3 plain lambda.Function triggers (CDK defaults)', build: handWrittenTriggersApp },
    { label: 'CustomAuthUserPool', build: (outdir) => customAuthApp(outdir).app },
  ];
  const synthesize = <T>(build: (outdir: string) => App, measure: (app: () => ReturnType<App['synth']>) => T): T => {
    const outdir = mkdtempSync(path.join(workdir, 'synth-'));
    try {
      return measure(() => build(outdir).synth());
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  };
  // One unrecorded synth of each loads the modules and counts the resources; then rounds in a rotated order.
  const resources = stacks.map(({ build }) => synthesize(build, (synth) => Object.keys(synth().getStackByName('Bench').template.Resources).length));
  const millis = stacks.map(() => [] as number[]);
  for (let round = 0; round < ITERATIONS.synthRuns; round++) {
    for (let i = 0; i < stacks.length; i++) {
      const index = (round + i) % stacks.length;
      millis[index].push(synthesize(stacks[index].build, (synth) => {
        const started = performance.now();
        synth();
        return performance.now() - started;
      }));
    }
  }
  const summaries = millis.map(summarize);
  const plain = summaries[0].median;
  heading(`Synth: new App and stack, app.synth() into a fresh directory, in this process, ${ITERATIONS.synthRuns} interleaved runs, median (min, max)`);
  table(['stack', 'resources', 'synth', 'vs plain', 'per resource'], stacks.map(({ label }, i) => [
    label, String(resources[i]), describe(summaries[i], 'ms'), ratio(summaries[i].median, plain), `${fixed(summaries[i].median / resources[i], 2)} ms`,
  ]));
  const custom = summaries[stacks.length - 1].median;
  target(custom / plain < TARGETS.synthRatio, `synth under ${TARGETS.synthRatio}x the plain pool: ${fixed(custom / plain, 2)}x`
    + ` (${fixed(custom)} ms vs ${fixed(plain)} ms for ${resources[stacks.length - 1]} resources vs ${resources[0]};`
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
      console.log('  lib/ is not built, so the compiled library is left out: `npx projen build` first for the real figure');
    }
  }
  target(bytes < TARGETS.tarballBytes, `npm tarball under 1 MB: ${kilobytes(bytes)}`);
}

main().catch((error) => {
  console.error(`Benchmark failed: ${error?.stack ?? error}`);
  process.exit(1);
});
