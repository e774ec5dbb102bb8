import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callAws, ENDPOINTS } from '../../lambda/aws-request';
import { Deadline } from '../../lambda/deadline';
// dynalite: a real DynamoDB implementation (on LevelDB, in memory), from npm. No types are published.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite: (options: Record<string, number>) => Server = require('dynalite');

/** The key schema (and indexes) of a table, as a template writes them. */
export interface TableSchema {
  readonly AttributeDefinitions: unknown[];
  readonly KeySchema: unknown[];
  readonly GlobalSecondaryIndexes?: unknown[];
}

/** A local DynamoDB (dynalite, in memory) for the cross-session limits: the handlers' signed calls reach it through AWS_ENDPOINT_URL_DYNAMODB. */
export class LocalDynamoDb {
  public static async start(): Promise<LocalDynamoDb> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new LocalDynamoDb(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  private tables = 0;

  private constructor(private readonly server: Server, public readonly endpoint: string) {}

  /** Creates an empty table with the construct's schema (partition key `pk`) and returns its name. */
  public createLimitsTable(prefix = 'limits'): Promise<string> {
    return this.createTable(`${prefix}-${++this.tables}`, {
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
  }

  /** Creates an empty on-demand table with a template's key schema (and indexes) and returns its name once ACTIVE. */
  public async createTable(name: string, schema: TableSchema): Promise<string> {
    const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes } = schema;
    await this.call('CreateTable', { TableName: name, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode: 'PAY_PER_REQUEST' });
    // dynalite answers ResourceNotFound for a moment after CreateTable: wait until the table is ACTIVE.
    while (JSON.parse(await this.call('DescribeTable', { TableName: name })).Table.TableStatus !== 'ACTIVE') {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return name;
  }

  /** Every item of a table, as DynamoDB JSON. */
  public async items(tableName: string): Promise<Array<Record<string, { S?: string; N?: string }>>> {
    return JSON.parse(await this.call('Scan', { TableName: tableName })).Items;
  }

  public stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private call(operation: string, body: object): Promise<string> {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = this.endpoint;
    return callAws({
      signingName: 'dynamodb',
      ...ENDPOINTS.dynamodb,
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` },
      body: JSON.stringify(body),
      deadline: Deadline.after(5000),
      retry: false,
    });
  }
}
