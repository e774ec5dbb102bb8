import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';

/**
 * The complete TypeScript examples (the blocks that `declare const stack: Stack`) of the README and of
 * the reference pages in docs/ compile against this package's source and synthesize, as a reader would
 * paste them.
 */
const ROOT = path.join(__dirname, '..');
const DOCUMENTS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

interface Example {
  readonly heading: string;
  readonly code: string;
  /** Where the example is compiled (never written to disk). */
  readonly fileName: string;
}

function examples(): Example[] {
  const found: Example[] = [];
  let heading = '';
  let code: string[] | undefined;
  for (const line of DOCUMENTS.flatMap((document) => readFileSync(path.join(ROOT, document), 'utf8').split('\n'))) {
    if (code === undefined && /^#{2,} /.test(line)) {
      heading = line.replace(/^#+ /, '');
    } else if (code === undefined && (line === '```ts' || line === '```ts nofixture')) {
      code = [];
    } else if (code !== undefined && line === '```') {
      const text = code.join('\n');
      if (text.includes('declare const stack: Stack;')) {
        found.push({ heading, code: text, fileName: path.join(ROOT, 'test', `readme-example-${found.length + 1}.ts`) });
      }
      code = undefined;
    } else if (code !== undefined) {
      code.push(line);
    }
  }
  return found;
}

const EXAMPLES = examples();

/** Compiles the examples (in memory) with the package name mapped to src/; returns the diagnostics. */
function typeCheck(): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    paths: { 'cdk-cognito-custom-auth': [path.join(ROOT, 'src', 'index.ts')] },
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const sources = new Map(EXAMPLES.map((example) => [example.fileName, example.code]));
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, ...rest) => (sources.has(fileName)
    ? ts.createSourceFile(fileName, sources.get(fileName)!, languageVersion, true)
    : getSourceFile.call(host, fileName, languageVersion, ...rest));
  host.fileExists = (fileName) => sources.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => sources.get(fileName) ?? readFile.call(host, fileName);
  const program = ts.createProgram([...sources.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file ? `${path.basename(diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

/** Runs one example in a fresh stack, the package name resolving to src/, and returns the stack's template. */
function synthesize(example: Example): Template {
  const app = new App();
  const stack = new Stack(app, 'Readme', { env: { account: '123456789012', region: 'us-east-1' } });
  const { outputText } = ts.transpileModule(example.code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  // Jest's require, so the example shares this test's module instances (aws-cdk-lib, src/).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (name: string): unknown => require(name === 'cdk-cognito-custom-auth' ? '../src' : name);
  new Function('require', 'exports', 'stack', outputText)(load, {}, stack);
  return Template.fromStack(stack);
}

describe('README and docs/ examples', () => {
  test('there are complete examples to check, including the WAF one and the one in docs/', () => {
    expect(EXAMPLES.map((example) => example.heading)).toEqual(expect.arrayContaining([
      'Passwordless, one emailed code (the smallest example)',
      'Password first, then two codes',
      'Threat protection (Plus feature plan)',
      'Attach a WAF web ACL',
      'Add custom auth to your existing pool',
      // docs/security.md
      'cdk-nag',
    ]));
  });

  test('compile without errors', () => {
    expect(typeCheck()).toEqual([]);
  }, 60_000);

  test.each(EXAMPLES.map((example) => [example.heading, example] as const))('%s: synthesizes a custom-auth user pool', (_heading, example) => {
    const template = synthesize(example);
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::Lambda::Function', 3);
  });

  test('Attach a WAF web ACL: a regional web ACL with the rate limit, associated with the user pool', () => {
    // GIVEN / WHEN
    const template = synthesize(EXAMPLES.find((example) => example.heading === 'Attach a WAF web ACL')!);

    // THEN
    const [userPoolId] = Object.keys(template.findResources('AWS::Cognito::UserPool'));
    const [webAclId] = Object.keys(template.findResources('AWS::WAFv2::WebACL'));
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([Match.objectLike({
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: 100, EvaluationWindowSec: 300, AggregateKeyType: 'IP' } },
      })]),
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { 'Fn::GetAtt': [userPoolId, 'Arn'] },
      WebACLArn: { 'Fn::GetAtt': [webAclId, 'Arn'] },
    });
  });

  test('Add custom auth to your existing pool: the pool keeps its settings and gets the triggers, two hardened clients and a sign-up client', () => {
    const template = synthesize(EXAMPLES.find((example) => example.heading === 'Add custom auth to your existing pool')!);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AliasAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      LambdaConfig: { DefineAuthChallenge: Match.anyValue(), CreateAuthChallenge: Match.anyValue(), VerifyAuthChallengeResponse: Match.anyValue() },
    });
    expect(Object.values(template.findResources('AWS::Cognito::UserPoolClient')).map((client) => client.Properties.ExplicitAuthFlows))
      .toEqual([['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], ['ALLOW_REFRESH_TOKEN_AUTH']]);
  });

  test('Threat protection: Plus plan, custom auth protected', () => {
    const template = synthesize(EXAMPLES.find((example) => example.heading === 'Threat protection (Plus feature plan)')!);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityAdditionalFlows: { CustomAuthMode: 'ENFORCED' } },
    });
  });
});
