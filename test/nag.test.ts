import { App, Aspects, CfnResource, IAspect, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagSuppressions, NIST80053R5Checks } from 'cdk-nag';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps } from '../src';
import { acknowledge, SMS_ROLE_ACKNOWLEDGEMENTS, validationsOf } from '../src/private/nag-acknowledgements';

/**
 * cdk-nag (v2 line) on the construct in its main configurations. AwsSolutions must report nothing
 * that is not acknowledged; the library's own acknowledgements (src/private/nag-acknowledgements.ts,
 * written as `cdk_nag` metadata) must each still be needed; the HIPAA and NIST 800-53 R5 packs must
 * report exactly the findings the README documents as the deployer's decision.
 */

type Pack = new (props?: { verbose?: boolean }) => IAspect;

const CONFIGURATIONS: Array<[string, Partial<CustomAuthUserPoolProps>]> = [
  ['passwordless (defaults)', {}],
  ['password first, 3 challenges', { passwordFirst: true, challengeCount: 3 }],
  ['Plus with threat protection', { threatProtection: cognito.CustomThreatProtectionMode.FULL_FUNCTION }],
];

interface Finding {
  readonly level: 'error' | 'warning';
  /** The construct path below the construct, e.g. `CreateAuthChallenge/Resource`. */
  readonly path: string;
  readonly rule: string;
}

function stackWith(props: Partial<CustomAuthUserPoolProps>, prepare: (stack: Stack) => void = () => undefined): Stack {
  const app = new App();
  const stack = new Stack(app, 'Nag', { env: { account: '123456789012', region: 'us-east-1' } });
  new CustomAuthUserPool(stack, 'Auth', { delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }), ...props });
  prepare(stack);
  return stack;
}

/** A construct path below the construct, as findings name it (the flow's resources are under its `Default` child). */
function belowAuth(path: string): string {
  return path.replace(/^\/?Nag\/Auth\/(Default\/)?/, '');
}

/** Every unacknowledged error and warning a pack reports for the stack (acknowledged findings are not annotated). */
function findingsOf(stack: Stack, pack: Pack): Finding[] {
  Aspects.of(stack).add(new pack());
  const annotations = Annotations.fromStack(stack);
  const rule = (data: unknown) => String(data).split(':')[0];
  return [
    ...annotations.findError('*', Match.anyValue()).map((m): Finding => ({ level: 'error', path: belowAuth(m.id), rule: rule(m.entry.data) })),
    ...annotations.findWarning('*', Match.anyValue()).map((m): Finding => ({ level: 'warning', path: belowAuth(m.id), rule: rule(m.entry.data) })),
  ].sort((a, b) => `${a.rule} ${a.path}`.localeCompare(`${b.rule} ${b.path}`));
}

/** The resources carrying the library's acknowledgements, and their rule IDs. */
function acknowledgementsIn(stack: Stack): Map<CfnResource, Array<{ id: string; reason: string }>> {
  const found = new Map<CfnResource, Array<{ id: string; reason: string }>>();
  for (const construct of stack.node.findAll()) {
    if (construct instanceof CfnResource && construct.getMetadata('cdk_nag') !== undefined) {
      found.set(construct, construct.getMetadata('cdk_nag').rules_to_suppress);
    }
  }
  return found;
}

/** The stack with every acknowledgement removed, as if the library shipped none. */
function withoutAcknowledgements(stack: Stack): void {
  for (const resource of acknowledgementsIn(stack).keys()) {
    delete (resource.cfnOptions.metadata as Record<string, unknown>).cdk_nag;
  }
}

const FUNCTIONS = ['DefineAuthChallenge', 'CreateAuthChallenge', 'VerifyAuthChallenge'];

/** The rule IDs acknowledged on the resource at `path` below the construct. */
function idsAt(found: ReturnType<typeof acknowledgementsIn>, path: string): string[] {
  return [...found.entries()].filter(([resource]) => belowAuth(resource.node.path) === path).flatMap(([, rules]) => rules.map((rule) => rule.id));
}

