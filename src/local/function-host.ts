import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { FunctionSpec } from './assembly';

/** How long Cognito waits for a trigger before it gives up on that try. */
export const COGNITO_TRIGGER_TIMEOUT_MILLIS = 5000;
/** Cognito's tries of a trigger that does not answer in time. */
export const COGNITO_TRIGGER_TRIES = 3;

/** A function error (it threw), or a time-out: Lambda's own (its Timeout setting) or Cognito's 5 seconds. */
export class InvocationError extends Error {
  public constructor(public readonly kind: 'error' | 'function-timeout' | 'cognito-timeout', message: string) {
    super(message);
  }
}

interface Sandbox {
  readonly child: ChildProcess;
  busy: boolean;
}

/**
 * Runs one function as Lambda would: its code in child processes (execution environments) with
 * exactly its environment variables, kept warm between invocations, one invocation each at a time
 * (concurrent invocations start more), and a time-out that kills the environment, as Lambda resets
 * a timed-out sandbox. Each invocation gets a Lambda-like context.
 */
export class FunctionHost {
  private readonly sandboxes: Sandbox[] = [];
  private nextId = 0;

  public constructor(
    private readonly spec: FunctionSpec,
    private readonly environment: Record<string, string>,
    private readonly functionArn: string,
    private readonly log: (line: string) => void,
    private readonly workerFile = path.join(__dirname, 'worker.js'),
    /** Cognito's limit per try; tests shorten it. */
    private readonly cognitoTimeoutMillis = COGNITO_TRIGGER_TIMEOUT_MILLIS,
  ) {}

  /**
   * Invokes the function as Cognito does: a try lasts the function's own Timeout or Cognito's 5
   * seconds, whichever is shorter; a try that reaches Cognito's limit is retried, up to 3 tries.
   */
  public async invokeAsCognito(event: unknown): Promise<any> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.invoke(event, Math.min(this.spec.timeoutSeconds * 1000, this.cognitoTimeoutMillis));
      } catch (error) {
        if (!(error instanceof InvocationError && error.kind === 'cognito-timeout') || attempt >= COGNITO_TRIGGER_TRIES) {
          throw error;
        }
      }
    }
  }

  /** One invocation with `limitMillis` to answer. */
  public invoke(event: unknown, limitMillis: number): Promise<any> {
    const sandbox = this.sandboxes.find((candidate) => !candidate.busy) ?? this.startSandbox();
    sandbox.busy = true;
    const id = ++this.nextId;
    const deadline = Date.now() + this.spec.timeoutSeconds * 1000;
    const awsRequestId = randomUUID();
    const context = {
      awsRequestId,
      functionName: this.spec.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.functionArn,
      memoryLimitInMB: String(this.spec.memoryMegabytes),
      logGroupName: `/aws/lambda/${this.spec.functionName}`,
      logStreamName: `local/[$LATEST]${awsRequestId.replace(/-/g, '')}`,
      callbackWaitsForEmptyEventLoop: true,
    };
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        sandbox.child.off('message', onMessage);
        sandbox.child.off('exit', onExit);
        outcome();
      };
      const onMessage = (message: { id: number; ok: boolean; result?: unknown; errorType?: string; errorMessage?: string }) => {
        if (message.id === id) {
          sandbox.busy = false;
          finish(() => message.ok ? resolve(message.result) : reject(new InvocationError('error', String(message.errorMessage))));
        }
      };
      const onExit = () => {
        this.discard(sandbox);
        finish(() => reject(new InvocationError('error', 'Runtime exited without providing a reason')));
      };
      const timer = setTimeout(() => {
        this.discard(sandbox);
        const ownTimeout = limitMillis >= this.spec.timeoutSeconds * 1000;
        finish(() => reject(ownTimeout
          ? new InvocationError('function-timeout', `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`)
          : new InvocationError('cognito-timeout', `no answer within ${limitMillis / 1000} seconds`)));
      }, limitMillis);
      sandbox.child.on('message', onMessage);
      sandbox.child.on('exit', onExit);
      sandbox.child.send({ id, event, deadline, context });
    });
  }

  public async stop(): Promise<void> {
    await Promise.all([...this.sandboxes].map((sandbox) => new Promise<void>((resolve) => {
      // 'close' comes after the process exited and its output was read to the end.
      sandbox.child.once('close', () => resolve());
      this.discard(sandbox);
    })));
  }

  private startSandbox(): Sandbox {
    const child = fork(this.workerFile, [this.spec.codeDirectory, this.spec.handler], {
      env: this.environment,
      cwd: this.spec.codeDirectory,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      let pending = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop()!;
        lines.filter(Boolean).forEach(this.log);
      });
    }
    const sandbox: Sandbox = { child, busy: false };
    this.sandboxes.push(sandbox);
    // An environment that dies, busy or idle, is never used again.
    child.once('exit', () => this.discard(sandbox));
    return sandbox;
  }

  private discard(sandbox: Sandbox): void {
    const index = this.sandboxes.indexOf(sandbox);
    if (index >= 0) {
      this.sandboxes.splice(index, 1);
    }
    if (sandbox.child.exitCode === null && sandbox.child.signalCode === null) {
      sandbox.child.kill('SIGKILL');
    }
  }
}
