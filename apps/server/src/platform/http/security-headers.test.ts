import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.ts';

async function policy(mapTiles: string | null): Promise<string> {
  const app = Fastify();
  await app.register(securityHeaders, { hsts: false, mapTiles });
  app.get('/', async () => 'ok');
  const res = await app.inject({ url: '/' });
  await app.close();
  return String(res.headers['content-security-policy']);
}

describe('content security policy', () => {
  it('lets pages load from this server only, unless a tile server is configured for maps', async () => {
    const own = await policy(null);
    expect(own).toContain("connect-src 'self';");
    expect(own).toContain("img-src 'self' data: blob:;");
    const withTiles = await policy('https://tiles.example.gov.cn/{z}/{x}/{y}.png');
    expect(withTiles).toContain("connect-src 'self' https://tiles.example.gov.cn;");
    expect(withTiles).toContain("img-src 'self' data: blob: https://tiles.example.gov.cn;");
    expect(withTiles).toContain("script-src 'self';");
  });
});
