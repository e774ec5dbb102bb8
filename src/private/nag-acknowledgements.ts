import * as cdk from 'aws-cdk-lib';
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Findings of cdk-nag rule packs that this library acknowledges on its own resources, each with the
 * reason, in the form each cdk-nag major reads, so the library does not depend on cdk-nag:
 * - v2 (an Aspect) reads resource metadata `Metadata.cdk_nag.rules_to_suppress`, written always;
 * - v3 (a validation plugin) reads `Validations.of(construct).acknowledge()`, which exists from
 *   aws-cdk-lib 2.257: used when the app's aws-cdk-lib has it (detected at run time, the peer floor is 2.200).
 * Users who run neither get an inert metadata entry. A user's own suppressions add to these.
 *
 * Only findings that are facts of the construct's design, which no prop changes, are acknowledged.
 * Findings a deployer should decide on (reserved concurrency, a KMS key for the logs) are left
 * visible and documented in docs/security.md.
 */
export interface NagAcknowledgement {
  /** The rule ID as cdk-nag reports it, e.g. `AwsSolutions-COG2`. */
  readonly id: string;
  readonly reason: string;
  /**
   * For rules that report one finding per offending value (IAM5): the findings acknowledged, e.g.
   * `Resource::*`. v2 takes them as `appliesTo`; v3 needs one acknowledgement per finding,
   * `AwsSolutions-IAM5[Resource::*]`, and has no rule-wide form.
   */
  readonly findings?: string[];
}

const MFA_OFF = 'Cognito MFA must stay off: it would insert SMS_MFA or SOFTWARE_TOKEN_MFA steps into the custom flow, '
  + 'which the Define trigger rejects. The custom challenges are the extra steps: the password first with passwordFirst, then '
  + 'challengeCount one-time codes to the verified address. What an emailed code is: proof that the user controls the mailbox now, '
  + 'from a CSPRNG, single use, short-lived and rate limited. What it is not: proof of possession of a device; NIST SP 800-63B '
  + '(5.1.3.1) does not accept email as an out-of-band authenticator. So passwordless sign-in by emailed code is one factor, like '
  + 'Cognito\'s own EMAIL_OTP, and password plus emailed code is two checks but one NIST factor; with passwordFirst, password '
  + 'recovery does not go through a channel that delivers the codes unless the deployer opts back in.';

const PLUS_OPT_IN = 'The Plus feature plan (threat protection) is opt-in through the threatProtection prop: custom authentication '
  + 'works on every plan, and the triggers bound guesses per sign-in themselves (maxAttempts). Set threatProtection to use Plus.';

const RUNTIME_PINNED = 'The runtime is the newest Node.js runtime the handler bundles are built (esbuild target node22) and tested '
  + 'for, 24 when the app\'s aws-cdk-lib knows it, or the one the deployer chose with the runtime prop; a newer runtime comes with a '
  + 'library release that re-tests the bundles on it.';

const NO_DLQ = 'Cognito invokes this trigger synchronously and fails the sign-in if it fails; a dead-letter queue only receives '
  + 'failed asynchronous invocations, so it would never receive anything.';

const NO_VPC = 'The trigger reaches no private resource: it reads its event and (Create) calls public AWS APIs (SES, SNS, Lambda, '
  + 'DynamoDB) over TLS with SigV4. A VPC would add NAT or interface endpoints and cold-start latency to every sign-in without narrowing any data path.';

const ROLE_POLICY = 'This policy is the least-privilege grant of one function\'s own role (write to its own log group; for Create, '
  + 'deliver codes through the configured channel only, e.g. the one SES identity), attached to that role only and deleted with it. '
  + 'A managed policy could be attached to other principals.';

const EPHEMERAL_COUNTERS = 'The cross-session limits table holds only per-user budget times, which expire by TTL '
  + 'within one refill window. A backup or point-in-time restore would bring back stale budgets (or none); losing the table only '
  + 'refills budgets, and the construct recreates it. Backups would store keyed username hashes for no purpose.';

