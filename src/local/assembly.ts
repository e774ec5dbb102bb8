import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Reads a synthesized cloud assembly (cdk.out) and finds the user pools to run locally: every
 * AWS::Cognito::UserPool whose LambdaConfig wires the three custom auth triggers to functions of the
 * same template, with their app clients, and each function as it would deploy (handler, code asset,
 * timeout, memory, environment variables as the template writes them).
 */

/** A CloudFormation resource as the template writes it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

/** One Lambda function of the template, ready to run from its asset. */
export interface FunctionSpec {
  readonly logicalId: string;
  readonly functionName: string;
  /** The directory the asset unpacks to (the staged asset in cdk.out). */
  readonly codeDirectory: string;
  /** `file.export`, e.g. `index.handler`. */
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMegabytes: number;
  /** The variables as the template writes them: strings or intrinsic functions to resolve. */
  readonly environment: Record<string, unknown>;
}

/** One app client of a pool. */
export interface ClientSpec {
  readonly logicalId: string;
  readonly properties: Record<string, any>;
}

/** The three custom auth triggers. */
export const TRIGGERS = { define: 'DefineAuthChallenge', create: 'CreateAuthChallenge', verify: 'VerifyAuthChallengeResponse' } as const;
export type TriggerName = keyof typeof TRIGGERS;

/** A user pool with custom auth triggers, in one stack. */
export interface PoolSpec {
  readonly stack: string;
  /** The construct path of the pool, e.g. `App/Auth/UserPool`. */
  readonly path: string;
  readonly account: string;
  readonly region: string;
  readonly logicalId: string;
  readonly properties: Record<string, any>;
  /** Its app clients, those that allow custom auth first. */
  readonly clients: ClientSpec[];
  readonly triggers: Record<TriggerName, FunctionSpec>;
  /** Every resource of the stack, to resolve the functions' environment variables. */
  readonly resources: Record<string, TemplateResource>;
}

/** Construct path to its metadata entries (`aws:cdk:logicalId`, ...). */
type ArtifactMetadata = Record<string, Array<{ type: string; data: unknown }>>;

interface Artifact {
  readonly type: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: Record<string, any>;
  readonly metadata?: ArtifactMetadata;
  /** Where newer aws-cdk-lib (2.27x) writes the metadata instead, relative to the assembly. */
  readonly additionalMetadataFile?: string;
}

interface Manifest {
  readonly artifacts?: Record<string, Artifact>;
}

/** Reads every stack of the assembly in `directory` (nested assemblies, e.g. stages, included). */
export function readPools(directory: string): PoolSpec[] {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new Error(`${directory} is not a cloud assembly (no manifest.json): run \`cdk synth\` first, or pass --app <cdk.out directory>`);
  }
  const manifest: Manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const pools: PoolSpec[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly') {
      pools.push(...readPools(path.join(directory, artifact.properties?.directoryName)));
    } else if (artifact.type === 'aws:cloudformation:stack') {
      pools.push(...stackPools(directory, id, artifact, manifest));
    }
  }
  return pools;
}

