import * as http from 'node:http';
import * as https from 'node:https';
import { sign } from 'aws4';

/**
 * One signed call to an AWS API over a kept-alive connection: SigV4 from `aws4`, transport from
 * node:https. The handlers need one or two API calls each, so this replaces the AWS SDK clients,
 * which cost hundreds of KB and tens of milliseconds of cold start per client.
 *
 * Credentials and region come from the Lambda environment, as the SDK's would. The endpoint honours
 * the SDK's AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL variables, so tests point it at a local server.
 */
export interface AwsCall {
  /** The SigV4 signing name, e.g. `ses`. */
  readonly signingName: string;
  /** The SDK's service id in endpoint variables, e.g. `SESV2` for AWS_ENDPOINT_URL_SESV2. */
  readonly endpointId: string;
  /** The regional host, e.g. `email.us-east-1.amazonaws.com`. */
  readonly host: (region: string) => string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The whole call, retry included, fails after this many milliseconds. */
  readonly deadlineMillis: number;
  /** Whether a failed try may be repeated; not for calls that may have acted before failing. */
  readonly retry: boolean;
}

/** A failed call, named by status and AWS error type only: AWS error messages may quote the request. */
export class AwsCallError extends Error {
  public constructor(public readonly errorType: string, public readonly status: number) {
    super(`AWS answered ${status} ${errorType}`);
    this.name = errorType;
  }
}

const agents = { 'https:': new https.Agent({ keepAlive: true }), 'http:': new http.Agent({ keepAlive: true }) };

function endpointFor(call: AwsCall, region: string): URL {
  const configured = process.env[`AWS_ENDPOINT_URL_${call.endpointId}`] ?? process.env.AWS_ENDPOINT_URL;
  return new URL(configured ?? `https://${call.host(region)}`);
}

function send(url: URL, options: https.RequestOptions, body: string, signal: AbortSignal): Promise<{ status: number; type: string; text: string }> {
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { ...options, agent: agents[url.protocol as 'https:' | 'http:'], signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        // REST-JSON APIs name the error in a header, Query APIs (SNS) in the XML body, JSON-1.0 APIs
        // (DynamoDB) in the body's __type; Lambda flags a failed invocation with X-Amz-Function-Error on a 200.
        const functionError = response.headers['x-amz-function-error'] !== undefined;
        const type = String(response.headers['x-amzn-errortype'] ?? '').split(':')[0]
          || /<Code>(\w+)<\/Code>/.exec(text)?.[1] || /"__type":"(?:[^"#]*#)?(\w+)"/.exec(text)?.[1] || '';
        resolve({ status: response.statusCode ?? 0, type: functionError ? 'FunctionError' : type, text });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

const MAX_TRIES = 2;

/** Sends the call; tries again once after a network error, throttling or a 5xx while the deadline allows. */
export async function callAws(call: AwsCall): Promise<string> {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const url = endpointFor(call, region);
  const signal = AbortSignal.timeout(call.deadlineMillis);
  for (let attempt = 1; ; attempt++) {
    const signed = sign({
      host: url.host,
      path: call.path,
      method: 'POST',
      service: call.signingName,
      region,
      headers: { ...call.headers },
      body: call.body,
    });
    let error: AwsCallError;
    try {
      const response = await send(url, { method: 'POST', path: call.path, headers: signed.headers as http.OutgoingHttpHeaders }, call.body, signal);
      if (response.status >= 200 && response.status < 300 && response.type !== 'FunctionError') {
        return response.text;
      }
      error = new AwsCallError(response.type || 'UnknownError', response.status);
    } catch {
      error = new AwsCallError(signal.aborted ? 'TimeoutError' : 'NetworkError', 0);
    }
    // A function that failed may have sent its message: never invoke it twice.
    const retryable = call.retry && error.errorType !== 'FunctionError'
      && (error.status === 0 || error.status >= 500 || error.status === 429
        || /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded/.test(error.errorType));
    if (!retryable || attempt >= MAX_TRIES || signal.aborted) {
      throw error;
    }
  }
}
