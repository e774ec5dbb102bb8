import * as http from 'node:http';
import * as https from 'node:https';
import { sign } from 'aws4';
import type { Deadline } from './deadline';

/**
 * One signed call to an AWS API over a kept-alive connection: SigV4 from `aws4`, transport from
 * node:https. The handlers need one or two API calls each, so this replaces the AWS SDK clients,
 * which cost hundreds of KB and tens of milliseconds of cold start per client.
 *
 * Credentials and region come from the Lambda environment, as the SDK's would. The host follows the
 * region's partition and AWS_USE_FIPS_ENDPOINT; the SDK's AWS_ENDPOINT_URL_<SERVICE> and
 * AWS_ENDPOINT_URL variables override it, so tests point it at a local server.
 */
export interface AwsCall extends AwsEndpoint {
  /** The SigV4 signing name, e.g. `ses`. */
  readonly signingName: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The whole call, retry included, is aborted at this deadline. */
  readonly deadline: Deadline;
  /** Whether a failed try may be repeated; not for calls that may have acted before failing. */
  readonly retry: boolean;
}

/** Where a service's API is, as the SDK names it. */
export interface AwsEndpoint {
  /** The endpoint prefix of the regional host, e.g. `email` for `email.us-east-1.amazonaws.com`. */
  readonly endpointPrefix: string;
  /** The SDK's service id in endpoint variables, e.g. `SESV2` for AWS_ENDPOINT_URL_SESV2. */
  readonly endpointId: string;
}

/** The endpoints the handlers call: the host's prefix, and the SDK's id in AWS_ENDPOINT_URL_<id>. */
export const ENDPOINTS = {
  sesv2: { endpointPrefix: 'email', endpointId: 'SESV2' },
  sns: { endpointPrefix: 'sns', endpointId: 'SNS' },
  lambda: { endpointPrefix: 'lambda', endpointId: 'LAMBDA' },
  dynamodb: { endpointPrefix: 'dynamodb', endpointId: 'DYNAMODB' },
} as const;

/** A failed call, named by status and AWS error type only: AWS error messages may quote the request. */
export class AwsCallError extends Error {
  public constructor(public readonly errorType: string, public readonly status: number) {
    super(`AWS answered ${status} ${errorType}`);
    this.name = errorType;
  }
}

const agents = { 'https:': new https.Agent({ keepAlive: true }), 'http:': new http.Agent({ keepAlive: true }) };

/**
 * AWS partitions by region name, with their DNS suffixes, as in the AWS SDK's partitions data
 * (@aws-sdk/core's partitionsInfo). A region no pattern matches is taken to be in `aws`, as the SDK does.
 */
const PARTITIONS: ReadonlyArray<{ readonly id: string; readonly regions: RegExp; readonly dnsSuffix: string }> = [
  { id: 'aws-cn', regions: /^cn-\w+-\d+$/, dnsSuffix: 'amazonaws.com.cn' },
  { id: 'aws-us-gov', regions: /^us-gov-\w+-\d+$/, dnsSuffix: 'amazonaws.com' },
  { id: 'aws-iso', regions: /^us-iso-\w+-\d+$/, dnsSuffix: 'c2s.ic.gov' },
  { id: 'aws-iso-b', regions: /^us-isob-\w+-\d+$/, dnsSuffix: 'sc2s.sgov.gov' },
  { id: 'aws-iso-e', regions: /^eu-isoe-\w+-\d+$/, dnsSuffix: 'cloud.adc-e.uk' },
  { id: 'aws-iso-f', regions: /^us-isof-\w+-\d+$/, dnsSuffix: 'csp.hci.ic.gov' },
  { id: 'aws-eusc', regions: /^eusc-de-\w+-\d+$/, dnsSuffix: 'amazonaws.eu' },
  { id: 'aws', regions: /^[a-z]+-[a-z]+-\d+$/, dnsSuffix: 'amazonaws.com' },
];

/** Services whose standard endpoints in AWS GovCloud (US) are already FIPS endpoints (no `-fips` host there). */
const FIPS_BY_DEFAULT_IN_GOVCLOUD = new Set(['dynamodb', 'sns']);

/**
 * The regional host of a service, as the AWS SDK resolves it: the partition's DNS suffix, and the
 * service's FIPS endpoint (`<prefix>-fips.<region>.<suffix>`) when `useFips`.
 */
export function awsHost(endpointPrefix: string, region: string, useFips: boolean): string {
  const partition = PARTITIONS.find((candidate) => candidate.regions.test(region)) ?? PARTITIONS[PARTITIONS.length - 1];
  const fips = useFips && !(partition.id === 'aws-us-gov' && FIPS_BY_DEFAULT_IN_GOVCLOUD.has(endpointPrefix));
  return `${endpointPrefix}${fips ? '-fips' : ''}.${region}.${partition.dnsSuffix}`;
}

/** The endpoint of a service for this Lambda environment: an AWS_ENDPOINT_URL* override, else the regional host. */
export function endpointFor(endpointPrefix: string, endpointId: string, env: NodeJS.ProcessEnv = process.env): URL {
  const configured = env[`AWS_ENDPOINT_URL_${endpointId}`] ?? env.AWS_ENDPOINT_URL;
  const useFips = env.AWS_USE_FIPS_ENDPOINT?.trim().toLowerCase() === 'true';
  return new URL(configured ?? `https://${awsHost(endpointPrefix, regionOf(env), useFips)}`);
}

function regionOf(env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
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
  const region = regionOf(process.env);
  const url = endpointFor(call.endpointPrefix, call.endpointId);
  const remaining = call.deadline.remaining();
  if (remaining <= 0) {
    throw new AwsCallError('TimeoutError', 0);
  }
  const signal = AbortSignal.timeout(Math.ceil(remaining));
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

/**
 * One unsigned GET to a service's endpoint over the kept-alive connections (AWS answers it with an
 * error, which is all it is for): at cold start it opens the connection a first real call then
 * reuses, and it costs a round trip to the provider. Resolves when answered, failed or timed out;
 * never rejects.
 */
export function pingEndpoint(endpoint: AwsEndpoint, timeoutMillis: number): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      const url = endpointFor(endpoint.endpointPrefix, endpoint.endpointId);
      const transport = url.protocol === 'http:' ? http : https;
      const request = transport.get(url, { agent: agents[url.protocol as 'https:' | 'http:'], timeout: Math.max(1, timeoutMillis) }, (response) => {
        response.on('end', resolve).on('error', () => resolve()).resume();
      });
      request.on('timeout', () => request.destroy());
      request.on('error', () => resolve());
    } catch {
      resolve();
    }
  });
}
