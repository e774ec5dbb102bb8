/**
 * Reads the Create function's CODE_DELIVERY variable from a synthesized template: a JSON string, or,
 * when a prop was a token, an Fn::Join around it. Tokens come back as their CloudFormation objects
 * (e.g. `{ Ref: 'From' }`) where they stand in the JSON.
 */
export function codeDeliveryOf(environment: Record<string, unknown>): any {
  const value = environment.CODE_DELIVERY;
  if (typeof value === 'string') {
    return JSON.parse(value);
  }
  const parts: unknown[] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const tokens: unknown[] = [];
  const json = parts.map((part) => (typeof part === 'string' ? part : `__TOKEN_${tokens.push(part) - 1}__`)).join('');
  return JSON.parse(json, (_key, item) => {
    const match = typeof item === 'string' ? /^__TOKEN_(\d+)__$/.exec(item) : null;
    return match ? tokens[Number(match[1])] : item;
  });
}
