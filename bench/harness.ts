/**
 * The child side of the benchmark: runs alone in a fresh `node` process (bench.ts bundles it with
 * esbuild into a temporary .js file first, so nothing but Node's own startup precedes it). It loads
 * one handler bundle, or none for the bare-node baseline, invokes it, and prints one JSON line.
 *
 * It imports nothing beyond Node built-ins that Node has already loaded at startup, and it keeps time
 * with process.uptime() and process.hrtime(), not the `performance` global, which Node loads lazily
 * (perf_hooks, a few ms): the bare run and a handler run differ only by the handler's `require()`
 * and invocations, and whatever those load is charged to the handler.
 */
import { openSync, writeSync } from 'node:fs';
import { format } from 'node:util';

/** A fresh process: how long until the handler is loaded, then until its first invocation returned. */
export interface ColdSpec {
  readonly kind: 'cold';
  /** Absolute path of the bundle; none for bare node (a no-op handler instead). */
  readonly bundle?: string;
  /** The event of every invocation, as JSON text (Lambda hands the runtime JSON). */
  readonly event: string;
  /** Invocations after the first one, before peak memory is read. */
  readonly moreInvocations: number;
}

/** One process: the handler against a no-op handler, invocation by invocation. */
export interface WarmSpec {
  readonly kind: 'warm';
  readonly bundle: string;
  readonly event: string;
  readonly warmup: number;
  readonly batches: number;
  readonly batchSize: number;
}

/** Wall-clock and CPU (user + system, all threads) time, in the unit its use says. */
export interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

export interface ColdResult {
  /** From process start until the handler was loaded. */
  readonly ready: Timing;
  /** The handler's require() alone, timed in process. */
  readonly require: Timing;
  /** From process start until the first invocation returned. */
  readonly readyAfterFirst: Timing;
  /** The first invocation alone, timed in process. */
  readonly firstInvocation: Timing;
  /** Peak resident set size in KB, after all invocations. */
  readonly maxRssKb: number;
  /** Resident set size in KB after all invocations. */
  readonly rssKb: number;
}

export interface WarmResult {
  /** Per-invocation µs of each batch: parse the event, call, serialize the result (what the runtime does). */
  readonly handler: number[];
  readonly noop: number[];
  /** Per-invocation CPU µs of the same batches. */
  readonly handlerCpu: number[];
  readonly noopCpu: number[];
  /** Per-call µs of each batch: the handler function alone, on a reused event object. */
  readonly handlerCallOnly: number[];
  readonly noopCallOnly: number[];
}

type Handler = (event: unknown) => Promise<unknown>;

/**
 * The console as Lambda's Node.js runtime provides it (JSON log format): every line formatted with
 * a timestamp, level and request id, and written synchronously to a file descriptor. /dev/null here.
 */
function installLambdaConsole(requestId: () => string): void {
  const fd = openSync('/dev/null', 'w');
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[level] = (...args: unknown[]) => {
      const line = { timestamp: new Date().toISOString(), level: level.toUpperCase(), requestId: requestId(), message: format(...args) };
      writeSync(fd, `${JSON.stringify(line)}\n`);
    };
  }
}

const noop: Handler = async (event) => event;

function loadHandler(bundle: string | undefined): Handler {
  if (bundle === undefined) {
    return noop;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(bundle) as { handler?: Handler };
  if (typeof loaded.handler !== 'function') {
    throw new Error(`${bundle} exports no handler`);
  }
  return loaded.handler;
}

async function invoke(handler: Handler, eventText: string): Promise<string> {
  return JSON.stringify(await handler(JSON.parse(eventText)));
}

/** Milliseconds since this process started, by wall clock and by CPU time. */
function sinceStart(): Timing {
  const cpu = process.cpuUsage();
  return { wall: process.uptime() * 1000, cpu: (cpu.user + cpu.system) / 1000 };
}

function between(from: Timing, to: Timing): Timing {
  return { wall: to.wall - from.wall, cpu: to.cpu - from.cpu };
}

async function cold(spec: ColdSpec): Promise<ColdResult> {
  const beforeRequire = sinceStart();
  const handler = loadHandler(spec.bundle);
  const ready = sinceStart();
  await invoke(handler, spec.event);
  const readyAfterFirst = sinceStart();
  for (let i = 0; i < spec.moreInvocations; i++) {
    await invoke(handler, spec.event);
  }
  return {
    ready,
    require: between(beforeRequire, ready),
    readyAfterFirst,
    firstInvocation: between(ready, readyAfterFirst),
    maxRssKb: process.resourceUsage().maxRSS,
    rssKb: process.memoryUsage.rss() / 1024,
  };
}

/** Wall-clock and CPU µs per call, over `count` calls in a row. */
async function perInvocationMicros(count: number, once: () => Promise<unknown>): Promise<Timing> {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    await once();
  }
  const wall = Number(process.hrtime.bigint() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: wall / count, cpu: (cpu.user + cpu.system) / count };
}

async function warm(spec: WarmSpec): Promise<WarmResult> {
  const handler = loadHandler(spec.bundle);
  const reused = JSON.parse(spec.event);
  const runs = {
    handler: () => invoke(handler, spec.event),
    noop: () => invoke(noop, spec.event),
    handlerCallOnly: () => handler(reused),
    noopCallOnly: () => noop(reused),
  };
  const names = Object.keys(runs) as (keyof typeof runs)[];
  for (const name of names) {
    await perInvocationMicros(spec.warmup, runs[name]);
  }
  const result: WarmResult = { handler: [], noop: [], handlerCpu: [], noopCpu: [], handlerCallOnly: [], noopCallOnly: [] };
  for (let batch = 0; batch < spec.batches; batch++) {
    // Rotate the order so no variant always runs right after another.
    for (let i = 0; i < names.length; i++) {
      const name = names[(batch + i) % names.length];
      const micros = await perInvocationMicros(spec.batchSize, runs[name]);
      result[name].push(micros.wall);
      if (name === 'handler' || name === 'noop') {
        result[`${name}Cpu`].push(micros.cpu);
      }
    }
  }
  return result;
}

async function main(): Promise<void> {
  sinceStart(); // the first process.cpuUsage() call costs more than later ones: pay it before any measurement
  let invocation = 0;
  installLambdaConsole(() => `bench-${invocation++}`);
  const spec = JSON.parse(process.argv[2]) as ColdSpec | WarmSpec;
  const result = spec.kind === 'cold' ? await cold(spec) : await warm(spec);
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((error) => {
  process.stderr.write(`harness failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
