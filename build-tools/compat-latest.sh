#!/usr/bin/env bash
# The construct against the newest aws-cdk-lib and constructs on npm: a throwaway app installs the
# packed tarball (dist/js) beside aws-cdk-lib@latest and constructs@latest, compiles examples/app.ts
# against them (importing the package instead of ../src), synthesizes it and checks the template.
# Run after the build (it needs dist/js/*.tgz); not part of `npx projen build`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tarball=$(ls "$root"/dist/js/*.tgz 2>/dev/null | head -n 1)
if [ -z "$tarball" ]; then
  echo "compat-latest: no dist/js/*.tgz; run 'npx projen build' first" >&2
  exit 1
fi

# Outside the repository, so nothing can resolve to the repository's own node_modules.
work=$(mktemp -d "${TMPDIR:-/tmp}/compat-latest.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat > "$work/package.json" <<JSON
{ "name": "compat-latest", "version": "0.0.0", "private": true }
JSON
echo "compat-latest: installing $(basename "$tarball") with aws-cdk-lib@latest and constructs@latest"
(cd "$work" && npm install --no-audit --no-fund --no-package-lock --loglevel=error \
  "$tarball" aws-cdk-lib@latest constructs@latest)

# The example app as a user writes it: from the package, not from ../src.
mkdir -p "$work/examples" "$work/build-tools"
sed "s#from '../src'#from 'cdk-cognito-custom-auth'#" examples/app.ts > "$work/examples/app.ts"
grep -q "from 'cdk-cognito-custom-auth'" "$work/examples/app.ts" || { echo "compat-latest: examples/app.ts no longer imports '../src'" >&2; exit 1; }
cp build-tools/compat-check.ts "$work/build-tools/compat-check.ts"
cat > "$work/tsconfig.json" <<JSON
{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true, "skipLibCheck": true,
  "esModuleInterop": true, "types": ["node"], "typeRoots": ["$root/node_modules/@types"], "outDir": "out", "rootDir": "." },
  "files": ["examples/app.ts", "build-tools/compat-check.ts"] }
JSON
echo "compat-latest: compiling examples/app.ts against them"
(cd "$work" && node "$root/node_modules/typescript/bin/tsc" -p tsconfig.json)
echo "compat-latest: synthesizing"
(cd "$work" && node out/build-tools/compat-check.js)
