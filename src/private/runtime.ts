import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The Lambda runtime of the three triggers. The bundles are built for the oldest runtime supported
 * (esbuild target node22, `.projenrc.ts`) and tested on Node.js 22 and 24, so they run on either.
 */

/** Node.js majors below this are refused: the bundles target node22. */
const OLDEST_NODE_MAJOR = 22;

/**
 * Node.js 24 when the app's aws-cdk-lib knows it (`Runtime.NODEJS_24_X`, not in 2.200, the peer floor),
 * else Node.js 22: the newest runtime the bundles are tested on that the app's aws-cdk-lib can name.
 */
export function defaultRuntime(runtimes: object = lambda.Runtime): lambda.Runtime {
  return (runtimes as { NODEJS_24_X?: lambda.Runtime }).NODEJS_24_X ?? lambda.Runtime.NODEJS_22_X;
}

/** The `runtime` prop, checked: a Node.js runtime from 22 on (24 is the newest tested). */
export function runtimeProp(runtime: lambda.Runtime | undefined): lambda.Runtime {
  if (runtime === undefined) {
    return defaultRuntime();
  }
  const major = nodeMajor(runtime);
  if (major === undefined || major < OLDEST_NODE_MAJOR) {
    throw new Error(`runtime must be a Node.js runtime from nodejs${OLDEST_NODE_MAJOR}.x on (nodejs22.x and nodejs24.x are tested), `
      + `got ${runtime.name}. Use lambda.Runtime.NODEJS_22_X, new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS), `
      + 'or omit it for the newest tested runtime your aws-cdk-lib knows.');
  }
  return runtime;
}

/**
 * Sets a trigger's runtime. The generated function classes (src/private/*-function.ts) pin the runtime
 * the bundles are built for, after the props they are given, so the choice is made on the L1 resource.
 */
export function useRuntime(fn: lambda.Function, runtime: lambda.Runtime): void {
  (fn.node.defaultChild as lambda.CfnFunction).runtime = runtime.name;
}

/**
 * Whether `runtime` is the newest Node.js runtime the app's aws-cdk-lib knows (`Runtime.ALL`), the test
 * cdk-nag's AwsSolutions-L1 makes: only an older one needs L1 acknowledged.
 */
export function isNewestKnownNodeRuntime(runtime: lambda.Runtime): boolean {
  const newest = nodeMajor(runtime) ?? 0;
  return lambda.Runtime.ALL.every((known) => (nodeMajor(known) ?? 0) <= newest);
}

/** The Node.js major of a `nodejs<major>.x` runtime; undefined for any other runtime. */
function nodeMajor(runtime: lambda.Runtime): number | undefined {
  const major = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  return runtime.family === lambda.RuntimeFamily.NODEJS && major !== undefined ? Number(major) : undefined;
}
