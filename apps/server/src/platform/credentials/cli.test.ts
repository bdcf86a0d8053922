import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { jwsFromText } from './cli.ts';
import { keySet, tamper, testCredential, testKey, testRevocationList } from './test-support.ts';

const CLI = fileURLToPath(new URL('../../cli/onecity.ts', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ONECITY_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('onecity credentials verify', () => {
  let dir: string;
  const file = (name: string) => join(dir, name);
  const dates = { validFrom: new Date('2000-01-01T00:00:00Z'), validUntil: new Date('2999-01-01T00:00:00Z') };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onecity-credentials-cli-'));
    const key = await testKey();
    const stranger = await testKey();
    const good = await testCredential(key, dates);
    const revoked = await testCredential(key, dates);
    const list = await testRevocationList(key, [
      { id: revoked.id, revokedAt: '2026-02-01T00:00:00.000Z', reason: 'holder_request' },
    ]);
    await writeFile(file('jwks.json'), JSON.stringify(keySet(key)));
    // As the revocation list route answers it, and as the wallet answers a credential.
    await writeFile(file('revocations.json'), JSON.stringify({ cityId: 'lingnan', jws: list }));
    await writeFile(file('good.jwt'), `${good.jws}\n`);
    await writeFile(file('good.json'), JSON.stringify({ id: good.id, jws: good.jws }));
    await writeFile(file('revoked.jwt'), revoked.jws);
    await writeFile(file('tampered.jwt'), tamper(good.jws, 1));
    await writeFile(file('stranger.jwt'), (await testCredential(stranger, dates)).jws);
  });

  it('says VALID (exit 0) for a good credential, with revocations checked against the signed list', async () => {
    const [withList, withoutList, fromJson] = await Promise.all([
      run([
        'credentials',
        'verify',
        file('good.jwt'),
        '--keys',
        file('jwks.json'),
        '--revocations',
        file('revocations.json'),
      ]),
      run(['credentials', 'verify', file('good.jwt'), '--keys', file('jwks.json')]),
      run(['credentials', 'verify', file('good.json'), '--keys', file('jwks.json')]),
    ]);
    expect(withList.code, withList.err).toBe(0);
    expect(withList.out).toMatch(/^VALID/);
    expect(withList.out).toContain('营业执照 / Business licence');
    expect(withList.out).toContain('张*明');
    expect(withList.out).not.toContain('张三明');
    expect(withList.out).not.toContain('440106199001011234');
    expect(withList.out).toContain('not revoked');
    expect(withoutList.code).toBe(0);
    expect(withoutList.out).toContain('NOT checked');
    expect(fromJson.code).toBe(0);
  });

  it('exits 1 and says why for a revoked, tampered or unknown-key credential', async () => {
    const [revoked, tampered, unknown] = await Promise.all([
      run([
        'credentials',
        'verify',
        file('revoked.jwt'),
        '--keys',
        file('jwks.json'),
        '--revocations',
        file('revocations.json'),
      ]),
      run(['credentials', 'verify', file('tampered.jwt'), '--keys', file('jwks.json')]),
      run(['credentials', 'verify', file('stranger.jwt'), '--keys', file('jwks.json')]),
    ]);
    expect(revoked.code).toBe(1);
    expect(revoked.out).toMatch(/^INVALID \(revoked\): revoked on 2026-02-01T00:00:00.000Z \(holder_request\)/);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toMatch(/^INVALID \(bad_signature\)/);
    expect(unknown.code).toBe(1);
    expect(unknown.out).toMatch(/^INVALID \(unknown_key\)/);
  });

  it('explains a usage mistake', async () => {
    const [noKeys, missing] = await Promise.all([
      run(['credentials', 'verify', file('good.jwt')]),
      run(['credentials', 'verify', file('nope.jwt'), '--keys', file('jwks.json')]),
    ]);
    expect(noKeys.code).toBe(1);
    expect(noKeys.err).toContain('usage: onecity credentials verify');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read the credential file');
  });

  it('takes the JWS from JSON that carries it', () => {
    expect(jwsFromText('{"jws":"a.b.c"}')).toBe('a.b.c');
    expect(jwsFromText('{"credential":" a.b.c "}')).toBe('a.b.c');
    expect(jwsFromText('a.b.c')).toBe('a.b.c');
    expect(jwsFromText('{not json')).toBe('{not json');
  });
});