describe('cdk-nag AwsSolutions', () => {
  test.each(CONFIGURATIONS)('%s: no unacknowledged error or warning', (_name, props) => {
    expect(findingsOf(stackWith(props), AwsSolutionsChecks)).toEqual([]);
  });

  test.each(CONFIGURATIONS)('%s: every shipped AwsSolutions acknowledgement is needed (the rule fires without it)', (_name, props) => {
    // GIVEN the same stack without the library's acknowledgements
    const stack = stackWith(props, withoutAcknowledgements);
    const shipped = [...acknowledgementsIn(stackWith(props)).entries()].flatMap(([resource, rules]) =>
      rules.filter((rule) => rule.id.startsWith('AwsSolutions-'))
        .map((rule) => `${rule.id} ${belowAuth(resource.node.path)}`));

    // WHEN / THEN each acknowledged rule fires where it was acknowledged (L1, shipped only with a newer runtime known, below)
    const fired = findingsOf(stack, AwsSolutionsChecks).map((finding) => `${finding.rule} ${finding.path}`);
    expect(shipped.length).toBeGreaterThan(0);
    expect(fired.sort()).toEqual(shipped.sort());
  });

  test('the shipped acknowledgements: COG2 (MFA) always, COG8 (Plus) unless on Plus, each with a reason', () => {
    const lite = acknowledgementsIn(stackWith({}));
    const plus = acknowledgementsIn(stackWith({ threatProtection: cognito.CustomThreatProtectionMode.AUDIT_ONLY }));
    expect(idsAt(lite, 'UserPool/Resource')).toEqual(['AwsSolutions-COG2', 'AwsSolutions-COG8']);
    expect(idsAt(plus, 'UserPool/Resource')).toEqual(['AwsSolutions-COG2']);
    for (const rules of lite.values()) {
      for (const rule of rules) {
        expect(rule.reason.length).toBeGreaterThan(80);
      }
    }
  });

  test('COG2\'s reason says what an emailed code is and is not, and that recovery does not go through the codes\' channel', () => {
    const cog2 = [...acknowledgementsIn(stackWith({})).values()].flat().find((rule) => rule.id === 'AwsSolutions-COG2')!;
    expect(cog2.reason).toMatch(/controls the mailbox/);
    expect(cog2.reason).toMatch(/not: proof of possession of a device; NIST SP 800-63B \(5\.1\.3\.1\)/);
    expect(cog2.reason).toMatch(/password recovery does not go through a channel that delivers the codes/);
  });

  test('L1 is acknowledged only where it can fire: not when the runtime is the newest Node.js runtime aws-cdk-lib knows', () => {
    // GIVEN aws-cdk-lib 2.200 (this build), whose newest Node.js runtime is nodejs22.x, the default here
    // THEN no L1 acknowledgement; with an explicit older runtime, one per function
    for (const fn of FUNCTIONS) {
      expect(idsAt(acknowledgementsIn(stackWith({})), `${fn}/Resource`)).not.toContain('AwsSolutions-L1');
      expect(idsAt(acknowledgementsIn(stackWith({ runtime: new lambda.Runtime('nodejs22.x', lambda.RuntimeFamily.NODEJS) })), `${fn}/Resource`))
        .not.toContain('AwsSolutions-L1');
    }
    const newer = new lambda.Runtime('nodejs98.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });
    try {
      for (const fn of FUNCTIONS) {
        expect(idsAt(acknowledgementsIn(stackWith({})), `${fn}/Resource`)).toContain('AwsSolutions-L1');
      }
    } finally {
      lambda.Runtime.ALL.splice(lambda.Runtime.ALL.indexOf(newer), 1);
    }
  });

  test('L1: a consumer whose aws-cdk-lib knows a newer Node.js runtime gets no L1 error (the pinned runtime is acknowledged)', () => {
    // GIVEN a newer runtime in Runtime.ALL, as a later aws-cdk-lib would have (this file's module registry only)
    const newer = new lambda.Runtime('nodejs98.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });
    try {
      // WHEN / THEN L1 fires without the acknowledgement, and not with it
      expect(findingsOf(stackWith({}, withoutAcknowledgements), AwsSolutionsChecks).filter((f) => f.rule === 'AwsSolutions-L1'))
        .toHaveLength(3);
      expect(findingsOf(stackWith({}), AwsSolutionsChecks)).toEqual([]);
    } finally {
      lambda.Runtime.ALL.splice(lambda.Runtime.ALL.indexOf(newer), 1);
    }
  });

  test('with an SMS channel: IAM5 [Resource::*] on Cognito\'s SMS role is acknowledged, that finding only, and needed', () => {
    // GIVEN codes by SMS: aws-cdk-lib gives the pool a role for Cognito's own SMS
    const sms = { delivery: CodeDelivery.sms(), signInAliases: { phone: true } };
    const nagFindings = (stack: Stack) => findingsOf(stack, AwsSolutionsChecks).filter((finding) => finding.rule.startsWith('AwsSolutions-'));
    const iam5 = (stack: Stack) => {
      Aspects.of(stack).add(new AwsSolutionsChecks());
      return Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('^AwsSolutions-IAM5'))
        .map((m) => `${String(m.entry.data).split(': ')[0]} ${m.id}`);
    };

    // THEN the acknowledgement names the finding, v2 reports nothing with it, and the finding without it
    expect(idsAt(acknowledgementsIn(stackWith(sms)), 'UserPool/smsRole/Resource')).toEqual(['AwsSolutions-IAM5']);
    expect([...acknowledgementsIn(stackWith(sms)).values()].flat().find((rule) => rule.id === 'AwsSolutions-IAM5'))
      .toEqual(expect.objectContaining({ applies_to: ['Resource::*'] }));
    expect(nagFindings(stackWith(sms))).toEqual([]);
    expect(iam5(stackWith(sms, withoutAcknowledgements))).toEqual(['AwsSolutions-IAM5[Resource::*] /Nag/Auth/UserPool/smsRole/Resource']);
  });

  test('a user\'s own NagSuppressions add to the shipped acknowledgements', () => {
    // GIVEN
    const stack = stackWith({}, (s) => {
      const auth = s.node.findChild('Auth') as CustomAuthUserPool;
      NagSuppressions.addResourceSuppressions(auth.userPool, [{ id: 'AwsSolutions-COG1', reason: 'The user\'s own reason for this rule.' }], true);
    });

    // THEN
    const pool = stack.node.findAll().find((c): c is cognito.CfnUserPool => c instanceof cognito.CfnUserPool)!;
    expect(pool.getMetadata('cdk_nag').rules_to_suppress.map((rule: { id: string }) => rule.id))
      .toEqual(['AwsSolutions-COG2', 'AwsSolutions-COG8', 'AwsSolutions-COG1']);
    expect(findingsOf(stack, AwsSolutionsChecks)).toEqual([]);
  });
});

/**
 * What HIPAA and NIST 800-53 R5 report that the library leaves to the deployer (README, "cdk-nag"):
 * reserved concurrency for each function, and a KMS key for the log groups (the logEncryptionKey prop).
 */
function deployerFindings(prefix: string, withKey: boolean): Finding[] {
  return FUNCTIONS.flatMap((fn) => [
    { level: 'error' as const, path: `${fn}/Resource`, rule: `${prefix}-LambdaConcurrency` },
    ...(withKey ? [] : [{ level: 'error' as const, path: `${fn}Logs/Resource`, rule: `${prefix}-CloudWatchLogGroupEncrypted` }]),
  ]).sort((a, b) => `${a.rule} ${a.path}`.localeCompare(`${b.rule} ${b.path}`));
}

describe.each<[string, Pack, string]>([
  ['HIPAA Security', HIPAASecurityChecks, 'HIPAA.Security'],
  ['NIST 800-53 R5', NIST80053R5Checks, 'NIST.800.53.R5'],
])('cdk-nag %s', (_pack, pack, prefix) => {
  test.each(CONFIGURATIONS)('%s: exactly the documented findings (concurrency, log encryption)', (_name, props) => {
    expect(findingsOf(stackWith(props), pack)).toEqual(deployerFindings(prefix, false));
  });

  test('with logEncryptionKey: only reserved concurrency remains', () => {
    const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const stack = new Stack(new App(), 'Nag', { env: { account: '123456789012', region: 'us-east-1' } });
    new CustomAuthUserPool(stack, 'Auth', {
      delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }),
      logEncryptionKey: kms.Key.fromKeyArn(stack, 'Key', keyArn),
    });
    expect(findingsOf(stack, pack)).toEqual(deployerFindings(prefix, true));
  });

  test('every shipped acknowledgement for this pack is needed (the rule fires without it)', () => {
    const shipped = [...acknowledgementsIn(stackWith({})).entries()].flatMap(([resource, rules]) =>
      rules.filter((rule) => rule.id.startsWith(`${prefix}-`)).map((rule) => `${rule.id} ${belowAuth(resource.node.path)}`));
    const fired = findingsOf(stackWith({}, withoutAcknowledgements), pack).map((finding) => `${finding.rule} ${finding.path}`);
    const documented = deployerFindings(prefix, false).map((finding) => `${finding.rule} ${finding.path}`);
    expect(shipped).toHaveLength(11);
    expect(fired.sort()).toEqual([...shipped, ...documented].sort());
  });
});

