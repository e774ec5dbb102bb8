import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsCall, AwsCallError, awsHost, callAws, endpointFor } from '../../lambda/aws-request';
import { Deadline } from '../../lambda/deadline';

/** A local endpoint that answers each request with the next scripted reply and records what it got. */
let server: Server;
let replies: Array<{ status: number; errorType?: string; delayMillis?: number; headers?: Record<string, string>; body?: string }> = [];
const received: Array<{ url?: string; headers: IncomingMessage['headers']; body: string }> = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({ url: req.url, headers: req.headers, body });
    const reply = replies.shift() ?? { status: 200 };
    // (Unref'd: a reply the client gave up on must not keep Jest waiting after the last test.)
    if (reply.delayMillis) await new Promise((resolve) => setTimeout(resolve, reply.delayMillis).unref());
    if (reply.errorType) res.setHeader('x-amzn-errortype', `${reply.errorType}:http://internal.amazon.com/coral/`);
    res.writeHead(reply.status, reply.headers)
      .end(reply.body ?? (reply.status === 200 ? '{"MessageId":"m-1"}' : '{"message":"alice@example.com is not verified"}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_TESTSVC: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'session-token',
  });
});
afterAll(() => new Promise((resolve) => {
  server.closeAllConnections();
  server.close(resolve);
}));
beforeEach(() => {
  replies = [];
  received.length = 0;
});

const call: AwsCall = {
  signingName: 'ses',
  endpointId: 'TESTSVC',
  endpointPrefix: 'email',
  path: '/v2/email/outbound-emails',
  headers: { 'content-type': 'application/json' },
  body: '{"hello":"world"}',
  // A getter: each use (and each spread, `{ ...call }`) gets a deadline 1 s from then.
  get deadline() {
    return Deadline.after(1000);
  },
  retry: true,
};

