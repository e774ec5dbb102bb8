// Runs inside the throwaway app that build-tools/compat-latest.sh creates, with examples/app.ts compiled
// against the newest aws-cdk-lib: synthesizes the example and checks the resources the construct makes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// In the throwaway app, examples/app.ts imports 'cdk-cognito-custom-auth' instead of '../src'.
import { buildExampleApp } from '../examples/app';

const versionOf = (pkg: string): string => JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
const cdkVersion = versionOf('aws-cdk-lib');
const constructsVersion = versionOf('constructs');
const library = versionOf('cdk-cognito-custom-auth');
const loadedFrom = path.dirname(require.resolve('aws-cdk-lib/package.json'));
if (!loadedFrom.startsWith(process.cwd())) {
  throw new Error(`aws-cdk-lib resolved outside the throwaway app: ${loadedFrom}`);
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-latest-'));
const { app } = buildExampleApp(outdir);
const template = app.synth().getStackByName('CustomAuthExample').template;
const resources: Array<{ Type: string; Properties?: any }> = Object.values(template.Resources);
const ofType = (type: string) => resources.filter((resource) => resource.Type === type);

const failures: string[] = [];
const expectCount = (type: string, count: number) => {
  if (ofType(type).length !== count) {
    failures.push(`expected ${count} ${type}, found ${ofType(type).length}`);
  }
};
expectCount('AWS::Cognito::UserPool', 1);
expectCount('AWS::Cognito::UserPoolClient', 1);
expectCount('AWS::Lambda::Function', 3);
const triggers = ofType('AWS::Cognito::UserPool')[0]?.Properties?.LambdaConfig ?? {};
for (const trigger of ['DefineAuthChallenge', 'CreateAuthChallenge', 'VerifyAuthChallengeResponse']) {
  if (!triggers[trigger]) {
    failures.push(`the user pool has no ${trigger} trigger`);
  }
}
const client = ofType('AWS::Cognito::UserPoolClient')[0]?.Properties ?? {};
if (JSON.stringify([...client.ExplicitAuthFlows ?? []].sort()) !== JSON.stringify(['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'])) {
  failures.push(`unexpected ExplicitAuthFlows ${JSON.stringify(client.ExplicitAuthFlows)}`);
}
if (client.PreventUserExistenceErrors !== 'ENABLED') {
  failures.push(`PreventUserExistenceErrors is ${client.PreventUserExistenceErrors}`);
}
fs.rmSync(outdir, { recursive: true, force: true });

if (failures.length > 0) {
  console.error(`cdk-cognito-custom-auth ${library} with aws-cdk-lib ${cdkVersion}, constructs ${constructsVersion}:\n  - ${failures.join('\n  - ')}`);
  process.exit(1);
}
console.log(`compat-latest: cdk-cognito-custom-auth ${library} synthesizes with aws-cdk-lib ${cdkVersion} and constructs ${constructsVersion}: `
  + '1 user pool with the three triggers, 1 app client (custom auth only, PreventUserExistenceErrors), 3 functions.');
