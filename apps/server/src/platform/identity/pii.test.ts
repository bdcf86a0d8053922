import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import {
  createPiiVault,
  isValidNationalId,
  isValidUscc,
  maskEmail,
  maskNationalId,
  maskPhone,
  normaliseEmail,
  normalisePhone,
} from './pii.ts';

const k1 = Buffer.alloc(32, 1).toString('base64');
const k2 = Buffer.alloc(32, 2).toString('base64');

describe('personal data vault', () => {
  it('encrypts so that the clear value is nowhere in the ciphertext, and decrypts it back', () => {
    const vault = createPiiVault(loadConfig({}).secrets);
    const stored = vault.encrypt('44010619900101123X');
    expect(stored).not.toContain('44010619900101123X');
    expect(stored).not.toBe(vault.encrypt('44010619900101123X'));
    expect(vault.decrypt(stored)).toBe('44010619900101123X');
  });

  it('keeps decrypting with an old key after rotation, and knows which values to re-encrypt', () => {
    const before = createPiiVault(loadConfig({ ONECITY_PII_KEYS: `k1:${k1}` }).secrets);
    const old = before.encrypt('13800138000');
    const after = createPiiVault(loadConfig({ ONECITY_PII_KEYS: `k2:${k2},k1:${k1}` }).secrets);
    expect(after.decrypt(old)).toBe('13800138000');
    expect(after.isStale(old)).toBe(true);
    expect(after.isStale(after.encrypt('13800138000'))).toBe(false);
    const without = createPiiVault(loadConfig({ ONECITY_PII_KEYS: `k2:${k2}` }).secrets);
    expect(() => without.decrypt(old)).toThrow(/unknown key "k1"/);
  });

  it('detects a tampered ciphertext', () => {
    const vault = createPiiVault(loadConfig({}).secrets);
    const stored = vault.encrypt('13800138000');
    const flipped = `${stored.slice(0, -2)}${stored.at(-2) === 'A' ? 'B' : 'A'}${stored.slice(-1)}`;
    expect(() => vault.decrypt(flipped)).toThrow();
  });

  it('makes blind indexes that match equal values only, per kind and per key', () => {
    const vault = createPiiVault(loadConfig({}).secrets);
    expect(vault.blindIndex('phone', '13800138000')).toBe(vault.blindIndex('phone', '13800138000'));
    expect(vault.blindIndex('phone', '13800138000')).not.toBe(vault.blindIndex('phone', '13800138001'));
    expect(vault.blindIndex('phone', '13800138000')).not.toBe(vault.blindIndex('email', '13800138000'));
    const other = createPiiVault(loadConfig({ ONECITY_BLIND_INDEX_KEY: k2 }).secrets);
    expect(other.blindIndex('phone', '13800138000')).not.toBe(vault.blindIndex('phone', '13800138000'));
  });

  it('refuses to start in production with development keys', () => {
    expect(() => loadConfig({ ONECITY_ENV: 'production' })).toThrow(/ONECITY_PII_KEYS: required in production/);
  });
});

describe('identifiers', () => {
  it('validates national ID numbers by GB 11643 check digit and birth date', () => {
    expect(isValidNationalId('11010519491231002X')).toBe(true);
    expect(isValidNationalId('11010519491231002x')).toBe(true);
    expect(isValidNationalId('110105194912310021')).toBe(false);
    expect(isValidNationalId('110105194902310027')).toBe(false);
    expect(isValidNationalId('1101051949123100')).toBe(false);
  });

  it('validates unified social credit codes by GB 32100 check character', () => {
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
    expect(isValidUscc('91350100M000100I43')).toBe(false);
  });

  it('normalises phone numbers and e-mail addresses', () => {
    expect(normalisePhone('+86 138-0013-8000')).toBe('13800138000');
    expect(normalisePhone('12800138000')).toBeNull();
    expect(normaliseEmail(' Li.Wei@Example.COM ')).toBe('li.wei@example.com');
    expect(normaliseEmail('not-an-address')).toBeNull();
  });

  it('masks as citizens expect to see it', () => {
    expect(maskNationalId('440106199001011234')).toBe('4401**********1234');
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskEmail('liwei@example.com')).toBe('l***@example.com');
  });
});
