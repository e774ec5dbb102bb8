// Runs inside the throwaway app that build-tools/compat-latest.sh creates, with the packed library,
// aws-cdk-lib@latest and cdk-nag@3 (a validation plugin that reads `Validations.of(x).acknowledge()`).
// For each configuration:
//  1. as a user sets it up (`Validations.of(app).addPlugins(new AwsSolutionsChecks(app))`), synthesis
//     succeeds: AwsSolutions reports no unacknowledged finding;
//  2. each acknowledgement the library records is needed: without acknowledgements, cdk-nag v3 raises
//     exactly that finding on that resource (AwsSolutions, HIPAA and NIST 800-53 R5).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps } from 'cdk-cognito-custom-auth';

const EMAIL = CodeDelivery.email({ fromAddress: 'no-reply@example.com' });
type Configure = (stack: Stack) => Partial<CustomAuthUserPoolProps>;
const CONFIGURATIONS: Array<[string, Configure]> = [
  ['passwordless (defaults)', () => ({})],
  ['password first, 3 challenges', () => ({ passwordFirst: true, challengeCount: 3 })],
  ['every channel (email, SMS, custom sender)', (stack) => ({
    challengeCount: 3,
    challengeDeliveries: [EMAIL, CodeDelivery.sms(),
      CodeDelivery.customSender(lambda.Function.fromFunctionArn(stack, 'Sender', 'arn:aws:lambda:us-east-1:123456789012:function:sender'))],
  })],
  // L1 fires only for a runtime older than the newest aws-cdk-lib knows: the deployer's explicit choice of 22.
  ['runtime nodejs22.x chosen', () => ({ runtime: lambda.Runtime.NODEJS_22_X })],
];
const PACKS = [AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks];

function appWith(configure: Configure): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'compat-nag-v3-')) });
  const stack = new Stack(app, 'Nag', { env: { account: '123456789012', region: 'us-east-1' } });
  new CustomAuthUserPool(stack, 'Auth', { delivery: EMAIL, ...configure(stack) });
  return app;
}

/** `rule path` of each finding a pack reports; `ignoreAcknowledgements` shows what it raises without them. */
function findings(app: App, Pack: (typeof PACKS)[number], ignoreAcknowledgements: boolean): string[] {
  const pack = new Pack();
  if (ignoreAcknowledgements) {
    // cdk-nag v3's own check (NagPack.isAcknowledged) switched off, for this pack instance only.
    (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  }
  return pack.validateScope(app).violations
    .flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath}`));
}

/** `rule path` of each acknowledgement recorded with Validations.acknowledge on a resource. */
function acknowledgements(app: App): string[] {
  return app.node.findAll().filter((construct) => construct instanceof CfnResource).flatMap((resource) => resource.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.keys(entry.data as Record<string, string>)
      .map((id) => `${id.replace(/^annotation::/i, '')} ${resource.node.path}`)));
}

const failures: string[] = [];
let checked = 0;
for (const [name, configure] of CONFIGURATIONS) {
  // 1. As a user sets it up: synthesis fails on any unacknowledged AwsSolutions finding.
  const userApp = appWith(configure);
  Validations.of(userApp).addPlugins(new AwsSolutionsChecks(userApp));
  try {
    userApp.synth();
  } catch (error) {
    failures.push(`${name}: synthesis with AwsSolutionsChecks failed: ${(error as Error).message}`);
  }
  const open = findings(appWith(configure), AwsSolutionsChecks, false);
  if (open.length > 0) {
    failures.push(`${name}: unacknowledged AwsSolutions findings:\n      ${open.join('\n      ')}`);
  }

  // 2. Every acknowledgement suppresses a finding cdk-nag v3 would raise on that resource.
  const app = appWith(configure);
  const raised = new Set(PACKS.flatMap((Pack) => findings(app, Pack, true)));
  const recorded = acknowledgements(app);
  if (recorded.length === 0) {
    failures.push(`${name}: no acknowledgement recorded through Validations.acknowledge`);
  }
  for (const acknowledgement of recorded) {
    checked++;
    if (!raised.has(acknowledgement)) {
      failures.push(`${name}: acknowledgement not needed (cdk-nag v3 raises no such finding): ${acknowledgement}`);
    }
  }
}

const versionOf = (pkg: string): string => JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
const versions = `cdk-nag ${versionOf('cdk-nag')}, aws-cdk-lib ${versionOf('aws-cdk-lib')}`;
if (failures.length > 0) {
  console.error(`compat-latest (${versions}):\n  - ${failures.join('\n  - ')}`);
  process.exit(1);
}
console.log(`compat-latest: ${versions}: AwsSolutions reports no unacknowledged finding in ${CONFIGURATIONS.length} configurations `
  + `(${CONFIGURATIONS.map(([name]) => name).join('; ')}), and each of the ${checked} acknowledgements recorded suppresses a finding `
  + 'cdk-nag v3 raises without it (AwsSolutions, HIPAA, NIST 800-53 R5).');
