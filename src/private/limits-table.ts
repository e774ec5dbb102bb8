import { Aws, CfnResource, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { BUDGET_MAX_CODES, BUDGET_MAX_WRONG_ANSWERS, BUDGET_WINDOW_SECONDS, ENV } from './handler-contract';
import { acknowledge, LIMITS_TABLE_ACKNOWLEDGEMENTS } from './nag-acknowledgements';
import { integerProp, numberEnv, secondsProp } from './validate';
import type { CrossSessionLimits } from '../cross-session-limits';

/**
 * The table of `crossSessionLimits` in `scope` (id `LimitsTable`), which only Create may update (one
 * action), and its settings in Create's environment; undefined when the limits are off.
 */
export function addLimitsTable(scope: Construct, limits: CrossSessionLimits, create: lambda.Function): dynamodb.ITable | undefined {
  if (limits.enabled === false) {
    return undefined;
  }
  const windowSeconds = secondsProp('crossSessionLimits.window', limits.window, BUDGET_WINDOW_SECONDS);
  const maxCodes = integerProp('crossSessionLimits.maxCodes', limits.maxCodes, BUDGET_MAX_CODES);
  const maxWrongAnswers = integerProp('crossSessionLimits.maxWrongAnswers', limits.maxWrongAnswers, BUDGET_MAX_WRONG_ANSWERS);
  const table = new dynamodb.Table(scope, 'LimitsTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'expiresAt',
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    // Buckets that are full again within one window: nothing to restore, nothing to keep.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  acknowledge(table.node.defaultChild as CfnResource, LIMITS_TABLE_ACKNOWLEDGEMENTS);
  // The table itself only: no index ARNs, no other action.
  iam.Grant.addToPrincipal({ grantee: create, actions: ['dynamodb:UpdateItem'], resourceArns: [table.tableArn] });
  create.addEnvironment(ENV.budgetTable, table.tableName);
  create.addEnvironment(ENV.budgetWindowSeconds, numberEnv(windowSeconds));
  create.addEnvironment(ENV.budgetMaxCodes, numberEnv(maxCodes));
  create.addEnvironment(ENV.budgetMaxWrongAnswers, numberEnv(maxWrongAnswers));
  // Keys are HMACs of usernames under the stack's ID: unique to this deployment, created by
  // CloudFormation, never in the table.
  create.addEnvironment(ENV.budgetSalt, Aws.STACK_ID);
  return table;
}
