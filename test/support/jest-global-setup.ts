import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LOG_CAPTURE_DIR_ENV } from './log-capture';

/**
 * Jest globalSetup: one log capture for the whole run. Workers start after this and inherit the
 * variable, so every bundled handler any test file loads writes its console lines there.
 */
export default function globalSetup(): void {
  process.env[LOG_CAPTURE_DIR_ENV] = mkdtempSync(path.join(tmpdir(), 'custom-auth-log-capture-'));
}