function stackPools(directory: string, artifactId: string, artifact: Artifact, manifest: Manifest): PoolSpec[] {
  const template = JSON.parse(readFileSync(path.join(directory, artifact.properties?.templateFile), 'utf8'));
  const resources: Record<string, TemplateResource> = template.Resources ?? {};
  const stack = artifact.displayName ?? artifactId;
  const [, account = 'unknown-account', region = 'unknown-region'] = /^aws:\/\/([^/]*)\/(.*)$/.exec(artifact.environment ?? '') ?? [];
  const paths = new Map<string, string>();
  for (const [constructPath, entries] of Object.entries(stackMetadata(directory, artifact))) {
    for (const entry of entries) {
      if (entry.type === 'aws:cdk:logicalId') {
        paths.set(String(entry.data), constructPath);
      }
    }
  }
  const assetFiles = assetManifestFiles(directory, artifactId, manifest);
  const pools: PoolSpec[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const lambdaConfig = resource.Type === 'AWS::Cognito::UserPool' ? resource.Properties?.LambdaConfig ?? {} : {};
    const functionIds = Object.fromEntries(Object.entries(TRIGGERS).map(([name, key]) => [name, functionRef(lambdaConfig[key])]));
    if (!Object.values(functionIds).every((id) => id !== undefined && resources[id]?.Type === 'AWS::Lambda::Function')) {
      continue;
    }
    const functionSpec = (id: string) => functionOf(id, resources[id], stack, directory, assetFiles);
    pools.push({
      stack,
      path: (paths.get(logicalId) ?? logicalId).replace(/^\//, '').replace(/\/Resource$/, ''),
      account: /^\d{12}$/.test(account) ? account : '123456789012',
      region: /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? region : 'us-east-1',
      logicalId,
      properties: resource.Properties ?? {},
      clients: Object.entries(resources)
        .filter(([, other]) => other.Type === 'AWS::Cognito::UserPoolClient' && other.Properties?.UserPoolId?.Ref === logicalId)
        .map(([clientId, client]) => ({ logicalId: clientId, properties: client.Properties ?? {} }))
        // Clients that allow custom auth first: the construct's own, whatever the template order.
        .sort((a, b) => Number(allowsCustomAuth(b)) - Number(allowsCustomAuth(a))),
      triggers: {
        define: functionSpec(functionIds.define!),
        create: functionSpec(functionIds.create!),
        verify: functionSpec(functionIds.verify!),
      },
      resources,
    });
  }
  return pools;
}

/** The stack's metadata: in the manifest, or (newer aws-cdk-lib) in the file `additionalMetadataFile` names, or both. */
function stackMetadata(directory: string, artifact: Artifact): ArtifactMetadata {
  const file = artifact.additionalMetadataFile;
  const fromFile = file === undefined ? {} : JSON.parse(readFileSync(path.join(directory, file), 'utf8'));
  return { ...artifact.metadata, ...fromFile };
}

function allowsCustomAuth(client: ClientSpec): boolean {
  const flows: unknown = client.properties.ExplicitAuthFlows;
  return !Array.isArray(flows) || flows.includes('ALLOW_CUSTOM_AUTH') || flows.includes('CUSTOM_AUTH_FLOW_ONLY');
}

/** The logical id a trigger ARN refers to: `{ "Fn::GetAtt": [id, "Arn"] }`. */
function functionRef(value: any): string | undefined {
  const getAtt = value?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[1] === 'Arn' ? String(getAtt[0]) : undefined;
}

/** The staged files of the stack's asset manifest, by asset hash. */
type AssetFiles = Record<string, { source: { path: string; packaging?: string } }>;

function assetManifestFiles(directory: string, stackId: string, manifest: Manifest): AssetFiles {
  const assetArtifact = Object.values(manifest.artifacts ?? {}).find((artifact) =>
    artifact.type === 'cdk:asset-manifest' && artifact.properties?.file === `${stackId}.assets.json`);
  const file = path.join(directory, assetArtifact?.properties?.file ?? `${stackId}.assets.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).files ?? {} : {};
}

/** A function's name: its FunctionName, or a stand-in from its stack and logical id when CloudFormation would generate one. */
export function functionNameOf(stack: string, logicalId: string, resource: TemplateResource | undefined): string {
  const name = resource?.Properties?.FunctionName;
  return typeof name === 'string' ? name : `${stack}-${logicalId}`;
}

function functionOf(logicalId: string, resource: TemplateResource, stack: string, directory: string,
  assetFiles: AssetFiles): FunctionSpec {
  const properties = resource.Properties ?? {};
  // The default synthesizer names the S3 object <hash>.zip; the asset manifest says where <hash> is staged.
  const hash = String(properties.Code?.S3Key ?? '').replace(/\.zip$/, '');
  const asset = assetFiles[hash];
  if (!asset || asset.source.packaging === 'file') {
    throw new Error(`${stack}/${logicalId}: its code is not a directory asset of this cloud assembly (inline code and `
      + 'legacy-synthesizer assets cannot run locally); synthesize with the default stack synthesizer');
  }
  return {
    logicalId,
    functionName: functionNameOf(stack, logicalId, resource),
    codeDirectory: path.join(directory, asset.source.path),
    handler: String(properties.Handler ?? 'index.handler'),
    timeoutSeconds: Number(properties.Timeout ?? 3),
    memoryMegabytes: Number(properties.MemorySize ?? 128),
    environment: properties.Environment?.Variables ?? {},
  };
}

/** What a `Ref` or `Fn::GetAtt` of a logical id resolves to locally, or undefined if nothing runs it here. */
export type ResourceResolver = (logicalId: string, attribute?: string) => string | undefined;

/**
 * Resolves a template value (a string, `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, the
 * pseudo parameters) to a string. Throws, naming the reference, for what has no local counterpart.
 */
export function resolveValue(value: unknown, pool: Pick<PoolSpec, 'account' | 'region'>, resources: ResourceResolver): string {
  const pseudo: Record<string, string> = {
    'AWS::Region': pool.region,
    'AWS::AccountId': pool.account,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'local',
    // A stand-in with the shape of a stack ARN (the handlers use it as a per-deployment salt).
    'AWS::StackId': `arn:aws:cloudformation:${pool.region}:${pool.account}:stack/local/00000000-0000-4000-8000-000000000000`,
  };
  const ref = (name: string, attribute?: string): string => {
    const resolved = attribute === undefined && name in pseudo ? pseudo[name] : resources(name, attribute);
    if (resolved === undefined) {
      throw new Error(`${attribute ? `Fn::GetAtt ${name}.${attribute}` : `Ref ${name}`} has no local counterpart`);
    }
    return resolved;
  };
  const resolve = (v: unknown): string => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      return String(v);
    }
    const object = (v ?? {}) as Record<string, any>;
    if ('Ref' in object) {
      return ref(object.Ref);
    }
    if ('Fn::GetAtt' in object) {
      const [id, attribute] = Array.isArray(object['Fn::GetAtt']) ? object['Fn::GetAtt'] : String(object['Fn::GetAtt']).split('.');
      return ref(id, attribute);
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'];
      return (parts as unknown[]).map(resolve).join(separator);
    }
    if ('Fn::Select' in object) {
      const [index, list] = object['Fn::Select'];
      return resolve((list as unknown[])[Number(index)]);
    }
    if ('Fn::Sub' in object) {
      const [text, variables = {}] = Array.isArray(object['Fn::Sub']) ? object['Fn::Sub'] : [object['Fn::Sub']];
      return String(text).replace(/\$\{([^}]+)\}/g, (_, name: string) => name in variables ? resolve(variables[name])
        : name.includes('.') ? ref(name.split('.')[0], name.split('.').slice(1).join('.')) : ref(name));
    }
    throw new Error(`${JSON.stringify(v)} cannot be resolved locally`);
  };
  return resolve(value);
}

/** A stable id for local resources: the same app gets the same ids on every start. */
export function stableId(seed: string, alphabet: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  return Array.from(digest.subarray(0, length), (byte) => alphabet[byte % alphabet.length]).join('');
}
