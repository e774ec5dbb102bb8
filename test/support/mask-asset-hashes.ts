/**
 * Jest snapshot serializer: replaces 64-hex asset hashes (S3 keys, asset paths) with a fixed marker,
 * so a snapshot changes when the template's shape changes, not when a handler's bytes do.
 */
const ASSET_HASH = /[0-9a-f]{64}/g;
const MASK = '[ASSET HASH]';

module.exports = {
  test: (value: unknown): boolean => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value: string): string => JSON.stringify(value.replace(ASSET_HASH, MASK)),
};
