import { App, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps } from '../src';

function templateWith(props: Partial<CustomAuthUserPoolProps> = {}): Template {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  new CustomAuthUserPool(stack, 'Auth', { delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }), ...props });
  return Template.fromStack(stack);
}

describe('CustomAuthUserPool threat protection', () => {
  test('is off by default: Lite plan, no add-ons', () => {
    // GIVEN / WHEN
    const template = templateWith();

    // THEN
    template.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'LITE', UserPoolAddOns: Match.absent() });
  });

  test.each([
    [cognito.CustomThreatProtectionMode.FULL_FUNCTION, 'ENFORCED'],
    [cognito.CustomThreatProtectionMode.AUDIT_ONLY, 'AUDIT'],
  ])('threatProtection %s protects the custom auth flow and selects the Plus plan', (threatProtection, mode) => {
    // GIVEN / WHEN
    const template = templateWith({ threatProtection });

    // THEN
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: {
        AdvancedSecurityAdditionalFlows: { CustomAuthMode: mode },
        // Standard flows are not enabled on the app client; their protection stays off.
        AdvancedSecurityMode: 'OFF',
      },
    });
  });

  test('threatProtection with an explicit PLUS plan', () => {
    // GIVEN / WHEN
    const template = templateWith({ featurePlan: cognito.FeaturePlan.PLUS, threatProtection: cognito.CustomThreatProtectionMode.FULL_FUNCTION });

    // THEN
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityAdditionalFlows: { CustomAuthMode: 'ENFORCED' } },
    });
  });

  test('the Plus plan alone turns no threat protection on', () => {
    // GIVEN / WHEN
    const template = templateWith({ featurePlan: cognito.FeaturePlan.PLUS });

    // THEN
    template.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'PLUS', UserPoolAddOns: Match.absent() });
  });

  test.each([
    [cognito.FeaturePlan.LITE, 'FeaturePlan.LITE'],
    [cognito.FeaturePlan.ESSENTIALS, 'FeaturePlan.ESSENTIALS'],
  ])('threatProtection with featurePlan %s fails at synth, naming the prop, the values and the fix', (featurePlan, name) => {
    // WHEN / THEN
    expect(() => templateWith({ featurePlan, threatProtection: cognito.CustomThreatProtectionMode.AUDIT_ONLY })).toThrow(
      `threatProtection requires featurePlan FeaturePlan.PLUS, got featurePlan ${name} with threatProtection CustomThreatProtectionMode.AUDIT_ONLY. `
      + 'Set featurePlan to cognito.FeaturePlan.PLUS or omit it (threatProtection then selects PLUS), or remove threatProtection.',
    );
  });

  test('a token featurePlan with threatProtection fails at synth (the plan must be known to be PLUS)', () => {
    // GIVEN
    const featurePlan = Token.asString({ Ref: 'Plan' }) as cognito.FeaturePlan;

    // WHEN / THEN
    expect(() => templateWith({ featurePlan, threatProtection: cognito.CustomThreatProtectionMode.FULL_FUNCTION }))
      .toThrow(/^threatProtection requires featurePlan FeaturePlan.PLUS, got featurePlan a token with threatProtection CustomThreatProtectionMode.FULL_FUNCTION/);
  });

  test('the message names a plan that is not a FeaturePlan member, and a token mode, as they are', () => {
    // GIVEN
    const featurePlan = 'Gold' as cognito.FeaturePlan;
    const threatProtection = Token.asString({ Ref: 'Mode' }) as cognito.CustomThreatProtectionMode;

    // WHEN / THEN
    expect(() => templateWith({ featurePlan, threatProtection }))
      .toThrow(/^threatProtection requires featurePlan FeaturePlan.PLUS, got featurePlan "Gold" with threatProtection a token\. /);
  });

  test('a token threatProtection passes through, with the Plus plan', () => {
    // GIVEN
    const threatProtection = Token.asString({ Ref: 'Mode' }) as cognito.CustomThreatProtectionMode;

    // WHEN
    const template = templateWith({ threatProtection });

    // THEN
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityAdditionalFlows: { CustomAuthMode: { Ref: 'Mode' } } },
    });
  });

  test('a token featurePlan without threatProtection passes through', () => {
    // GIVEN
    const featurePlan = Token.asString({ Ref: 'Plan' }) as cognito.FeaturePlan;

    // WHEN / THEN
    expect(() => templateWith({ featurePlan })).not.toThrow();
    templateWith({ featurePlan }).hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: { Ref: 'Plan' } });
  });

  test('snapshot: Plus plan with threat protection enforced on the custom flow', () => {
    // GIVEN / WHEN
    const template = templateWith({ threatProtection: cognito.CustomThreatProtectionMode.FULL_FUNCTION });

    // THEN
    expect(template.toJSON()).toMatchSnapshot();
  });
});
