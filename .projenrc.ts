import { awscdk, javascript, JsonFile, TaskShell } from 'projen';

/** The floor of the supported aws-cdk-lib range: tests run against exactly this version. */
const CDK_FLOOR = '2.200.0';
/**
 * integ-tests-alpha is released only for some aws-cdk-lib versions, and the registry has no
 * 2.200.0-alpha.0: this is the newest release whose aws-cdk-lib peer range (^2.193.0) admits the floor.
 */
const INTEG_TESTS_ALPHA = '2.193.0-alpha.0';

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
  // The GitHub workflows run on a maintained Node.js; minNodeVersion stays the floor consumers need.
  workflowNodeVersion: '22.x',

  // Every jsii language, published by the release workflow (npm, PyPI, Maven Central, NuGet, Go).
  release: true,
  publishToPypi: { distName: 'cdk-cognito-custom-auth', module: 'cdk_cognito_custom_auth' },
  publishToMaven: {
    javaPackage: 'io.github.cdkcognitocustomauth',
    mavenGroupId: 'io.github.cdk-cognito-custom-auth',
    mavenArtifactId: 'cdk-cognito-custom-auth',
  },
  publishToNuget: { dotNetNamespace: 'CdkCognitoCustomAuth', packageId: 'CdkCognitoCustomAuth' },
  publishToGo: { moduleName: 'github.com/cdk-cognito-custom-auth/cdk-cognito-custom-auth-go' },

  // The handlers live in a top-level lambda/ folder and are declared below.
  lambdaAutoDiscover: false,
  // The local endpoint (`npx cdk-cognito-custom-auth local`) is a Node.js command, not public API:
  // jsii does not compile it; it is type-checked (tsconfig.dev.json), linted, and bundled below.
  excludeTypescript: ['src/local/**'],
  bin: { 'cdk-cognito-custom-auth': 'assets/local/cli.js' },
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    compilerOptions: {},
    include: ['lambda/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts', '.projenrc.ts'],
    // Compiled only by `compat:latest`, against cdk-nag v3 and aws-cdk-lib@latest (Validations), not the floor.
    exclude: ['build-tools/compat-nag-v3.ts'],
  },
  // eslint type-checks every linted file through tsconfig.dev.json, which includes lambda/ and examples/.
  eslintOptions: {
    dirs: ['src'],
    // src/local/ is bundled with its libraries (devDependencies) into assets/local/, as lambda/ is into assets/lambda/.
    devdirs: ['test', 'lambda', 'examples', 'bench', 'build-tools', 'projenrc', 'src/local'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

  devDeps: [
    'aws4@^1.13.2',
    'dynalite@^4',
    '@types/aws4@^1.11.6',
    '@types/aws-lambda@^8',
    // integration tests: integ-runner 2.197.x reads cloud-assembly schemas up to aws-cdk-lib ~2.256
    `@aws-cdk/integ-tests-alpha@${INTEG_TESTS_ALPHA}`,
    '@aws-cdk/integ-runner@~2.197.10',
    // `cdk synth` of the example app; the version integ-runner brings, so npm installs one CLI
    'aws-cdk@~2.1115.1',
    // the client examples in examples/clients/ are type-checked against the real client libraries
    'aws-amplify@^6',
    '@aws-sdk/client-cognito-identity-provider@^3',
    // Only for `npx projen bench`: the SESv2 SDK client the handlers replaced, bundled to compare against.
    '@aws-sdk/client-sesv2@^3.1175.0',
    'fast-check@^4',
    // The v2 line (Aspects, findings as annotations) works with the aws-cdk-lib floor; v3 needs >= 2.257.
    'cdk-nag@~2.38.2',
    // The local endpoint (src/local/, bundled into assets/local/): JWT signing and JWKS. Tests verify its
    // tokens with aws-jwt-verify and sign in with amazon-cognito-identity-js as well as Amplify.
    'jose@^5',
    'aws-jwt-verify@^5',
    'amazon-cognito-identity-js@^6',
  ],
  // test/integ.*.ts are integ-runner apps (not projen's *.integ.ts convention)
  integrationTestAutoDiscover: false,

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

  npmIgnoreOptions: {
    ignorePatterns: ['/lambda/', '/examples/', '/.ci/', '/cdk.out/', '/tsconfig.dev.json', '/rosetta/', '/build-tools/', '/.bindings/', '/bench/'],
  },
  gitignore: ['cdk.out/', '/examples/cdk.out/', '/.bindings/', '.jsii.tabl.json'],
});

