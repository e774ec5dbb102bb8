import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Checks what the npm tarball ships (and through it every jsii language package, which embeds it):
 * the bundled handlers, the compiled library, the jsii assembly and API.md; and none of the sources,
 * tests, examples or CI files. Run after packaging: `check-package.ts dist/js` exits 1 on a violation.
 */

const TRIGGERS = ['define-auth-challenge', 'create-auth-challenge', 'verify-auth-challenge'];

/** Files that must be in the tarball, relative to its `package/` root. */
export const REQUIRED_FILES: readonly string[] = [
  ...TRIGGERS.map((trigger) => `assets/lambda/${trigger}.lambda/index.js`),
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
  const violations = packageViolations(files);
  if (violations.length > 0) {
    console.error(`${tarball} is not fit to publish:\n${violations.map((v) => `  - ${v}`).join('\n')}`);
    return 1;
  }
  console.log(`${tarball}: ${files.length} files; the three bundled handlers, lib/, .jsii and API.md present; no sources, tests, examples or CI files.`);
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
