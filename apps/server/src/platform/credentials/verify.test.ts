import { describe, expect, it } from 'vitest';
import { keySet, rewritePayload, tamper, testCredential, testKey, testRevocationList } from './test-support.ts';
import { maskHolderName } from './texts.ts';
import { verifyCredential, verifyRevocationList } from './verify.ts';

const NOW = new Date('2026-06-01T08:00:00Z');

describe('verifyCredential (offline, pure)', () => {
  it('accepts a credential signed by a key of the set, and reads its content', async () => {
    const key = await testKey();
    const { id, jws } = await testCredential(key);
    const result = await verifyCredential(jws, { keys: keySet(key), now: NOW });
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(result.revocationChecked).toBe(false);
    expect(result.credential).toMatchObject({
      id,
      kid: key.signing.kid,
      type: { code: 'business-licence', name: { zh: '营业执照', en: 'Business licence' } },
      holder: { kind: 'citizen', name: '张三明', identifier: '440106199001011234' },
      claims: { shopName: '岭南面馆', seats: 40 },
      issuer: { cityId: 'lingnan', department: { code: 'market-regulation' } },
      validFrom: '2026-01-01T00:00:00.000Z',
      validUntil: '2031-01-01T00:00:00.000Z',
    });
    expect(result.credential.payload).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: `urn:uuid:${id}`,
      type: ['VerifiableCredential', 'OneCityCertificate'],
      jti: id,
      credentialStatus: { statusPurpose: 'revocation' },
    });
  });

  it('says bad_signature for a changed payload, header or signature', async () => {
    const key = await testKey();
    const { jws } = await testCredential(key);
    const longer = rewritePayload(jws, (p) => {
      p.validUntil = '2099-01-01T00:00:00.000Z';
    });
    for (const changed of [longer, tamper(jws, 1), tamper(jws, 2)]) {
      const result = await verifyCredential(changed, { keys: keySet(key), now: NOW });
      expect(result).toMatchObject({ valid: false, reason: 'bad_signature' });
    }
    // A changed header no longer names the key or no longer parses: never valid.
    const header = await verifyCredential(tamper(jws, 0), { keys: keySet(key), now: NOW });
    expect(header.valid).toBe(false);
  });

  it('says unknown_key when the key is not in the set (another city’s, or withdrawn)', async () => {
    const key = await testKey();
    const other = await testKey('nanwan');
    const { jws } = await testCredential(key);
    expect(await verifyCredential(jws, { keys: keySet(other), now: NOW })).toMatchObject({
      valid: false,
      reason: 'unknown_key',
    });
    expect(await verifyCredential(jws, { keys: { keys: [] }, now: NOW })).toMatchObject({ reason: 'unknown_key' });
  });

  it('says revoked, with the reason, when the signed list names it — even if it has expired too', async () => {
    const key = await testKey();
    const { id, jws } = await testCredential(key, { validUntil: new Date('2026-03-01T00:00:00Z') });
    const list = await testRevocationList(key, [{ id, revokedAt: '2026-02-01T00:00:00.000Z', reason: 'superseded' }]);
    const result = await verifyCredential(jws, { keys: keySet(key), revocations: list, now: NOW });
    expect(result).toMatchObject({
      valid: false,
      reason: 'revoked',
      revocation: { id, reason: 'superseded', revokedAt: '2026-02-01T00:00:00.000Z' },
      credential: { id },
    });
  });

  it('checks against a list that does not name it and says when the list was signed', async () => {
    const key = await testKey();
    const { jws } = await testCredential(key);
    const list = await testRevocationList(key, [
      { id: '0192f000-0000-7000-8000-000000000001', revokedAt: '2026-02-01T00:00:00.000Z', reason: 'other' },
    ]);
    const result = await verifyCredential(jws, { keys: keySet(key), revocations: list, now: NOW });
    expect(result).toMatchObject({
      valid: true,
      revocationChecked: true,
      revocationListIssuedAt: '2026-06-01T00:00:00.000Z',
    });
  });

  it('refuses a forged or foreign revocation list rather than trust it', async () => {
    const key = await testKey();
    const forger = await testKey();
    const other = await testKey('nanwan');
    const { jws } = await testCredential(key);
    const forged = await testRevocationList(forger, []);
    const foreign = await testRevocationList(other, []);
    const edited = tamper(await testRevocationList(key, []), 1);
    for (const revocations of [forged, edited, jws]) {
      expect(await verifyCredential(jws, { keys: keySet(key), revocations, now: NOW })).toMatchObject({
        valid: false,
        reason: 'revocation_list_invalid',
      });
    }
    // Both keys trusted, but the list is another city's: it cannot vouch for this credential.
    expect(await verifyCredential(jws, { keys: keySet(key, other), revocations: foreign, now: NOW })).toMatchObject({
      reason: 'revocation_list_invalid',
    });
  });

  it('says expired after validUntil and not_yet_valid before validFrom', async () => {
    const key = await testKey();
    const { jws } = await testCredential(key, {
      validFrom: new Date('2026-01-01T00:00:00Z'),
      validUntil: new Date('2026-06-01T08:00:00Z'),
    });
    expect(await verifyCredential(jws, { keys: keySet(key), now: NOW })).toMatchObject({ reason: 'expired' });
    expect(await verifyCredential(jws, { keys: keySet(key), now: new Date('2026-06-01T07:59:59Z') })).toMatchObject({
      valid: true,
    });
    expect(await verifyCredential(jws, { keys: keySet(key), now: new Date('2025-12-31T23:59:59Z') })).toMatchObject({
      reason: 'not_yet_valid',
    });
    const forever = await testCredential(key, { validUntil: null });
    expect(
      await verifyCredential(forever.jws, { keys: keySet(key), now: new Date('2090-01-01T00:00:00Z') }),
    ).toMatchObject({ valid: true, credential: { validUntil: null } });
  });

  it('says malformed for anything that is not one of the city’s signed credentials', async () => {
    const key = await testKey();
    const list = await testRevocationList(key, []);
    for (const input of [
      '',
      'not a jws',
      'a.b',
      'a.b.c',
      `${'x'.repeat(10)}.${'y'.repeat(10)}.${'z'.repeat(10)}`,
      list,
    ]) {
      expect(await verifyCredential(input, { keys: keySet(key), now: NOW })).toMatchObject({
        valid: false,
        reason: 'malformed',
      });
    }
    expect(await verifyCredential(123 as unknown as string, { keys: keySet(key), now: NOW })).toMatchObject({
      reason: 'malformed',
    });
  });

  it('reads a signed revocation list', async () => {
    const key = await testKey();
    const list = await testRevocationList(key, [
      { id: '0192f000-0000-7000-8000-000000000001', revokedAt: '2026-02-01T00:00:00.000Z', reason: 'cancelled' },
    ]);
    expect(await verifyRevocationList(list, keySet(key))).toMatchObject({
      cityId: 'lingnan',
      kid: key.signing.kid,
      revoked: [{ reason: 'cancelled' }],
    });
    await expect(verifyRevocationList(list, { keys: [] })).rejects.toThrow(/not in the key set/);
  });
});

describe('maskHolderName', () => {
  it('shows only the first and last character of a Chinese name and initials of a Latin one', () => {
    expect(maskHolderName('citizen', '张三明')).toBe('张*明');
    expect(maskHolderName('citizen', '李四')).toBe('李*');
    expect(maskHolderName('citizen', '欧阳小明')).toBe('欧**明');
    expect(maskHolderName('citizen', '王')).toBe('*');
    expect(maskHolderName('citizen', 'John Smith')).toBe('J*** S****');
    expect(maskHolderName('enterprise', '岭南面馆有限公司')).toBe('岭南面馆有限公司');
  });
});
