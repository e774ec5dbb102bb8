import * as path from 'node:path';

/**
 * One Lambda execution environment: a child process (see function-host.ts) with the function's
 * environment variables as `process.env`, which loads the handler from its asset once (cold start)
 * and answers invocations over IPC with a Lambda-like context, one at a time.
 */

interface Invocation {
  readonly id: number;
  readonly event: unknown;
  readonly deadline: number;
  readonly context: Record<string, unknown>;
}

type Handler = (event: unknown, context: unknown, callback?: (error: unknown, result?: unknown) => void) => unknown;

function loadHandler(codeDirectory: string, handlerSetting: string): Handler {
  const dot = handlerSetting.lastIndexOf('.');
  const modulePath = path.join(codeDirectory, handlerSetting.slice(0, dot));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const handler = require(modulePath)[handlerSetting.slice(dot + 1)];
  if (typeof handler !== 'function') {
    throw new Error(`${handlerSetting} is not a function in ${codeDirectory}`);
  }
  return handler;
}

function invoke(handler: Handler, invocation: Invocation): Promise<unknown> {
  const context = { ...invocation.context, getRemainingTimeInMillis: () => Math.max(0, invocation.deadline - Date.now()) };
  return new Promise((resolve, reject) => {
    // Callback-style handlers (three parameters) answer through the callback, as on Lambda.
    const callback = (error: unknown, result?: unknown) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(invocation.event, context, callback);
      if (handler.length < 3 || (returned && typeof (returned as Promise<unknown>).then === 'function')) {
        Promise.resolve(returned).then(resolve, reject);
      }
    } catch (error) {
      reject(error);
    }
  });
}

export function runWorker(): void {
  const [codeDirectory, handlerSetting] = process.argv.slice(2);
  let handler: Handler | undefined;
  // The endpoint went away (stopped, or killed): so does this environment.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (invocation: Invocation) => {
    void (async () => {
      try {
        handler ??= loadHandler(codeDirectory, handlerSetting);
        const result = await invoke(handler, invocation);
        process.send!({ id: invocation.id, ok: true, result: result ?? null });
      } catch (error) {
        const { name = 'Error', message = String(error) } = (error ?? {}) as Error;
        process.send!({ id: invocation.id, ok: false, errorType: name, errorMessage: message });
      }
    })();
  });
}

runWorker();
