import { awscdk, javascript } from 'projen';

/** The floor of the supported aws-cdk-lib range: tests run against exactly this version. */
const CDK_FLOOR = '2.200.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-cognito-custom-auth',
  description: 'Amazon Cognito custom authentication (define/create/verify auth challenge) done right: user pool, app client and hardened triggers as one CDK construct.',
  author: 'cdk-cognito-custom-auth maintainers',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/cdk-cognito-custom-auth/cdk-cognito-custom-auth.git',
  keywords: ['cdk', 'awscdk', 'cognito', 'custom-auth', 'passwordless', 'otp', 'mfa'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  cdkVersion: CDK_FLOOR,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.0.0',

  // The handlers live in a top-level lambda/ folder and are declared below.
  lambdaAutoDiscover: false,
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: { compilerOptions: {}, include: ['lambda/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts', '.projenrc.ts'] },
  // eslint type-checks every linted file through tsconfig.dev.json, which includes lambda/ and examples/.
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'lambda', 'examples', 'bench', 'build-tools', 'projenrc'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

  devDeps: [
    '@aws-sdk/client-sesv2@^3',
    '@types/aws-lambda@^8',
    'fast-check@^4',
    // The v2 line (Aspects, findings as annotations) works with the aws-cdk-lib floor; v3 needs >= 2.257.
    'cdk-nag@~2.38.2',
  ],

  jestOptions: {
    // Snapshots are checked, never rewritten: `npx projen test:update` is the explicit way to accept changes.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      snapshotSerializers: ['<rootDir>/test/support/mask-asset-hashes.ts'],
      // One capture of every bundled handler's console across the run, checked once all files ran.
      globalSetup: '<rootDir>/test/support/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/jest-global-teardown.ts',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      coveragePathIgnorePatterns: ['/node_modules/', '/test/'],
    },
  },

  npmIgnoreOptions: { ignorePatterns: ['/lambda/', '/examples/', '/bench/', '/.ci/', '/cdk.out/', '/tsconfig.dev.json'] },
  gitignore: ['cdk.out/', '/examples/cdk.out/'],
});

// jsii warns on every run that Node 20 is past end of life; the handlers themselves run on Node 22.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION', '1');

// The three Cognito triggers, bundled (minified, AWS SDK included) into assets/ at pre-compile,
// so the npm package, and through it every jsii language, ships ready-to-deploy code.
// esbuild flags beyond projen's BundlingOptions type; LambdaFunction passes them through to the bundler.
const bundling: awscdk.LambdaFunctionOptions['bundlingOptions'] & Partial<javascript.AddBundleOptions> = {
  externals: [],
  sourcemap: false,
  watchTask: false,
  minify: true,
  esbuildArgs: { '--legal-comments': 'none' },
};
for (const trigger of ['define-auth-challenge', 'create-auth-challenge', 'verify-auth-challenge']) {
  new awscdk.LambdaFunction(project, {
    entrypoint: `lambda/${trigger}.lambda.ts`,
    constructFile: `src/private/${trigger}-function.ts`,
    cdkDeps: project.cdkDeps,
    runtime: awscdk.LambdaRuntime.NODEJS_22_X,
    awsSdkConnectionReuse: false,
    bundlingOptions: bundling,
  });
}

// The main job, offline: synthesize the example app and sign in through the bundled handlers.
project.addTask('demo', {
  description: 'Synthesize the example app and run one sign-in through the bundled handlers (offline)',
  steps: [
    { spawn: 'bundle' },
    { exec: 'ts-node --project tsconfig.dev.json examples/offline-sign-in.ts' },
  ],
});

// Unknown-user indistinguishability, measured: Create's latency for a known and an unknown user.
project.addTask('bench:indistinguishability', {
  description: 'Time Create Auth Challenge for known and unknown users (local SES with a send delay); args: --runs N --delay MS --cold N',
  steps: [
    { spawn: 'bundle' },
    { exec: 'ts-node --project tsconfig.dev.json bench/indistinguishability.ts', receiveArgs: true },
  ],
});

project.synth();
