import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('defaults to embedded PGlite under ./data on port 3000', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: 'pglite', dataDir: expect.stringMatching(/\/data\/pglite$/) });
    expect(config.http.port).toBe(3000);
    expect(config.http.publicUrl).toBe('http://localhost:3000');
    expect(config.nats).toBeNull();
    expect(config.defaultLocale).toBe('zh-CN');
    expect(config.timeZone).toBe('Asia/Shanghai');
  });

  it('uses PostgreSQL and NATS when their URLs are set', () => {
    const config = loadConfig({
      ONECITY_DATABASE_URL: 'postgres://app@db:5432/onecity',
      ONECITY_NATS_URL: 'nats://nats:4222',
      ONECITY_DATABASE_POOL_SIZE: '20',
    });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://app@db:5432/onecity', poolSize: 20 });
    expect(config.nats).toEqual({ url: 'nats://nats:4222' });
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({
        ONECITY_PORT: 'eighty',
        ONECITY_DATABASE_URL: 'mysql://x',
        ONECITY_TIME_ZONE: 'Mars/Olympus',
        ONECITY_ROLE: 'boss',
        ONECITY_TRUST_PROXY: 'maybe',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    for (const key of [
      'ONECITY_PORT',
      'ONECITY_DATABASE_URL',
      'ONECITY_TIME_ZONE',
      'ONECITY_ROLE',
      'ONECITY_TRUST_PROXY',
    ]) {
      expect(problems.some((p) => p.startsWith(`${key}:`))).toBe(true);
    }
    expect((error as Error).message).toContain('ONECITY_PORT');
  });

  it('never repeats a URL (which may hold a password) in a problem', () => {
    expect(() => loadConfig({ ONECITY_DATABASE_URL: 'mysql://root:hunter2@db/x' })).toThrow(ConfigError);
    try {
      loadConfig({ ONECITY_DATABASE_URL: 'mysql://root:hunter2@db/x' });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });

  it('lets command-line overrides win over the environment', () => {
    expect(loadConfig({ ONECITY_PORT: '3000' }, { ONECITY_PORT: '4000', ONECITY_ROLE: undefined }).http.port).toBe(
      4000,
    );
  });

  it('ignores variables that are not its own and empty values', () => {
    expect(loadConfig({ PORT: 'x', ONECITY_PORT: '' }).http.port).toBe(3000);
  });

  it('draws maps offline unless a tile server is configured, and checks its URL template', () => {
    expect(loadConfig({}).map).toEqual({ tiles: null, attribution: null });
    const tiles = 'https://tiles.example.gov.cn/{z}/{x}/{y}.png';
    expect(loadConfig({ ONECITY_MAP_TILES: tiles, ONECITY_MAP_ATTRIBUTION: '© City survey' }).map).toEqual({
      tiles,
      attribution: '© City survey',
    });
    for (const bad of ['https://tiles.example.gov.cn/{z}/{x}.png', 'http://tiles.example.gov.cn/{z}/{x}/{y}.png']) {
      expect(() => loadConfig({ ONECITY_MAP_TILES: bad }), bad).toThrow(/ONECITY_MAP_TILES/);
    }
  });
});
