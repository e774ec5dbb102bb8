import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { CodeDelivery, CustomAuthUserPool } from '../../src';
import { readPools, resolveValue } from '../../src/local/assembly';

describe('readPools', () => {
  test('finds each pool by its LambdaConfig triggers, with its clients, functions, assets and environment', () => {
    // GIVEN an app with a custom auth pool and a plain pool
    const outdir = mkdtempSync(path.join(tmpdir(), 'assembly-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Stack', { env: { account: '111122223333', region: 'eu-west-2' } });
    new CustomAuthUserPool(stack, 'Auth', { delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }) });
    new cognito.UserPool(stack, 'Plain');
    app.synth();

    // WHEN
    const pools = readPools(outdir);

    // THEN
    expect(pools).toHaveLength(1);
    const [pool] = pools;
    expect(pool).toMatchObject({ stack: 'Stack', path: 'Stack/Auth/UserPool', account: '111122223333', region: 'eu-west-2' });
    expect(pool.clients).toHaveLength(1);
    expect(pool.triggers.create).toMatchObject({
      handler: 'index.handler',
      timeoutSeconds: 5,
      memoryMegabytes: 256,
      environment: { BUDGET_TABLE: { Ref: expect.stringMatching(/^AuthLimitsTable/) } },
    });
    expect(pool.triggers.create.codeDirectory).toMatch(new RegExp(`^${outdir}/asset\\.[0-9a-f]{64}\\.lambda$`));
  });

  test('reads construct paths from the metadata file newer aws-cdk-lib writes (additionalMetadataFile), so ids do not change with it', () => {
    // GIVEN an assembly as aws-cdk-lib 2.276 writes it: the stack's metadata moved out of manifest.json into Stack.metadata.json
    const outdir = mkdtempSync(path.join(tmpdir(), 'assembly-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Stack', { env: { account: '111122223333', region: 'eu-west-2' } });
    new CustomAuthUserPool(stack, 'Auth', { delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }) });
    app.synth();
    const inManifest = readPools(outdir);
    const manifestFile = path.join(outdir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    const artifact = manifest.artifacts.Stack;
    writeFileSync(path.join(outdir, 'Stack.metadata.json'), JSON.stringify(artifact.metadata));
    delete artifact.metadata;
    artifact.additionalMetadataFile = 'Stack.metadata.json';
    writeFileSync(manifestFile, JSON.stringify(manifest));

    // WHEN
    const [pool] = readPools(outdir);

    // THEN the construct path, not the logical ID: pool and client ids are derived from it
    expect(pool.path).toBe('Stack/Auth/UserPool');
    expect(pool.path).toBe(inManifest[0].path);
  });

  test('a directory without manifest.json is refused with what to do', () => {
    expect(() => readPools(tmpdir())).toThrow(/is not a cloud assembly \(no manifest\.json\): run `cdk synth` first, or pass --app/);
  });
});

describe('resolveValue', () => {
  const pool = { account: '111122223333', region: 'eu-west-2' };
  const resources = (id: string, attribute?: string) => (id === 'Table' && !attribute ? 'local-table' : id === 'Fn' && attribute === 'Arn' ? 'arn:fn' : undefined);

  test.each([
    ['text', 'text'],
    [3, '3'],
    [{ Ref: 'Table' }, 'local-table'],
    [{ 'Fn::GetAtt': ['Fn', 'Arn'] }, 'arn:fn'],
    [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }]] }, 'arn:aws:eu-west-2:111122223333'],
    [{ 'Fn::Sub': '${Table}/${Fn.Arn}/${AWS::Region}' }, 'local-table/arn:fn/eu-west-2'],
    [{ 'Fn::Sub': ['${X}-${Table}', { X: 'x' }] }, 'x-local-table'],
    [{ 'Fn::Select': [1, ['a', { Ref: 'Table' }]] }, 'local-table'],
    // the limits table's key salt (BUDGET_SALT) is the stack's ID
    [{ Ref: 'AWS::StackId' }, 'arn:aws:cloudformation:eu-west-2:111122223333:stack/local/00000000-0000-4000-8000-000000000000'],
  ])('%j resolves to %s', (value, expected) => {
    expect(resolveValue(value, pool, resources)).toBe(expected);
  });

  test('a reference with no local counterpart is named', () => {
    expect(() => resolveValue({ 'Fn::GetAtt': ['Queue', 'Arn'] }, pool, resources)).toThrow('Fn::GetAtt Queue.Arn has no local counterpart');
    expect(() => resolveValue({ Ref: 'Secret' }, pool, resources)).toThrow('Ref Secret has no local counterpart');
    expect(() => resolveValue({ 'Fn::ImportValue': 'x' }, pool, resources)).toThrow(/cannot be resolved locally/);
  });
});
