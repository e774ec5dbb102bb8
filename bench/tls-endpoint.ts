import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

/**
 * A local SESv2 endpoint over TLS, so a first send pays what a real one does on the client side:
 * loading TLS, building the CA store, the handshake. Its certificate (RSA 2048, as AWS endpoints
 * use) is made for the run with `openssl`; without `openssl` there is no TLS endpoint and the
 * benchmark says so.
 */
export class LocalTlsSes {
  public static async start(workdir: string): Promise<LocalTlsSes | undefined> {
    const key = path.join(workdir, 'tls-key.pem');
    const cert = path.join(workdir, 'tls-cert.pem');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    } catch {
      return undefined;
    }
    const endpoint = new LocalTlsSes(readFileSync(key), readFileSync(cert));
    await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
    return endpoint;
  }

  /** SendEmail requests answered. */
  public sends = 0;
  private readonly server: Server;

  private constructor(key: Buffer, cert: Buffer) {
    this.server = createServer({ key, cert }, (req, res) => {
      req.resume();
      req.on('end', () => {
        const ok = req.method === 'POST' && req.url === '/v2/email/outbound-emails';
        this.sends += ok ? 1 : 0;
        res.setHeader('content-type', 'application/json');
        res.writeHead(ok ? 200 : 404).end(JSON.stringify(ok ? { MessageId: `local-tls-${this.sends}` } : { message: 'not found' }));
      });
    });
  }

  public get endpoint(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}
