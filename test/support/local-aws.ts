import { createServer, IncomingHttpHeaders, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalDynamoDb } from './local-dynamodb';
import { rememberSecrets } from './log-capture';

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
}

/**
 * A local stand-in for the AWS endpoints the handlers call: SESv2 SendEmail, SNS Publish and Lambda
 * Invoke (a custom sender). The handlers' real signed requests reach it through AWS_ENDPOINT_URL_SESV2,
 * _SNS and _LAMBDA. It records each message and can be told to fail or to answer slowly.
 */
export class LocalAws {
  /** Starts the server on a free loopback port and points the AWS SDK at it. */
  public static async start(): Promise<LocalAws> {
    const ses = new LocalAws();
    await new Promise<void>((resolve) => ses.server.listen(0, '127.0.0.1', resolve));
    const { port } = ses.server.address() as AddressInfo;
    ses.endpoint = `http://127.0.0.1:${port}`;
    ses.dynamodb = await LocalDynamoDb.start();
    Object.assign(process.env, ses.environment);
    return ses;
  }

  public endpoint = '';
  /** A real DynamoDB (dynalite) for the cross-session limits table. */
  public dynamodb!: LocalDynamoDb;

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

  private record(message: ReceivedMessage): void {
    this.received.push(message);
    // What was delivered must never show up in a handler's log line (test/support/log-capture.ts).
    rememberSecrets(...message.to, ...`${message.subject ?? ''} ${message.body}`.match(/[0-9]{6,}/g) ?? [],
      ...(message.channel === 'custom' ? [message.attributes.code] : []));
  }
}

/**
 * One LocalAws for a test file: started before its tests, reset before each, stopped after all.
 * Returns the accessor to call inside tests.
 */
export function localAwsForTestFile(): () => LocalAws {
  let local: LocalAws | undefined;
  beforeAll(async () => {
    local = await LocalAws.start();
  });
  afterAll(() => local?.stop());
  beforeEach(() => local?.reset());
  return () => local!;
}

/** One request a handler made, as a RecordingProxy saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A transparent proxy in front of a local endpoint (LocalAws records accepted messages only) that
 * records every request, failed, retried and warm-up ones included, and can answer `delayMillis` late.
 */
export class RecordingProxy {
  public static async start(target: () => string): Promise<RecordingProxy> {
    const proxy = new RecordingProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.endpoint = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  public endpoint = '';
  public readonly seen: SeenRequest[] = [];
  /** Milliseconds to wait before forwarding each request. */
  public delayMillis = 0;
  private readonly server: Server;

  private constructor(target: () => string) {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) {
        chunks.push(chunk as Buffer);
      }
      const body = Buffer.concat(chunks);
      this.seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: body.toString('utf8') });
      if (this.delayMillis > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.delayMillis).unref());
      }
      // The handler may have given up (deadline) before the answer comes: then there is nobody to answer.
      res.on('error', () => undefined);
      const upstream = httpRequest(`${target()}${req.url}`, { method: req.method, headers: req.headers, agent: false }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  }

  /** The paths of the API calls (POST), in order; the cold start's warm-up GETs are left out. */
  public paths(): string[] {
    return this.apiCalls().map((seen) => seen.path);
  }

  /** The API calls (POST), in order. */
  public apiCalls(): SeenRequest[] {
    return this.seen.filter((seen) => seen.method === 'POST');
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
