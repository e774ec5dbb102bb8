#!/usr/bin/env bash
# The construct in a new user's app today: a throwaway app installs the packed tarball (dist/js) beside
# aws-cdk-lib@latest, constructs@latest, cdk-nag@3 and typescript@latest, compiles examples/app.ts
# (importing the package instead of ../src) and the checks with that TypeScript, synthesizes the example
# and checks the template, then runs cdk-nag v3 (build-tools/compat-nag-v3.ts): no unacknowledged
# AwsSolutions finding, and every acknowledgement needed. Last, it type-checks the README's Amplify Gen 2
# example against @aws-amplify/backend (which needs an aws-cdk-lib newer than the build's floor).
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
echo "compat-latest: installing $(basename "$tarball") with aws-cdk-lib@latest, constructs@latest, cdk-nag@3, typescript@latest and @aws-amplify/backend@1"
(cd "$work" && npm install --no-audit --no-fund --no-package-lock --loglevel=error \
  "$tarball" aws-cdk-lib@latest constructs@latest cdk-nag@3 typescript@latest @aws-amplify/backend@1)

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

# The README's Amplify Gen 2 example (the ```tsx block that starts with its file name), as amplify/backend.ts
# with the auth resource its first line names, type-checked as Amplify compiles a backend (ES modules).
echo "compat-latest: type-checking the README's Amplify Gen 2 example against @aws-amplify/backend"
mkdir -p "$work/amplify/auth"
awk '/^```tsx$/ { getline first; if (first ~ /^\/\/ amplify\/backend\.ts/) { inside = 1; print first; next } }
     inside && /^```$/ { inside = 0 } inside' README.md > "$work/amplify/backend.ts"
grep -q "defineBackend" "$work/amplify/backend.ts" || { echo "compat-latest: no Amplify Gen 2 example found in README.md" >&2; exit 1; }
cat > "$work/amplify/auth/resource.ts" <<'TS'
import { defineAuth } from '@aws-amplify/backend';
export const auth = defineAuth({ loginWith: { email: true } });
TS
cat > "$work/tsconfig.amplify.json" <<JSON
{ "compilerOptions": { "target": "ES2022", "module": "ES2022", "moduleResolution": "bundler", "strict": true, "skipLibCheck": true,
  "noEmit": true, "types": [] }, "files": ["amplify/backend.ts"] }
JSON
(cd "$work" && npx --no-install tsc -p tsconfig.amplify.json)
echo "compat-latest: passed"
