import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.ts';

describe('canonical JSON', () => {
  it('gives equal text for equal values built in any order, without undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: undefined } })).toBe(
      canonicalJson({ a: { d: [2, { x: 0, y: 1 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 'x' })).toBe('{"a":"x","b":1}');
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });
});
