import { createServer, IncomingHttpHeaders, request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rememberMessageSecrets, rememberSecrets } from './log-capture';
import { LocalAwsEndpoints } from '../../src/local/aws-endpoints';

export type { ReceivedMessage } from '../../src/local/aws-endpoints';

/**
 * The local AWS endpoints of src/local/aws-endpoints.ts for in-process tests: started on free ports,
 * with `process.env` pointed at them, and every delivered code and address recorded as a secret that
 * no handler log line may contain (test/support/log-capture.ts).
 */
export class LocalAws extends LocalAwsEndpoints {
  public static async start(): Promise<LocalAws> {
    const aws = new LocalAws();
    await aws.listen();
    Object.assign(process.env, aws.environment);
    aws.onMessage((message) => {
      rememberMessageSecrets(message.to, `${message.subject ?? ''} ${message.body}`);
      rememberSecrets(...(message.channel === 'custom' ? [message.attributes.code] : []));
    });
    return aws;
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
