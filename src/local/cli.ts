import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LocalCognitoServer, type UserEntry } from './server';

const USAGE = `Usage: cdk-cognito-custom-auth local [--app cdk.out] [--port 9229] [--users users.json] [--stack NAME]

Runs the user pools of a synthesized app that have custom auth triggers as a local Cognito endpoint.
  --app     the cloud assembly directory (default: cdk.out)
  --port    the port to listen on, 0 for a free one (default: 9229)
  --host    the address to listen on (default: 127.0.0.1)
  --users   a JSON array of { "username", "password"?, "attributes"?, "stack"? } to create at start
            (in every pool, or in the pools of "stack")
  --stack   only the pools of this stack
Prints one JSON line when ready ({"endpoint", "userPools"}), then the messages it sends.`;

function readUsers(file: string | undefined): UserEntry[] {
  if (file === undefined) {
    return [];
  }
  const users: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(users) || !users.every((user) => typeof user?.username === 'string'
    && (user.stack === undefined || typeof user.stack === 'string')
    && (user.password === undefined || typeof user.password === 'string')
    && (user.attributes === undefined || (typeof user.attributes === 'object' && Object.values(user.attributes).every((v) => typeof v === 'string'))))) {
    throw new Error(`${file} must be a JSON array of { "username": string, "password"?: string, "attributes"?: { name: string }, "stack"?: string }`);
  }
  return users;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'local') {
    console.error(command === undefined || command === '--help' || command === '-h' ? USAGE : `Unknown command ${command}\n\n${USAGE}`);
    return command === '--help' || command === '-h' ? 0 : 1;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      app: { type: 'string', default: 'cdk.out' },
      port: { type: 'string', default: '9229' },
      host: { type: 'string', default: '127.0.0.1' },
      users: { type: 'string' },
      stack: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number (0 for a free one), got ${values.port}`);
  }
  // Lines printed while starting (users created) follow the JSON line, which must come first.
  const early: string[] = [];
  let print = (line: string): void => {
    early.push(line);
  };
  const server = await LocalCognitoServer.start({
    app: path.resolve(values.app!),
    port,
    host: values.host,
    users: readUsers(values.users),
    stack: values.stack,
    print: (line) => print(line),
    functionLog: (line) => console.error(line),
  });
  // Listen for Ctrl-C before announcing readiness: a program may stop it as soon as it reads the first line.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // The first line is for programs: where the endpoint is and which pools it serves.
  console.log(JSON.stringify({ endpoint: server.endpoint, userPools: server.pools }));
  for (const pool of server.pools) {
    console.log(`User pool ${pool.userPoolId} (${pool.stack}, ${pool.path}), app client ${pool.userPoolClientId}`);
    console.log(`  issuer ${server.endpoint}/${pool.userPoolId}, JWKS ${server.endpoint}/${pool.userPoolId}/.well-known/jwks.json`);
  }
  early.forEach((line) => console.log(line));
  print = (line: string) => console.log(line);
  console.log(`Messages: GET ${server.endpoint}/_local/messages. Ctrl-C stops.`);
  await stopped;
  await server.stop();
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (error: Error) => {
    console.error(`cdk-cognito-custom-auth: ${error.message}`);
    process.exitCode = 1;
  });
}
