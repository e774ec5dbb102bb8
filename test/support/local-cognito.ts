import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthResult, CognitoError, CognitoSimulator } from './cognito-simulator';

/**
 * The Cognito user pools API (AWS JSON 1.1, `X-Amz-Target: AWSCognitoIdentityProviderService.<Action>`)
 * in front of a `CognitoSimulator`, so real clients (the AWS SDK, Amplify JS) can sign in against the
 * bundled handlers. Only InitiateAuth and RespondToAuthChallenge; tokens are unsigned JWTs, which is
 * all a client decodes.
 */
export class LocalCognito {
  /** Starts the server on a free loopback port. */
  public static async start(simulator: CognitoSimulator): Promise<LocalCognito> {
    const cognito = new LocalCognito(simulator);
    await new Promise<void>((resolve) => cognito.server.listen(0, '127.0.0.1', resolve));
    cognito.endpoint = `http://127.0.0.1:${(cognito.server.address() as AddressInfo).port}`;
    return cognito;
  }

  public endpoint = '';
  /** The actions received, in order. */
  public readonly calls: string[] = [];
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));

  private constructor(private readonly simulator: CognitoSimulator) {}

  public stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    // Amplify JS runs in browsers: answer its CORS preflight like the real endpoint.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    const action = String(req.headers['x-amz-target'] ?? '').replace(/^AWSCognitoIdentityProviderService\./, '');
    this.calls.push(action);
    try {
      const request = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      let result: AuthResult;
      if (action === 'InitiateAuth') {
        result = await this.simulator.initiateAuth(request.AuthFlow, request.AuthParameters ?? {});
      } else if (action === 'RespondToAuthChallenge') {
        result = await this.simulator.respondToAuthChallenge(
          request.ChallengeName, request.Session, request.ChallengeResponses ?? {}, request.ClientMetadata);
      } else {
        throw new CognitoError('InvalidParameterException', `${action} is not simulated`);
      }
      res.writeHead(200).end(JSON.stringify(withJwts(result)));
    } catch (error) {
      const code = error instanceof CognitoError ? error.code : 'InternalErrorException';
      const message = error instanceof CognitoError ? error.message.replace(`${code}: `, '') : String(error);
      res.setHeader('x-amzn-errortype', code);
      res.writeHead(400).end(JSON.stringify({ __type: code, message }));
    }
  }
}

function withJwts(result: AuthResult): unknown {
  if (!result.AuthenticationResult) {
    return result;
  }
  const now = Math.floor(Date.now() / 1000);
  const jwt = (claims: Record<string, unknown>) => [{ alg: 'none', typ: 'JWT' }, { ...claims, iat: now, exp: now + 3600 }]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.unsigned';
  const common = { sub: 'simulated-sub', iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_SIMULATED' };
  return {
    AuthenticationResult: {
      AccessToken: jwt({ ...common, token_use: 'access', username: 'simulated-sub', client_id: 'simulatedclient' }),
      IdToken: jwt({ ...common, 'token_use': 'id', 'cognito:username': 'simulated-sub', 'aud': 'simulatedclient' }),
      RefreshToken: result.AuthenticationResult.RefreshToken,
      ExpiresIn: 3600,
      TokenType: 'Bearer',
    },
  };
}
