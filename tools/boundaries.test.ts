import { describe, expect, it } from 'vitest';
import { checkFile } from './boundaries.ts';

const rules = (file: string, source: string) => checkFile(file, source).map((v) => v.rule);

describe('dependency rules', () => {
  it('keep platform code free of modules and flows', () => {
    expect(
      rules('apps/server/src/platform/geo/x.ts', "import { a } from '../../modules/governance/index.ts';"),
    ).toEqual(['platform-independent']);
    expect(rules('apps/server/src/platform/geo/x.ts', "export * from '../../flows/seed-demo.ts';")).toEqual([
      'platform-independent',
    ]);
    expect(rules('apps/server/src/platform/geo/x.ts', "import { b } from '../db/schema.ts';")).toEqual([]);
  });

  it('let a module reach another only through its index.ts', () => {
    const file = 'apps/server/src/modules/governance/service.ts';
    expect(rules(file, "import { x } from '../government/repository.ts';")).toEqual(['module-entry']);
    expect(rules(file, "import { x } from '../government/index.ts';")).toEqual([]);
    expect(rules(file, "import { x } from './repository.ts';")).toEqual([]);
    expect(rules(file, "const m = await import('../iot/rules.ts');")).toEqual(['module-entry']);
  });

  it('keep contracts pure', () => {
    expect(rules('packages/contracts/src/geo.ts', "import { z } from 'zod';")).toEqual([]);
    expect(rules('packages/contracts/src/geo.ts', "import { x } from '../../../apps/server/src/config.ts';")).toEqual([
      'contracts-pure',
    ]);
  });

  it('let only config.ts read the environment', () => {
    expect(rules('apps/server/src/platform/http/x.ts', 'const p = process.env.PORT;')).toEqual(['config-only-env']);
    expect(rules('apps/server/src/config.ts', 'const p = process.env.PORT;')).toEqual([]);
  });

  it('keep the web app on contracts only', () => {
    expect(rules('apps/web/src/citizen/home.tsx', "import { buildApp } from '../../../server/src/app.ts';")).toEqual([
      'web-contracts-only',
    ]);
    expect(rules('apps/web/src/citizen/home.tsx', "import { Zone } from '#contracts';")).toEqual([]);
  });
});
