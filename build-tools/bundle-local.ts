import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * Bundles the local Cognito endpoint (src/local/cli.ts and the worker each function runs in) into
 * assets/local/, with its libraries (jose, dynalite), so users run it with no install beyond the
 * package. Two adjustments to dynalite: its per-action modules, loaded by computed `require`, become
 * static requires esbuild can follow; and `level` (LevelDB on disk, a native module) is replaced, as the
 * endpoint keeps DynamoDB in memory. Third-party licence comments are kept at the end of the bundle.
 */
const dynaliteStaticRequires: Plugin = {
  name: 'dynalite-static-requires',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]dynalite[\\/]index\.js$/ }, (args) => {
      const directory = path.dirname(args.path);
      const modules = (folder: string) => `{${readdirSync(path.join(directory, folder)).filter((file) => file.endsWith('.js'))
        .map((file) => `${JSON.stringify(file.replace(/\.js$/, ''))}: () => require(${JSON.stringify(`./${folder}/${file}`)})`).join(', ')}}`;
      const source = readFileSync(args.path, 'utf8')
        .replace("require('./actions/' + action)", `(${modules('actions')})[action]()`)
        .replace("require('./validations/' + action)", `(${modules('validations')})[action]()`);
      if (!source.includes('[action]()')) {
        throw new Error('dynalite/index.js no longer loads its actions as this bundler expects: update build-tools/bundle-local.ts');
      }
      return { contents: source, loader: 'js' };
    });
  },
};

void build({
  entryPoints: ['src/local/cli.ts', 'src/local/worker.ts'],
  outdir: 'assets/local',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'eof',
  banner: { js: '#!/usr/bin/env node' },
  alias: { level: './src/local/no-disk-level.ts' },
  plugins: [dynaliteStaticRequires],
  logLevel: 'warning',
}).catch(() => {
  process.exitCode = 1;
});
