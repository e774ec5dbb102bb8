import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { runInThisContext } from 'node:vm';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { LocalAws } from './local-aws';
import { capturingConsole, rememberEventSecrets, rememberResponseSecrets } from './log-capture';
import type { CustomAuth } from '../../src';

/** A Lambda handler as Cognito calls it, with Lambda's context when a test gives one. */
export type TriggerHandler = (event: any, context?: LambdaContextLike) => Promise<any>;

/** The part of Lambda's context the handlers read. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/** A Lambda context whose function times out `millis` after now, as Lambda's own counts down. */
export function contextTimingOutIn(millis: number): LambdaContextLike {
  const end = performance.now() + millis;
  return { getRemainingTimeInMillis: () => Math.max(0, Math.round(end - performance.now())) };
}

/** The three triggers of one user pool, ready to be called. */
export interface TriggerHandlers {
  readonly define: TriggerHandler;
  readonly create: TriggerHandler;
  readonly verify: TriggerHandler;
}

/** Where a loaded handler's console output goes; defaults to the real console. */
export type LogSink = Pick<Console, 'info' | 'error' | 'warn' | 'log' | 'debug'>;

/** A sink that keeps each line in `lines`, for tests that check what the handlers logged. */
export function recordingSink(lines: string[]): LogSink {
  const record = (...args: unknown[]) => void lines.push(args.join(' '));
  return { info: record, error: record, warn: record, log: record, debug: record };
}

/** A `Date` whose "now" is `clock()`: the handler's wall clock, moved by a test (timers and performance.now() stay real). */
function movedDate(clock: () => number): DateConstructor {
  return class extends Date {
    public static now(): number {
      return clock();
    }

    public constructor(...args: unknown[]) {
      if (args.length === 0) {
        super(clock());
      } else {
        super(...(args as [number]));
      }
    }
  } as DateConstructor;
}

/**
 * Loads one bundled handler file as Lambda would: a fresh module with its own `process.env`, so
 * each load reads its configuration at "cold start". Runs outside Jest's module registry, so the
 * bundle is exactly the shipped file with nothing mocked.
 *
 * With `clock`, the handler's `Date` reads that clock instead of the real one.
 *
 * Under Jest, the handler's console also goes to the run's log capture (test/support/log-capture.ts),
 * whatever `sink` is given, and the secrets in its events and responses are recorded there: the
 * globalTeardown checks that no log line of any test file holds one.
 */
export function loadBundledHandler(file: string, env: Record<string, string>, sink: LogSink = console, clock?: () => number): TriggerHandler {
  const source = readFileSync(file, 'utf8');
  const wrapper = runInThisContext(
    `(function (exports, require, module, __filename, __dirname, process, console, Date) {${source}\n})`,
    { filename: file },
  );
  const module = { exports: {} as { handler?: TriggerHandler } };
  const lambdaProcess = Object.create(process, { env: { value: { ...env }, enumerable: true } });
  wrapper(module.exports, createRequire(file), module, file, path.dirname(file), lambdaProcess, capturingConsole(file, sink),
    clock ? movedDate(clock) : Date);
  const handler = module.exports.handler;
  if (typeof handler !== 'function') {
    throw new Error(`${file} exports no handler`);
  }
  return async (event: any, context?: LambdaContextLike) => {
    rememberEventSecrets(event);
    const result = await handler(event, context);
    rememberResponseSecrets(result);
    return result;
  };
}

/**
 * The challenge parameters of the first challenge with the construct's defaults (one challenge, a
 * 6-digit code by email, 3 attempts), as the handlers return them for `username` and the masked `destination`.
 */
export function defaultFirstChallenge(username: string, destination: string): Record<string, string> {
  return {
    USERNAME: username,
    deliveryMedium: 'EMAIL',
    destination,
    challengeNumber: '1',
    challengeCount: '1',
    attemptsRemaining: '3',
    codeLength: '6',
  };
}

/** What a `CustomAuth` and a `CustomAuthUserPool` both expose: the three functions and the limits table. */
export type CustomAuthFunctions = Pick<CustomAuth,
  'defineAuthChallengeFunction' | 'createAuthChallengeFunction' | 'verifyAuthChallengeFunction' | 'limitsTable'> & IConstruct;

/**
 * The three handlers of a synthesized `CustomAuth` or `CustomAuthUserPool`, as they would deploy: each function's
 * asset from the cloud assembly, with the environment variables from the synthesized template, plus
 * the Lambda runtime's own variables pointed at `local` (region, credentials, endpoints). The
 * cross-session limits table, a reference in the template, becomes a fresh table in local DynamoDB.
 */
export async function deployedHandlers(pool: CustomAuthFunctions, local: LocalAws, sink: LogSink = console): Promise<TriggerHandlers> {
  const stack = Stack.of(pool);
  const assembly = (stack.node.root as App).synth();
  const template = assembly.getStackArtifact(stack.artifactId).template;
  const assetManifest = JSON.parse(readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'));
  const limitsTable = pool.limitsTable ? await local.dynamodb.createLimitsTable() : undefined;
  // References CloudFormation resolves at deploy time become local values: the table, and the stack ID (the keys' salt).
  const deployed: Record<string, string | undefined> = { BUDGET_TABLE: limitsTable, BUDGET_SALT: `arn:aws:cloudformation:us-east-1:123456789012:stack/${stack.stackName}/local` };
  const load = (fn: lambda.IFunction): TriggerHandler => {
    const logicalId = stack.getLogicalId((fn as lambda.Function).node.defaultChild as lambda.CfnFunction);
    const resource = template.Resources[logicalId];
    // The default synthesizer names the S3 object <hash>.zip; the asset manifest says where <hash> is staged.
    const assetHash = String(resource.Properties.Code.S3Key).replace(/\.zip$/, '');
    const assetDir = path.join(assembly.directory, assetManifest.files[assetHash].source.path);
    const variables: Record<string, unknown> = resource.Properties.Environment?.Variables ?? {};
    const env = Object.fromEntries(Object.entries(variables).map(([name, value]) =>
      [name, typeof value !== 'string' && deployed[name] !== undefined ? deployed[name] : String(value)]));
    return loadBundledHandler(path.join(assetDir, 'index.js'), { ...env, ...local.environment }, sink);
  };
  return {
    define: load(pool.defineAuthChallengeFunction),
    create: load(pool.createAuthChallengeFunction),
    verify: load(pool.verifyAuthChallengeFunction),
  };
}
