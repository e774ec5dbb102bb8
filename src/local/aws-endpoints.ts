import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalDynamoDb } from './dynamodb';

/** One message as an AWS API received it: SESv2 SendEmail, SNS Publish, or a Lambda Invoke of a custom sender. */
export interface ReceivedMessage {
  readonly channel: 'email' | 'sms' | 'custom';
  readonly from?: string;
  readonly to: string[];
  readonly subject?: string;
  /** The email body, the SMS text, or the custom sender's event as JSON. */
  readonly body: string;
  /** SNS message attributes, or the custom sender's event fields. */
  readonly attributes: Record<string, unknown>;
  /** When it was received (ISO 8601). */
  readonly at: string;
}

/**
 * A local stand-in for the AWS endpoints the handlers call: SESv2 SendEmail, SNS Publish and Lambda
 * Invoke (a custom sender), with a real DynamoDB (dynalite) beside it. The handlers' real signed
 * requests reach it through AWS_ENDPOINT_URL_SESV2, _SNS, _LAMBDA and _DYNAMODB. It records each
 * message, tells its listeners, and can be told to fail or to answer slowly.
 */
export class LocalAwsEndpoints {
  public endpoint = '';
  /** A real DynamoDB (dynalite) for the cross-session limits table. */
  public dynamodb!: LocalDynamoDb;

  public readonly received: ReceivedMessage[] = [];
  /** Every request that reached an API, failed or not, by channel: to count retries. */
  public readonly requests: Array<ReceivedMessage['channel']> = [];
  /** HTTP status to answer with instead of success, e.g. 400 for MessageRejected. */
  public failWithStatus: number | undefined;
  /** Makes the custom sender function fail (X-Amz-Function-Error), as a thrown error in it would. */
  public customSenderFails = false;
  /** Milliseconds to wait before answering. */
  public delayMillis = 0;
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));
  private readonly listeners: Array<(message: ReceivedMessage) => void> = [];

  /** Starts the server and DynamoDB on free loopback ports. */
  public async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.endpoint = `http://127.0.0.1:${port}`;
    this.dynamodb = await LocalDynamoDb.start();
  }

  /** What a handler's environment needs for its SDK calls to reach this server (as Lambda would provide). */
  public get environment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_SESV2: this.endpoint,
      AWS_ENDPOINT_URL_SNS: this.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: this.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamodb.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
      AWS_SECRET_ACCESS_KEY: 'local-test-secret',
      // This machine runs Node 20; Lambda runs the bundle on Node 22, where the SDK prints nothing.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }

  /** Calls `listener` with each message received from now on. */
  public onMessage(listener: (message: ReceivedMessage) => void): void {
    this.listeners.push(listener);
  }

  /** The code in the most recent message to `to` (the only run of 6 to 10 digits in the default templates). */
  public lastCodeSentTo(to: string): string {
    const message = [...this.received].reverse().find((received) => received.to.includes(to));
    const code = message?.channel === 'custom' ? String(message.attributes.code) : message?.body.match(/\d{6,10}/)?.[0];
    if (!code) {
      throw new Error(`no code was sent to ${to}`);
    }
    return code;
  }

  public reset(): void {
    this.received.length = 0;
    this.requests.length = 0;
    this.failWithStatus = undefined;
    this.customSenderFails = false;
    this.delayMillis = 0;
  }

  public async stop(): Promise<void> {
    await this.dynamodb.stop();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    if (this.delayMillis > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.delayMillis));
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const api = req.method !== 'POST' ? undefined
      : req.url === '/v2/email/outbound-emails' ? 'email'
        : req.url === '/' ? 'sms'
          : /^\/2015-03-31\/functions\/[^/]+\/invocations$/.test(req.url ?? '') ? 'custom' : undefined;
    if (api === undefined) {
      res.writeHead(404).end('{"message":"not found"}');
      return;
    }
    this.requests.push(api);
    if (this.failWithStatus !== undefined) {
      const errorType = api === 'email' ? 'MessageRejected' : api === 'sms' ? 'InvalidParameter' : 'ServiceException';
      res.setHeader('x-amzn-errortype', errorType);
      res.writeHead(this.failWithStatus).end(`{"message":"${errorType}: +15555550100 alice@example.com"}`);
      return;
    }
    if (api === 'email') {
      const request = JSON.parse(text);
      this.record({
        channel: 'email',
        from: request.FromEmailAddress,
        to: request.Destination?.ToAddresses ?? [],
        subject: request.Content?.Simple?.Subject?.Data,
        body: request.Content?.Simple?.Body?.Text?.Data,
        attributes: {},
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"MessageId":"local-${this.received.length}"}`);
    } else if (api === 'sms') {
      const form = new URLSearchParams(text);
      const attributes: Record<string, unknown> = {};
      for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
        attributes[form.get(`MessageAttributes.entry.${i}.Name`)!] = form.get(`MessageAttributes.entry.${i}.Value.StringValue`);
      }
      this.record({ channel: 'sms', to: [form.get('PhoneNumber') ?? ''], body: form.get('Message') ?? '', attributes });
      res.writeHead(200, { 'content-type': 'text/xml' })
        .end(`<PublishResponse><PublishResult><MessageId>local-${this.received.length}</MessageId></PublishResult></PublishResponse>`);
    } else {
      const event = JSON.parse(text);
      if (this.customSenderFails) {
        res.writeHead(200, { 'x-amz-function-error': 'Unhandled' }).end('{"errorType":"Error","errorMessage":"provider down"}');
        return;
      }
      this.record({ channel: 'custom', to: [event.destination], body: text, attributes: event });
      res.writeHead(200, { 'content-type': 'application/json' }).end('null');
    }
  }

  /** Records a message (also those Cognito sends itself, such as sign-up codes) and tells the listeners. */
  public record(received: Omit<ReceivedMessage, 'at'>): void {
    const message = { ...received, at: new Date().toISOString() };
    this.received.push(message);
    this.listeners.forEach((listener) => listener(message));
  }
}
