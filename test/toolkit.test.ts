import { describe, expect, it } from 'vitest';
import { columnAt, lineAt, lineOf } from '../src/core/text.js';

describe('line numbers: one helper for every piece of evidence', () => {
  const text = 'first\nsecond\n\nfourth = 4\n';

  it('counts lines and columns from 1', () => {
    expect(lineAt(text, 0)).toBe(1);
    expect(lineAt(text, text.indexOf('second'))).toBe(2);
    expect(lineAt(text, text.indexOf('fourth'))).toBe(4);
    expect(columnAt(text, text.indexOf('= 4'))).toBe(8);
    expect(columnAt(text, 0)).toBe(1);
  });

  it('finds a literal needle and a pattern alike, and says undefined when absent', () => {
    expect(lineOf(text, 'fourth')).toBe(4);
    expect(lineOf(text, /^fourth\s*=/m)).toBe(4);
    // A literal needle is not a pattern: the dot and the star match only themselves.
    expect(lineOf('a.b\naxb', 'a.b')).toBe(1);
    expect(lineOf('axb\na*b', 'a*b')).toBe(2);
    expect(lineOf(text, 'fifth')).toBeUndefined();
    expect(lineOf(text, /^fifth/m)).toBeUndefined();
  });
});
