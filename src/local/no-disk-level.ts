/**
 * Replaces the `level` package (LevelDB on disk, a native module) in the bundled command: dynalite
 * loads it only for a `path` option, and the local endpoint keeps DynamoDB in memory (memory-level).
 */
export class Level {
  public constructor() {
    throw new Error('dynalite on disk is not bundled: the local endpoint keeps DynamoDB in memory');
  }
}
