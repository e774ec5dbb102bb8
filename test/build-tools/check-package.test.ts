import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findTarball, MAX_TARBALL_BYTES, packageJsonViolations, packageViolations, REQUIRED_FILES } from '../../build-tools/check-package';

const GOOD = [
  'package/',
  ...REQUIRED_FILES.map((file) => `package/${file}`),
  'package/lib/custom-auth-user-pool.js',
  'package/lib/custom-auth-user-pool.d.ts',
  'package/lib/private/define-auth-challenge-function.d.ts',
  'package/.jsii.tabl.json',
];

describe('check-package', () => {
  test('a tarball with the handlers, lib/, .jsii and API.md and nothing else passes', () => {
    expect(packageViolations(GOOD)).toEqual([]);
  });

  test.each(REQUIRED_FILES)('a tarball without %s fails', (file) => {
    // GIVEN
    const files = GOOD.filter((entry) => entry !== `package/${file}`);

    // THEN
    expect(packageViolations(files)).toEqual([`missing ${file}`]);
  });

  test.each([
    ['package/lambda/define-auth-challenge.lambda.ts', /ships lambda\/define-auth-challenge\.lambda\.ts: handler sources/],
    ['package/lambda/codes.ts', /handler sources/],
    ['package/src/index.ts', /library sources/],
    ['package/test/custom-auth-user-pool.test.ts', /tests/],
    ['package/test/integ.passwordless.ts.snapshot/manifest.json', /tests/],
    ['package/examples/app.ts', /examples/],
    ['package/examples/clients/tsconfig.json', /examples/],
    ['package/.ci/run', /CI scripts/],
    ['package/build-tools/check-package.ts', /build files/],
    ['package/rosetta/default.ts-fixture', /build files/],
    ['package/assets/cdk.out/manifest.json', /cloud assembly/],
    ['package/lib/stray.ts', /TypeScript source/],
  ])('a tarball that ships %s fails', (file, message) => {
    // WHEN
    const violations = packageViolations([...GOOD, file]);

    // THEN
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(message);
  });

  test('the local command: its bin must be shipped, and the tarball stays under 1 MB', () => {
    const bin = { 'cdk-cognito-custom-auth': 'assets/local/cli.js' };
    expect(packageJsonViolations({ bin }, GOOD, MAX_TARBALL_BYTES)).toEqual([]);
    expect(packageJsonViolations({ bin }, GOOD.filter((file) => !file.endsWith('cli.js')), 1000))
      .toEqual(['bin cdk-cognito-custom-auth points to assets/local/cli.js, which is not in the tarball']);
    expect(packageJsonViolations({}, GOOD, 1000)).toEqual(['no bin cdk-cognito-custom-auth (the local endpoint command)']);
    expect(packageJsonViolations({ bin }, GOOD, MAX_TARBALL_BYTES + 1)).toEqual([`weighs ${MAX_TARBALL_BYTES + 1} bytes, over ${MAX_TARBALL_BYTES} (1 MB)`]);
  });

  test('declaration files are not sources', () => {
    expect(packageViolations([...GOOD, 'package/lib/private/validate.d.ts'])).toEqual([]);
  });

  describe('the command line', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-package-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function packTarball(files: string[]): void {
      const root = path.join(dir, 'src');
      for (const file of files.filter((entry) => !entry.endsWith('/'))) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), file === 'package/package.json' ? JSON.stringify({ bin: { 'cdk-cognito-custom-auth': 'assets/local/cli.js' } }) : 'x');
      }
      fs.mkdirSync(path.join(dir, 'js'));
      execFileSync('tar', ['-czf', path.join(dir, 'js', 'cdk-cognito-custom-auth-0.0.0.tgz'), '-C', root, 'package']);
    }

    function run(): { status: number | null; output: string } {
      const result = spawnSync(process.execPath, [
        require.resolve('ts-node/dist/bin'), '--transpile-only', path.join(__dirname, '..', '..', 'build-tools', 'check-package.ts'), path.join(dir, 'js'),
      ], { encoding: 'utf8' });
      return { status: result.status, output: result.stdout + result.stderr };
    }

    test('exits 0 for a good tarball', () => {
      packTarball(GOOD);
      expect(run()).toEqual({ status: 0, output: expect.stringMatching(/no sources, tests, examples or CI files/) });
    });

    test('exits 1 and names the file for a tarball with a handler source', () => {
      packTarball([...GOOD, 'package/lambda/verify-auth-challenge.lambda.ts']);
      expect(run()).toEqual({ status: 1, output: expect.stringMatching(/ships lambda\/verify-auth-challenge\.lambda\.ts/) });
    });

    test('finds exactly one tarball', () => {
      fs.mkdirSync(path.join(dir, 'js'));
      expect(() => findTarball(path.join(dir, 'js'))).toThrow(/expected exactly one \.tgz in .*, found none/);
      fs.writeFileSync(path.join(dir, 'js', 'a-1.tgz'), '');
      fs.writeFileSync(path.join(dir, 'js', 'a-2.tgz'), '');
      expect(() => findTarball(path.join(dir, 'js'))).toThrow(/found a-1\.tgz, a-2\.tgz/);
    });
  });
});
