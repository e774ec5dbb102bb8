import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FunctionSpec } from '../../src/local/assembly';
import { COGNITO_TRIGGER_TRIES, FunctionHost, InvocationError } from '../../src/local/function-host';

/** The worker as the package ships it (`npx projen bundle`). */
const WORKER = path.join(__dirname, '..', '..', 'assets', 'local', 'worker.js');

/** A function in a temporary directory: `index.js` with `source`, as an asset would hold it. */
function functionWith(source: string, timeoutSeconds = 3): FunctionSpec {
  const codeDirectory = mkdtempSync(path.join(tmpdir(), 'function-host-'));
  writeFileSync(path.join(codeDirectory, 'index.js'), source);
  return { logicalId: 'Fn', functionName: 'my-function', codeDirectory, handler: 'index.handler', timeoutSeconds, memoryMegabytes: 256, environment: {} };
}

const hosts: FunctionHost[] = [];
function host(spec: FunctionSpec, cognitoTimeoutMillis?: number, log: (line: string) => void = () => undefined): FunctionHost {
  const created = new FunctionHost(spec, { ONLY_THIS: 'yes' }, 'arn:aws:lambda:us-east-1:123456789012:function:my-function', log, WORKER, cognitoTimeoutMillis);
  hosts.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((created) => created.stop()));
});

describe('FunctionHost', () => {
  test('runs the handler with exactly the function\'s environment and a Lambda-like context, warm across invocations', async () => {
    const fn = host(functionWith(`let invocations = 0;
      exports.handler = async (event, context) => ({ event, env: process.env, invocations: ++invocations, remaining: context.getRemainingTimeInMillis(),
        context: { awsRequestId: context.awsRequestId, functionName: context.functionName, invokedFunctionArn: context.invokedFunctionArn, memoryLimitInMB: context.memoryLimitInMB } });`));

    const first = await fn.invokeAsCognito({ hello: 'world' });
    const second = await fn.invokeAsCognito({});

    expect(first).toMatchObject({ event: { hello: 'world' }, env: { ONLY_THIS: 'yes' }, invocations: 1 });
    expect(Object.keys(first.env).filter((name) => !name.startsWith('NODE_') && name !== 'ONLY_THIS')).toEqual([]);
    expect(first.remaining).toBeGreaterThan(0);
    expect(first.remaining).toBeLessThanOrEqual(3000);
    expect(first.context).toEqual({
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      functionName: 'my-function',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:my-function',
      memoryLimitInMB: '256',
    });
    expect(second.invocations).toBe(2);
    expect(second.context.awsRequestId).not.toBe(first.context.awsRequestId);
  });

  test('a thrown error is a function error with its message; callback handlers work; console lines reach the log', async () => {
    const lines: string[] = [];
    const throwing = host(functionWith('exports.handler = async () => { console.log("about to fail"); throw new Error("Sign-in could not continue"); };'),
      undefined, (line) => lines.push(line));
    const callback = host(functionWith('exports.handler = (event, context, callback) => callback(null, { ok: event.n + 1 });'));

    await expect(throwing.invokeAsCognito({})).rejects.toEqual(new InvocationError('error', 'Sign-in could not continue'));
    await expect(callback.invokeAsCognito({ n: 1 })).resolves.toEqual({ ok: 2 });
    await throwing.stop();
    expect(lines).toEqual(['about to fail']);
  });

  test('a function that outlives its own Timeout fails once, and its environment is replaced (a cold start next)', async () => {
    const spec = functionWith('const started = Date.now(); exports.handler = async (event) => event.hang ? new Promise(() => undefined) : started;', 1);
    const fn = host(spec, 5000);

    const warm = await fn.invokeAsCognito({});
    await expect(fn.invokeAsCognito({ hang: true })).rejects.toMatchObject({ kind: 'function-timeout', message: 'Task timed out after 1.00 seconds' });
    const cold = await fn.invokeAsCognito({});

    expect(cold).not.toBe(warm);
  });

  test('a try that reaches Cognito\'s limit is retried, 3 tries in all, each in a fresh environment', async () => {
    const spec = functionWith(`require('fs').appendFileSync(require('path').join(__dirname, 'starts'), 'x');
      exports.handler = () => new Promise(() => undefined);`, 10);
    const fn = host(spec, 200);

    await expect(fn.invokeAsCognito({})).rejects.toMatchObject({ kind: 'cognito-timeout' });

    expect(readFileSync(path.join(spec.codeDirectory, 'starts'), 'utf8')).toHaveLength(COGNITO_TRIGGER_TRIES);
  });
});
