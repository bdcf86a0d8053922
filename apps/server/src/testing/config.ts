/** Configuration for tests: quiet logs, a throw-away data directory, everything else default. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../config.ts';

/** A valid {@link Config} for tests; `overrides` are environment variables. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    ONECITY_ENV: 'test',
    ONECITY_LOG_LEVEL: 'silent',
    ONECITY_PORT: '0',
    ONECITY_DATA_DIR: mkdtempSync(join(tmpdir(), 'onecity-test-')),
    // Test files share two cores and embedded databases that block the event loop while they
    // load: a lagging loop is no overload here (overload.test.ts turns the check on).
    ONECITY_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...overrides,
  });
}