// jsii warns on every run that Node 20 is past end of life; the handlers themselves run on Node 22.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION', '1');

// The three Cognito triggers, bundled (minified; they use no AWS SDK, only aws4 and node:https) into assets/ at pre-compile,
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

// The local Cognito endpoint (`npx cdk-cognito-custom-auth local`), bundled with its libraries into
// assets/local/ like the handlers (see build-tools/bundle-local.ts).
const bundleLocal = project.addTask('bundle:local', {
  description: 'Bundle the local Cognito endpoint (src/local/cli.ts and its worker) into assets/local/',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json build-tools/bundle-local.ts',
});
project.bundler.bundleTask.spawn(bundleLocal);

// The main job, offline: synthesize the example app and sign in through the bundled handlers.
project.addTask('demo', {
  description: 'Synthesize the example app and run one sign-in through the bundled handlers (offline)',
  steps: [
    { spawn: 'bundle' },
    { exec: 'ts-node --project tsconfig.dev.json examples/offline-sign-in.ts' },
  ],
});

// Offline tools must not wait on the EC2 instance metadata service or phone home.
const OFFLINE_AWS_ENV = {
  AWS_EC2_METADATA_DISABLED: 'true',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
};

// ---------------------------------------------------------------------------------------------
// README examples: jsii-rosetta compiles every TypeScript snippet (README and @example tags) with
// rosetta/*.ts-fixture and translates it to Python, Java, C# and Go (.jsii.tabl.json).
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile and translate every TypeScript example in the README and the API docs (strict)',
  exec: 'jsii-rosetta extract --strict',
});

// Bindings source for every other jsii language. Packaging them needs PyPI, Maven Central, NuGet and
// Go's proxy (the release workflow does that); generating their code needs none, and catches names
// and types that do not map to a language. jsii-pacmak exits non-zero if any target fails.
const BINDINGS_DIR = '.bindings';
const bindings = project.addTask('bindings', {
  description: 'Generate the Python, Java, .NET and Go bindings source (jsii-pacmak --code-only); fails if any target fails',
  steps: [
    { exec: `rm -rf ${BINDINGS_DIR}` },
    {
      exec: [
        'jsii-pacmak --code-only --no-npmignore --no-fingerprint',
        '--target python --target java --target dotnet --target go',
        `--outdir ${BINDINGS_DIR}`,
        // the README and API examples in each language's docs come translated from the tablet, or the step fails
        '--rosetta-tablet .jsii.tabl.json --rosetta-unknown-snippets fail',
      ].join(' '),
    },
    // The Python source must at least compile, and the README's Python example must use real names.
    { exec: `python3 build-tools/check-python-bindings.py ${BINDINGS_DIR}/python README.md` },
  ],
});
project.postCompileTask.spawn(rosetta);
project.postCompileTask.spawn(bindings);

// ---------------------------------------------------------------------------------------------
// Type-check what jest does not load: integ apps, examples, build tools (tsconfig.dev.json), and
// the client examples as a browser app compiles them (DOM libs, bundler resolution, library .d.ts checked).
new javascript.TypescriptConfig(project, {
  fileName: 'examples/clients/tsconfig.json',
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: javascript.TypeScriptModuleResolution.BUNDLER,
    lib: ['es2022', 'dom', 'dom.iterable'],
    types: ['node'],
    strict: true,
    noEmit: true,
    isolatedModules: true,
    esModuleInterop: true,
    skipLibCheck: false,
  },
  include: ['*.ts'],
});
const typecheck = project.addTask('typecheck', {
  description: 'Type-check integ apps, examples and build tools, and the client examples against aws-amplify and the AWS SDK',
  steps: [
    { exec: 'tsc --noEmit -p tsconfig.dev.json' },
    { exec: 'tsc -p examples/clients/tsconfig.json' },
  ],
});

