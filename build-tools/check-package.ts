import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Checks what the npm tarball ships (and through it every jsii language package, which embeds it):
 * the bundled handlers, the bundled local endpoint command (its `bin`), the compiled library, the jsii
 * assembly and API.md; none of the sources, tests, examples or CI files; and that it stays under 1 MB.
 * Run after packaging: `check-package.ts dist/js` exits 1 on a violation.
 */

const TRIGGERS = ['define-auth-challenge', 'create-auth-challenge', 'verify-auth-challenge'];

/** Files that must be in the tarball, relative to its `package/` root. */
export const REQUIRED_FILES: readonly string[] = [
  ...TRIGGERS.map((trigger) => `assets/lambda/${trigger}.lambda/index.js`),
  // `npx cdk-cognito-custom-auth local` and the process each function runs in
  'assets/local/cli.js',
  'assets/local/worker.js',
  'lib/index.js',
  'lib/index.d.ts',
  '.jsii',
  'API.md',
  'README.md',
  'LICENSE',
  'package.json',
];

/** What must not be shipped, with the reason reported. */
export const FORBIDDEN: ReadonlyArray<{ readonly pattern: RegExp; readonly what: string }> = [
  { pattern: /^lambda\//, what: 'handler sources (lambda/)' },
  { pattern: /^src\//, what: 'library sources (src/)' },
  { pattern: /^test\//, what: 'tests (test/)' },
  { pattern: /^examples\//, what: 'examples (examples/)' },
  { pattern: /^\.ci\//, what: 'CI scripts (.ci/)' },
  { pattern: /^(build-tools|rosetta|\.bindings|projenrc|\.projen|\.github)\//, what: 'build files' },
  { pattern: /(^|\/)cdk\.out\//, what: 'a cloud assembly (cdk.out/)' },
  { pattern: /(?<!\.d)\.tsx?$/, what: 'TypeScript source (only .d.ts belongs in the package)' },
];

/**
 * Violations for a tarball's file list (paths as `tar -t` prints them, under `package/`).
 * An empty result means the package is as it should be.
 */
export function packageViolations(tarballFiles: readonly string[]): string[] {
  const files = tarballFiles.map((file) => file.replace(/^package\//, '')).filter((file) => file && !file.endsWith('/'));
  const present = new Set(files);
  const violations = REQUIRED_FILES.filter((file) => !present.has(file)).map((file) => `missing ${file}`);
  for (const file of files) {
    const forbidden = FORBIDDEN.find(({ pattern }) => pattern.test(file));
    if (forbidden) {
      violations.push(`ships ${file}: ${forbidden.what}`);
    }
  }
  return violations;
}

/** The tarball's limit: what every jsii language package embeds. */
export const MAX_TARBALL_BYTES = 1024 * 1024;

/** Violations of the tarball's size and of its package.json `bin` (each command must be a shipped file). */
export function packageJsonViolations(
  packageJson: { bin?: Record<string, string> },
  tarballFiles: readonly string[],
  tarballBytes: number,
): string[] {
  const present = new Set(tarballFiles.map((file) => file.replace(/^package\//, '')));
  const violations = Object.entries(packageJson.bin ?? {})
    .filter(([, file]) => !present.has(file.replace(/^\.\//, '')))
    .map(([name, file]) => `bin ${name} points to ${file}, which is not in the tarball`);
  if (!packageJson.bin?.['cdk-cognito-custom-auth']) {
    violations.push('no bin cdk-cognito-custom-auth (the local endpoint command)');
  }
  if (tarballBytes > MAX_TARBALL_BYTES) {
    violations.push(`weighs ${tarballBytes} bytes, over ${MAX_TARBALL_BYTES} (1 MB)`);
  }
  return violations;
}

/** The single `*.tgz` in `dir`; fails when there is none or more than one (a stale tarball). */
export function findTarball(dir: string): string {
  const tarballs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.tgz')) : [];
  if (tarballs.length !== 1) {
    throw new Error(`expected exactly one .tgz in ${dir}, found ${tarballs.length === 0 ? 'none' : tarballs.join(', ')}`);
  }
  return path.join(dir, tarballs[0]);
}

function main(dir: string): number {
  const tarball = findTarball(dir);
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const packageJson = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  const bytes = fs.statSync(tarball).size;
  const violations = [...packageViolations(files), ...packageJsonViolations(packageJson, files, bytes)];
  if (violations.length > 0) {
    console.error(`${tarball} is not fit to publish:\n${violations.map((v) => `  - ${v}`).join('\n')}`);
    return 1;
  }
  console.log(`${tarball}: ${files.length} files, ${bytes} bytes; the three bundled handlers, the local command (bin), lib/, .jsii and API.md present; `
    + 'no sources, tests, examples or CI files.');
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv[2] ?? 'dist/js');
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
