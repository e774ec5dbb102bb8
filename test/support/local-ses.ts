import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rememberSecrets } from './log-capture';

/** One message as the SESv2 SendEmail API received it. */
export interface ReceivedEmail {
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  readonly body: string;
}

/**
 * A local stand-in for the SESv2 endpoint: the handlers' real AWS SDK calls reach it through
 * AWS_ENDPOINT_URL_SESV2. It records each SendEmail and can be told to fail or to answer slowly.
 */
export class LocalSes {
  /** Starts the server on a free loopback port and points the AWS SDK at it. */
  public static async start(): Promise<LocalSes> {
    const ses = new LocalSes();
    await new Promise<void>((resolve) => ses.server.listen(0, '127.0.0.1', resolve));
    const { port } = ses.server.address() as AddressInfo;
    ses.endpoint = `http://127.0.0.1:${port}`;
    Object.assign(process.env, ses.environment);
    return ses;
  }

  public endpoint = '';

  /** What a handler's environment needs for its SDK calls to reach this server (as Lambda would provide). */
  public get environment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_SESV2: this.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
      AWS_SECRET_ACCESS_KEY: 'local-test-secret',
      // This machine runs Node 20; Lambda runs the bundle on Node 22, where the SDK prints nothing.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }
  public readonly received: ReceivedEmail[] = [];
  /** HTTP status to answer with instead of success, e.g. 400 for MessageRejected. */
  public failWithStatus: number | undefined;
  /** Milliseconds to wait before answering. */
  public delayMillis = 0;
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));

  /** The code in the most recent message to `to` (the only run of digits in the default template). */
  public lastCodeSentTo(to: string): string {
    const message = [...this.received].reverse().find((email) => email.to.includes(to));
    const code = message?.body.match(/\d{6,10}/)?.[0];
    if (!code) {
      throw new Error(`no code was sent to ${to}`);
    }
    return code;
  }

  public reset(): void {
    this.received.length = 0;
    this.failWithStatus = undefined;
    this.delayMillis = 0;
  }

  public stop(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    if (this.delayMillis > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.delayMillis));
    }
    res.setHeader('content-type', 'application/json');
    if (req.method !== 'POST' || req.url !== '/v2/email/outbound-emails') {
      res.writeHead(404).end(JSON.stringify({ message: 'not found' }));
      return;
    }
    if (this.failWithStatus !== undefined) {
      res.setHeader('x-amzn-errortype', 'MessageRejected');
      res.writeHead(this.failWithStatus).end(JSON.stringify({ message: 'Email address is not verified.' }));
      return;
    }
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    this.received.push({
      from: request.FromEmailAddress,
      to: request.Destination?.ToAddresses ?? [],
      subject: request.Content?.Simple?.Subject?.Data,
      body: request.Content?.Simple?.Body?.Text?.Data,
    });
    const email = this.received[this.received.length - 1];
    // What was delivered must never show up in a handler's log line (test/support/log-capture.ts).
    rememberSecrets(...email.to, ...`${email.subject} ${email.body}`.match(/[0-9]{6,}/g) ?? []);
    res.writeHead(200).end(JSON.stringify({ MessageId: `local-${this.received.length}` }));
  }
}
