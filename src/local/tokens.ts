import { generateKeyPairSync, KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT, type JWK } from 'jose';

/** Who a set of tokens is for. */
export interface TokenSubject {
  readonly sub: string;
  readonly username: string;
  readonly clientId: string;
  readonly attributes: Record<string, string>;
  /** Seconds since the epoch of the sign-in these tokens descend from. */
  readonly authTime: number;
  /** The jti of that sign-in's refresh token: refreshed and revoked tokens share it. */
  readonly originJti: string;
}

/** Claims of a verified access token. */
export interface AccessClaims {
  readonly sub: string;
  readonly username: string;
  readonly client_id: string;
  readonly origin_jti: string;
}

/** Token lifetimes in seconds (the app client's settings). */
export interface TokenValidity {
  readonly idToken: number;
  readonly accessToken: number;
}

/**
 * One user pool's signing key (RS256, generated at start) and its tokens, with Cognito's claims; the
 * JWKS that verifies them is `jwks()`, served at `{issuer}/.well-known/jwks.json`.
 */
export class TokenSigner {
  /** A new 2048-bit RSA key pair for `issuer`. */
  public static create(issuer: string): TokenSigner {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = randomBytes(16).toString('base64url');
    return new TokenSigner(issuer, kid, privateKey, publicKey, { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' });
  }

  private constructor(
    public readonly issuer: string,
    private readonly kid: string,
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
    private readonly publicJwk: JWK,
  ) {}

  public jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** The ID and access tokens of one sign-in or refresh, issued at `now` (seconds). */
  public async issue(subject: TokenSubject, now: number, validity: TokenValidity): Promise<{ idToken: string; accessToken: string }> {
    const common = { sub: subject.sub, auth_time: subject.authTime, origin_jti: subject.originJti, event_id: randomUUID() };
    const idToken = await this.sign({
      ...subject.attributes,
      ...common,
      'aud': subject.clientId,
      'token_use': 'id',
      'cognito:username': subject.username,
    }, now, validity.idToken);
    const accessToken = await this.sign({
      ...common,
      client_id: subject.clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      username: subject.username,
    }, now, validity.accessToken);
    return { idToken, accessToken };
  }

  /** The claims of an access token this pool signed and that has not expired at `now`, or undefined. */
  public async verifyAccessToken(token: string, now: number): Promise<AccessClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { issuer: this.issuer, algorithms: ['RS256'], currentDate: new Date(now * 1000) });
      return payload.token_use === 'access' ? payload as unknown as AccessClaims : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(claims: Record<string, unknown>, now: number, lifetime: number): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .setIssuer(this.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }
}