// ---------------------------------------------------------------------------------------------
// Integration tests: test/integ.*.ts with @aws-cdk/integ-tests-alpha. Offline (the build), integ-runner
// synthesizes each app and compares it with its committed snapshot; with AWS credentials,
// `integ:deploy` deploys the apps and runs their assertions. (Type errors are typecheck's job.)
// Offline the region is fixed (the apps are region-agnostic; a set AWS_REGION spares an IMDS probe).
const INTEG_RUNNER = [
  'integ-runner --directory test --language typescript',
  '--app "ts-node --transpile-only --project tsconfig.dev.json {filePath}"',
  '--parallel-regions $AWS_REGION',
].join(' ');
const integ = project.addTask('integ', {
  description: 'Verify the integration test apps against their committed snapshots (offline, no deploy)',
  env: { ...OFFLINE_AWS_ENV, AWS_REGION: 'us-east-1' },
  exec: INTEG_RUNNER,
});
project.addTask('integ:update', {
  description: 'Rewrite the integration test snapshots without deploying (review and commit the change)',
  env: { ...OFFLINE_AWS_ENV, AWS_REGION: 'us-east-1' },
  steps: [{ spawn: 'bundle' }, { exec: `${INTEG_RUNNER} --update-on-failed --dry-run` }],
});
project.addTask('integ:deploy', {
  description: 'Deploy every integration test app in $AWS_REGION and run its assertions (needs AWS credentials and CUSTOM_AUTH_INTEG_SENDER)',
  shell: TaskShell.bash(),
  steps: [
    { exec: 'test -n "$AWS_REGION" && test -n "$CUSTOM_AUTH_INTEG_SENDER" || { echo "Set AWS_REGION and CUSTOM_AUTH_INTEG_SENDER (a verified SES sender); see README" >&2; exit 1; }' },
    { spawn: 'bundle' },
    { exec: `${INTEG_RUNNER} --force` },
  ],
});

project.testTask.spawn(typecheck);
project.testTask.spawn(integ);

// ---------------------------------------------------------------------------------------------
// Packaging: offline, `package` builds the npm tarball only (the other languages' package:* tasks
// need their registries; the GitHub workflows run them), then checks what the tarball ships.
const checkPackage = project.addTask('check:package', {
  description: 'Check the npm tarball ships the bundled handlers, lib/ and API.md, and no sources, tests or examples',
  exec: 'ts-node --project tsconfig.dev.json build-tools/check-package.ts dist/js',
});
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);
project.packageTask.spawn(checkPackage);

// ---------------------------------------------------------------------------------------------
// One command to synthesize the example app with the CDK CLI, offline and without credentials.
new JsonFile(project, 'examples/cdk.json', {
  obj: {
    app: 'npx ts-node --transpile-only --project ../tsconfig.dev.json app.ts',
    output: 'cdk.out',
    notices: false,
    versionReporting: false,
    context: { 'cli-telemetry': false },
  },
});
project.addTask('synth:example', {
  description: 'Synthesize examples/app.ts with the CDK CLI into examples/cdk.out (offline, no credentials)',
  env: OFFLINE_AWS_ENV,
  shell: TaskShell.bash(),
  steps: [
    { spawn: 'bundle' },
    // A region of its own keeps the CLI from probing the EC2 metadata service for one.
    { exec: 'AWS_REGION=${AWS_REGION:-us-east-1} cdk synth --quiet', cwd: 'examples' },
    { exec: 'AWS_REGION=${AWS_REGION:-us-east-1} cdk list --app cdk.out', cwd: 'examples' },
  ],
});

// Not part of the build: the construct against the newest aws-cdk-lib and constructs on npm
// (.ci/run calls it after the build; it needs the packed tarball and the registry).
// Type-checked against cdk-nag v3 and aws-cdk-lib@latest by compat:latest only (excluded from tsconfig.dev.json).
project.eslint?.addIgnorePattern('build-tools/compat-nag-v3.ts');
project.addTask('compat:latest', {
  description: 'A new user\'s app: the packed tarball with the newest aws-cdk-lib, constructs, TypeScript and cdk-nag v3; compile, synthesize, run AwsSolutions',
  exec: 'bash build-tools/compat-latest.sh',
});

// Performance: sizes, cold and warm timings, memory, an end-to-end sign-in, synth time, package size.
// `npx projen bench --quick` (or BENCH_QUICK=1) runs few iterations; CI runs it to check it still works.
project.addTask('bench', {
  description: 'Benchmark the bundled handlers, a simulated sign-in, synth and the package (--quick: few iterations)',
  steps: [
    { spawn: 'bundle' },
    { exec: 'ts-node --project tsconfig.dev.json bench/bench.ts', receiveArgs: true },
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