/** For the cross-session limits table. */
export const LIMITS_TABLE_ACKNOWLEDGEMENTS: NagAcknowledgement[] = [
  { id: 'AwsSolutions-DDB3', reason: EPHEMERAL_COUNTERS },
  { id: 'HIPAA.Security-DynamoDBPITREnabled', reason: EPHEMERAL_COUNTERS },
  { id: 'NIST.800.53.R5-DynamoDBPITREnabled', reason: EPHEMERAL_COUNTERS },
  { id: 'HIPAA.Security-DynamoDBInBackupPlan', reason: EPHEMERAL_COUNTERS },
  { id: 'NIST.800.53.R5-DynamoDBInBackupPlan', reason: EPHEMERAL_COUNTERS },
];

const COGNITO_SMS_ROLE = 'The role Cognito itself uses to send SMS (phone number verification) must call sns:Publish to any phone '
  + 'number: SMS to a phone number has no resource ARN. aws-cdk-lib creates this role with an external ID that only this user pool knows.';

/** For the SMS role aws-cdk-lib creates when phone numbers are verified. */
export const SMS_ROLE_ACKNOWLEDGEMENTS: NagAcknowledgement[] = [
  { id: 'AwsSolutions-IAM5', reason: COGNITO_SMS_ROLE, findings: ['Resource::*'] },
];

/** For the user pool; COG8 only while the pool is not on the Plus plan. */
export function userPoolAcknowledgements(plus: boolean): NagAcknowledgement[] {
  return [
    { id: 'AwsSolutions-COG2', reason: MFA_OFF },
    ...(plus ? [] : [{ id: 'AwsSolutions-COG8', reason: PLUS_OPT_IN }]),
  ];
}

/** For each trigger function; L1 only when its runtime is not the newest Node.js runtime aws-cdk-lib knows (else L1 cannot fire). */
export function functionAcknowledgements(newestRuntime: boolean): NagAcknowledgement[] {
  return [...(newestRuntime ? [] : [{ id: 'AwsSolutions-L1', reason: RUNTIME_PINNED }]), ...FUNCTION_RULES];
}

const FUNCTION_RULES: NagAcknowledgement[] = [
  { id: 'HIPAA.Security-LambdaDLQ', reason: NO_DLQ },
  { id: 'NIST.800.53.R5-LambdaDLQ', reason: NO_DLQ },
  { id: 'HIPAA.Security-LambdaInsideVPC', reason: NO_VPC },
  { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: NO_VPC },
];

/** For each function role's policy. */
export const ROLE_POLICY_ACKNOWLEDGEMENTS: NagAcknowledgement[] = [
  { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: ROLE_POLICY },
  { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: ROLE_POLICY },
];

/** aws-cdk-lib's `Validations` (2.257 and later), as far as this module uses it. */
interface ValidationsApi {
  of(scope: IConstruct): { acknowledge(...rules: Array<{ id: string; reason: string }>): void };
}

/** The app's `Validations`, or undefined when its aws-cdk-lib predates it (cdk-nag v3 cannot run there). */
export function validationsOf(lib: object = cdk): ValidationsApi | undefined {
  return (lib as { Validations?: ValidationsApi }).Validations;
}

/** The IDs cdk-nag v3 reports: the rule, or one `rule[finding]` per finding. */
function v3Ids(acknowledgement: NagAcknowledgement): string[] {
  const { id, findings } = acknowledgement;
  return findings === undefined ? [id] : findings.map((finding) => `${id}[${finding}]`);
}

/**
 * Acknowledges findings on a resource for both cdk-nag majors: the `cdk_nag` metadata (v2; a user's
 * NagSuppressions later add to it) and, where aws-cdk-lib has it, `Validations.acknowledge` (v3).
 */
export function acknowledge(resource: CfnResource, acknowledgements: NagAcknowledgement[], validations = validationsOf()): void {
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: acknowledgements.map(({ id, reason, findings }) => ({ id, reason, ...(findings ? { applies_to: findings } : {}) })),
  });
  validations?.of(resource).acknowledge(...acknowledgements.flatMap((acknowledgement) =>
    v3Ids(acknowledgement).map((id) => ({ id, reason: acknowledgement.reason }))));
}
