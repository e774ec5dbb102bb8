import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsCall, AwsCallError, callAws } from '../../lambda/aws-request';

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
  host: (region) => `email.${region}.amazonaws.com`,
  path: '/v2/email/outbound-emails',
  headers: { 'content-type': 'application/json' },
  body: '{"hello":"world"}',
  deadlineMillis: 1000,
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
    await expect(callAws({ ...call, deadlineMillis: 300 })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
