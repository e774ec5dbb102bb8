import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps } from '../src';
import { defaultRuntime, isNewestKnownNodeRuntime } from '../src/private/runtime';

function templateWith(props: Partial<CustomAuthUserPoolProps> = {}): Template {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  new CustomAuthUserPool(stack, 'Auth', { delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }), ...props });
  return Template.fromStack(stack);
}

const runtimesOf = (template: Template): string[] =>
  Object.values(template.findResources('AWS::Lambda::Function')).map((fn) => fn.Properties.Runtime);

// Each `new lambda.Runtime()` joins Runtime.ALL, the list cdk-nag's L1 reads: restore it after each test.
const RUNTIMES_BEFORE = [...lambda.Runtime.ALL];
afterEach(() => lambda.Runtime.ALL.splice(0, lambda.Runtime.ALL.length, ...RUNTIMES_BEFORE));

describe('CustomAuthUserPool runtime', () => {
  test('by default: nodejs22.x with aws-cdk-lib 2.200 (the floor, this build), which has no NODEJS_24_X', () => {
    expect((lambda.Runtime as unknown as Record<string, unknown>).NODEJS_24_X).toBeUndefined();
    expect(runtimesOf(templateWith())).toEqual(['nodejs22.x', 'nodejs22.x', 'nodejs22.x']);
  });

  test('by default: nodejs24.x when the app\'s aws-cdk-lib has Runtime.NODEJS_24_X (as 2.276 does)', () => {
    const nodejs24 = new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS);
    expect(defaultRuntime({ NODEJS_24_X: nodejs24 })).toBe(nodejs24);
    expect(defaultRuntime({}).name).toBe('nodejs22.x');
  });

  test('runtime chooses the runtime of all three functions', () => {
    const nodejs24 = new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS);
    expect(runtimesOf(templateWith({ runtime: nodejs24 }))).toEqual(['nodejs24.x', 'nodejs24.x', 'nodejs24.x']);
    expect(runtimesOf(templateWith({ runtime: lambda.Runtime.NODEJS_22_X }))).toEqual(['nodejs22.x', 'nodejs22.x', 'nodejs22.x']);
  });

  test.each([
    ['nodejs20.x', lambda.Runtime.NODEJS_20_X],
    ['python3.12', lambda.Runtime.PYTHON_3_12],
    ['nodejs', new lambda.Runtime('nodejs', lambda.RuntimeFamily.NODEJS)],
  ])('rejects %s: the bundles need Node.js 22 or later', (name, runtime) => {
    expect(() => templateWith({ runtime })).toThrow(`runtime must be a Node.js runtime from nodejs22.x on (nodejs22.x and nodejs24.x are tested), got ${name}.`);
  });

  test('accepts a later Node.js runtime than the tested ones (the bundles target node22)', () => {
    expect(runtimesOf(templateWith({ runtime: new lambda.Runtime('nodejs26.x', lambda.RuntimeFamily.NODEJS) }))).toContain('nodejs26.x');
  });

  test('isNewestKnownNodeRuntime follows aws-cdk-lib\'s Runtime.ALL, as cdk-nag\'s L1 does', () => {
    expect(isNewestKnownNodeRuntime(lambda.Runtime.NODEJS_22_X)).toBe(true);
    expect(isNewestKnownNodeRuntime(lambda.Runtime.NODEJS_20_X)).toBe(false);
    new lambda.Runtime('nodejs98.x', lambda.RuntimeFamily.NODEJS);
    expect(isNewestKnownNodeRuntime(lambda.Runtime.NODEJS_22_X)).toBe(false);
  });
});
