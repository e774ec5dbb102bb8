#!/usr/bin/env bash
# The construct in a new user's app today: a throwaway app installs the packed tarball (dist/js) beside
# aws-cdk-lib@latest, constructs@latest, cdk-nag@3 and typescript@latest, compiles examples/app.ts
# (importing the package instead of ../src) and the checks with that TypeScript, synthesizes the example
# and checks the template, then runs cdk-nag v3 (build-tools/compat-nag-v3.ts): no unacknowledged
# AwsSolutions finding, and every acknowledgement needed.
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
echo "compat-latest: installing $(basename "$tarball") with aws-cdk-lib@latest, constructs@latest, cdk-nag@3 and typescript@latest"
(cd "$work" && npm install --no-audit --no-fund --no-package-lock --loglevel=error \
  "$tarball" aws-cdk-lib@latest constructs@latest cdk-nag@3 typescript@latest)

# The example app as a user writes it: from the package, not from ../src.
mkdir -p "$work/examples" "$work/build-tools"
sed "s#from '../src'#from 'cdk-cognito-custom-auth'#" examples/app.ts > "$work/examples/app.ts"
grep -q "from 'cdk-cognito-custom-auth'" "$work/examples/app.ts" || { echo "compat-latest: examples/app.ts no longer imports '../src'" >&2; exit 1; }
cp build-tools/compat-check.ts build-tools/compat-nag-v3.ts "$work/build-tools/"
cat > "$work/tsconfig.json" <<JSON
{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true, "skipLibCheck": true,
  "esModuleInterop": true, "types": ["node"], "typeRoots": ["$root/node_modules/@types"], "outDir": "out", "rootDir": "." },
  "files": ["examples/app.ts", "build-tools/compat-check.ts", "build-tools/compat-nag-v3.ts"] }
JSON
echo "compat-latest: compiling examples/app.ts and the checks against them with TypeScript $(cd "$work" && npx --no-install tsc --version)"
(cd "$work" && npx --no-install tsc -p tsconfig.json)
echo "compat-latest: synthesizing"
(cd "$work" && node out/build-tools/compat-check.js)
echo "compat-latest: cdk-nag v3"
(cd "$work" && node out/build-tools/compat-nag-v3.js)