describe('callAws', () => {
  test('signs the request with SigV4 for the service and region, and returns the body', async () => {
    // WHEN
    const text = await callAws(call);

    // THEN
    expect(text).toBe('{"MessageId":"m-1"}');
    expect(received).toHaveLength(1);
    expect(received[0].url).toBe('/v2/email/outbound-emails');
    expect(received[0].body).toBe('{"hello":"world"}');
    expect(received[0].headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ses\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
    expect(received[0].headers['x-amz-security-token']).toBe('session-token');
  });

  test.each([
    [500, undefined],
    [429, undefined],
    [400, 'ThrottlingException'],
  ])('tries again once after %i %s', async (status, errorType) => {
    replies = [{ status, errorType }, { status: 200 }];

    await expect(callAws(call)).resolves.toBe('{"MessageId":"m-1"}');
    expect(received).toHaveLength(2);
  });

  test('never tries twice a call that may have acted (retry: false)', async () => {
    replies = [{ status: 500 }, { status: 200 }];

    await expect(callAws({ ...call, retry: false })).rejects.toMatchObject({ status: 500 });
    expect(received).toHaveLength(1);
  });

  test('gives up after two failed tries', async () => {
    replies = [{ status: 503 }, { status: 503 }, { status: 200 }];

    await expect(callAws(call)).rejects.toMatchObject({ name: 'UnknownError', status: 503 });
    expect(received).toHaveLength(2);
  });

  test('does not retry a client error, and names it by type without the AWS message', async () => {
    replies = [{ status: 400, errorType: 'MessageRejected' }];

    const failure = await callAws(call).catch((error: AwsCallError) => error);

    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ name: 'MessageRejected', status: 400, message: 'AWS answered 400 MessageRejected' });
    expect(received).toHaveLength(1);
  });

  test('names a Query API error (SNS) by the Code in its XML body, without the message', async () => {
    replies = [{
      status: 400,
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code>'
        + '<Message>Invalid parameter: PhoneNumber +15555550100</Message></Error></ErrorResponse>',
    }];

    const failure = await callAws(call).catch((error: AwsCallError) => error);

    expect(failure).toMatchObject({ name: 'InvalidParameter', status: 400, message: 'AWS answered 400 InvalidParameter' });
    expect(String(failure)).not.toContain('+15555550100');
    expect(received).toHaveLength(1);
  });

  test('names a JSON 1.0 API error (DynamoDB) by the __type in its body, without the message', async () => {
    replies = [{
      status: 400,
      body: '{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}',
    }];

    const failure = await callAws(call).catch((error: AwsCallError) => error);

    expect(failure).toMatchObject({ name: 'ConditionalCheckFailedException', status: 400 });
    expect(String(failure)).not.toContain('conditional request');
    expect(received).toHaveLength(1);
  });

  test('retries a throttled Query API call named in its XML body', async () => {
    replies = [{ status: 400, body: '<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>' }, { status: 200 }];

    await expect(callAws(call)).resolves.toBe('{"MessageId":"m-1"}');
    expect(received).toHaveLength(2);
  });

  test.each([200, 500, 502])('fails a Lambda invocation flagged X-Amz-Function-Error (status %i) with FunctionError, and never invokes it again', async (status) => {
    // GIVEN a function that threw (it may have sent its message before it did)
    replies = [
      { status, headers: { 'x-amz-function-error': 'Unhandled' }, body: '{"errorType":"Error","errorMessage":"alice@example.com"}' },
      { status: 200 },
    ];

    // WHEN
    const failure = await callAws(call).catch((error: AwsCallError) => error);

    // THEN
    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ name: 'FunctionError', errorType: 'FunctionError', status });
    expect(String(failure)).not.toContain('alice@example.com');
    expect(received).toHaveLength(1);
  });

  test('fails with TimeoutError at the deadline, however slow the endpoint', async () => {
    replies = [{ status: 200, delayMillis: 3000 }];

    const started = performance.now();
    await expect(callAws({ ...call, deadline: Deadline.after(300) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('a deadline already passed fails with TimeoutError before any request', async () => {
    await expect(callAws({ ...call, deadline: Deadline.after(0, performance.now() - 1) })).rejects.toMatchObject({ name: 'TimeoutError', status: 0 });
    expect(received).toHaveLength(0);
  });

  test('a retry does not outlive the deadline: the second try is aborted with the first', async () => {
    // GIVEN a first try that fails after 200 ms and a second that would answer after 3 s
    replies = [{ status: 500, delayMillis: 200 }, { status: 200, delayMillis: 3000 }];

    // WHEN
    const started = performance.now();
    const failure = await callAws({ ...call, deadline: Deadline.after(600) }).catch((error: AwsCallError) => error);

    // THEN both tries ran, and the call ended at the deadline, not 3 s later
    expect(failure).toMatchObject({ name: 'TimeoutError' });
    expect(received).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(2500);
  });
});

describe('awsHost', () => {
  test.each([
    // partition aws
    ['email', 'us-east-1', false, 'email.us-east-1.amazonaws.com'],
    ['email', 'eu-west-1', true, 'email-fips.eu-west-1.amazonaws.com'],
    ['dynamodb', 'ap-southeast-2', false, 'dynamodb.ap-southeast-2.amazonaws.com'],
    ['dynamodb', 'us-east-1', true, 'dynamodb-fips.us-east-1.amazonaws.com'],
    ['sns', 'ca-central-1', true, 'sns-fips.ca-central-1.amazonaws.com'],
    ['lambda', 'us-west-2', true, 'lambda-fips.us-west-2.amazonaws.com'],
    // aws-cn
    ['email', 'cn-north-1', false, 'email.cn-north-1.amazonaws.com.cn'],
    ['dynamodb', 'cn-northwest-1', false, 'dynamodb.cn-northwest-1.amazonaws.com.cn'],
    ['sns', 'cn-north-1', false, 'sns.cn-north-1.amazonaws.com.cn'],
    ['lambda', 'cn-northwest-1', true, 'lambda-fips.cn-northwest-1.amazonaws.com.cn'],
    // aws-us-gov: DynamoDB's and SNS's standard endpoints are their FIPS endpoints there
    ['email', 'us-gov-west-1', false, 'email.us-gov-west-1.amazonaws.com'],
    ['email', 'us-gov-west-1', true, 'email-fips.us-gov-west-1.amazonaws.com'],
    ['lambda', 'us-gov-east-1', true, 'lambda-fips.us-gov-east-1.amazonaws.com'],
    ['dynamodb', 'us-gov-west-1', true, 'dynamodb.us-gov-west-1.amazonaws.com'],
    ['sns', 'us-gov-east-1', true, 'sns.us-gov-east-1.amazonaws.com'],
    // ISO partitions and the European Sovereign Cloud
    ['dynamodb', 'us-iso-east-1', false, 'dynamodb.us-iso-east-1.c2s.ic.gov'],
    ['lambda', 'us-isob-east-1', false, 'lambda.us-isob-east-1.sc2s.sgov.gov'],
    ['sns', 'eu-isoe-west-1', false, 'sns.eu-isoe-west-1.cloud.adc-e.uk'],
    ['email', 'us-isof-south-1', false, 'email.us-isof-south-1.csp.hci.ic.gov'],
    ['dynamodb', 'eusc-de-east-1', false, 'dynamodb.eusc-de-east-1.amazonaws.eu'],
    // a region no partition names yet: aws, as the SDK does
    ['email', 'xx-future-9', false, 'email.xx-future-9.amazonaws.com'],
  ])('%s in %s (FIPS %s): %s', (prefix, region, fips, host) => {
    expect(awsHost(prefix, region, fips)).toBe(host);
  });
});

describe('endpointFor', () => {
  test.each<[string, Record<string, string>, string]>([
    ['the regional host', { AWS_REGION: 'cn-north-1' }, 'https://email.cn-north-1.amazonaws.com.cn/'],
    ['AWS_DEFAULT_REGION without AWS_REGION', { AWS_DEFAULT_REGION: 'eu-central-1' }, 'https://email.eu-central-1.amazonaws.com/'],
    ['FIPS when AWS_USE_FIPS_ENDPOINT=true', { AWS_REGION: 'us-east-2', AWS_USE_FIPS_ENDPOINT: 'true' }, 'https://email-fips.us-east-2.amazonaws.com/'],
    ['FIPS spelled TRUE', { AWS_REGION: 'us-east-2', AWS_USE_FIPS_ENDPOINT: 'TRUE' }, 'https://email-fips.us-east-2.amazonaws.com/'],
    ['no FIPS when AWS_USE_FIPS_ENDPOINT=false', { AWS_REGION: 'us-east-2', AWS_USE_FIPS_ENDPOINT: 'false' }, 'https://email.us-east-2.amazonaws.com/'],
    ['the service override first', {
      AWS_REGION: 'cn-north-1', AWS_USE_FIPS_ENDPOINT: 'true', AWS_ENDPOINT_URL_SESV2: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL: 'http://other:1',
    }, 'http://127.0.0.1:4566/'],
    ['then the global override', { AWS_REGION: 'cn-north-1', AWS_ENDPOINT_URL: 'https://proxy.example:8443' }, 'https://proxy.example:8443/'],
  ])('%s', (_name, env, url) => {
    expect(endpointFor('email', 'SESV2', env).href).toBe(url);
  });
});
