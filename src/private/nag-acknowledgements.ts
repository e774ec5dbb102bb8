import { CfnResource } from 'aws-cdk-lib';

/**
 * Findings of cdk-nag rule packs that this library acknowledges on its own resources, each with the
 * reason. They are written as resource metadata in the form cdk-nag v2 reads
 * (`Metadata.cdk_nag.rules_to_suppress`), so the library does not depend on cdk-nag and users who do
 * not run it get only an inert metadata entry. A user's own NagSuppressions add to these.
 *
 * Only findings that are facts of the construct's design, which no prop changes, are acknowledged.
 * Findings a deployer should decide on (reserved concurrency, a KMS key for the logs) are left
 * visible and documented in the README.
 */
export interface NagAcknowledgement {
  /** The rule ID as cdk-nag reports it, e.g. `AwsSolutions-COG2`. */
  readonly id: string;
  readonly reason: string;
}

const MFA_OFF = 'Cognito MFA must stay off: it would insert SMS_MFA or SOFTWARE_TOKEN_MFA steps into the custom flow, '
  + 'which the Define trigger rejects. The custom challenges are the extra factors (the password first with passwordFirst, '
  + 'then challengeCount one-time codes to the verified address); passwordless sign-in by emailed code is one factor by design, '
  + 'like Cognito\'s own EMAIL_OTP.';

const PLUS_OPT_IN = 'The Plus feature plan (threat protection) is opt-in through the threatProtection prop: custom authentication '
  + 'works on every plan, and the triggers bound guesses per sign-in themselves (maxAttempts). Set threatProtection to use Plus.';

const RUNTIME_PINNED = 'The runtime is pinned to nodejs22.x on purpose: the handler is bundled (esbuild target node22) and tested '
  + 'for exactly this runtime; a newer runtime comes with a library release that rebuilds and re-tests the bundles.';

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
  { id: 'AwsSolutions-IAM5', reason: COGNITO_SMS_ROLE },
];

/** For the user pool; COG8 only while the pool is not on the Plus plan. */
export function userPoolAcknowledgements(plus: boolean): NagAcknowledgement[] {
  return [
    { id: 'AwsSolutions-COG2', reason: MFA_OFF },
    ...(plus ? [] : [{ id: 'AwsSolutions-COG8', reason: PLUS_OPT_IN }]),
  ];
}

/** For each trigger function. */
export const FUNCTION_ACKNOWLEDGEMENTS: NagAcknowledgement[] = [
  { id: 'AwsSolutions-L1', reason: RUNTIME_PINNED },
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

/** Writes acknowledgements as the resource's `cdk_nag` metadata (a user's NagSuppressions later add to it). */
export function acknowledge(resource: CfnResource, acknowledgements: NagAcknowledgement[]): void {
  resource.addMetadata('cdk_nag', { rules_to_suppress: acknowledgements });
}