describe('CustomAuthUserPool log encryption', () => {
  test('logEncryptionKey encrypts the three log groups', () => {
    // GIVEN / WHEN
    const stack = new Stack(new App(), 'Keyed');
    const key = new kms.Key(stack, 'Key');
    new CustomAuthUserPool(stack, 'Auth', { delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }), logEncryptionKey: key });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] } });
  });

  test('by default the log groups use CloudWatch Logs\' own encryption (no KMS key)', () => {
    Template.fromStack(stackWith({})).allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.absent() });
  });
});

describe('cdk-nag v3 acknowledgements (Validations.acknowledge)', () => {
  // cdk-nag v3 itself runs in `npx projen compat:latest` (aws-cdk-lib@latest); this build is at the 2.200 floor.
  test('at the floor aws-cdk-lib has no Validations: only the v2 metadata is written', () => {
    expect(validationsOf()).toBeUndefined();
    const metadata = stackWith({}).node.findAll().flatMap((construct) => construct.node.metadata.map((entry) => entry.type));
    expect(metadata).not.toContain('aws:cdk:acknowledged-rules');
  });

  test('Validations is read from aws-cdk-lib at run time', () => {
    const Validations = { of: () => ({ acknowledge: () => undefined }) };
    expect(validationsOf({ Validations })).toBe(Validations);
  });

  test('each acknowledgement goes to Validations.of(resource).acknowledge with its reason; per-finding rules once per finding', () => {
    // GIVEN a Validations as aws-cdk-lib 2.257+ has it, recording its calls
    const calls: Array<{ scope: unknown; rules: Array<{ id: string; reason: string }> }> = [];
    const validations = {
      of: (scope: unknown) => ({ acknowledge: (...rules: Array<{ id: string; reason: string }>) => calls.push({ scope, rules }) }),
    };
    const resource = new CfnResource(new Stack(), 'Role', { type: 'AWS::IAM::Role' });

    // WHEN
    acknowledge(resource, [...SMS_ROLE_ACKNOWLEDGEMENTS, { id: 'AwsSolutions-COG2', reason: 'A reason.' }], validations);

    // THEN v3 gets `rule[finding]` IDs, v2 the rule with applies_to, each with the same reason
    expect(calls).toEqual([{
      scope: resource,
      rules: [
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: SMS_ROLE_ACKNOWLEDGEMENTS[0].reason },
        { id: 'AwsSolutions-COG2', reason: 'A reason.' },
      ],
    }]);
    expect(resource.getMetadata('cdk_nag').rules_to_suppress).toEqual([
      { id: 'AwsSolutions-IAM5', reason: SMS_ROLE_ACKNOWLEDGEMENTS[0].reason, applies_to: ['Resource::*'] },
      { id: 'AwsSolutions-COG2', reason: 'A reason.' },
    ]);
  });
});
