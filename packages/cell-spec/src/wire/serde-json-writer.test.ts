import { describe, expect, it } from 'vitest';
import { quoteSerdeString, writeSerdePretty } from './serde-json-writer.js';

describe('quoteSerdeString', () => {
  it('escapes exactly what serde_json escapes', () => {
    expect(quoteSerdeString('"\\\b\f\n\r\t')).toBe('"\\"\\\\\\b\\f\\n\\r\\t"');
    expect(quoteSerdeString('\u0000\u0001\u000b\u001b\u001f')).toBe('"\\u0000\\u0001\\u000b\\u001b\\u001f"');
  });

  it('leaves DEL, U+2028, U+2029, "/" and non-ASCII as they are', () => {
    expect(quoteSerdeString('\u007f\u2028\u2029/é🚀')).toBe('"\u007f\u2028\u2029/é🚀"');
  });
});

describe('writeSerdePretty', () => {
  it('prints like serde_json::to_vec_pretty', () => {
    expect(writeSerdePretty({ a: [], b: {}, c: [['k', 'v']], d: null, e: 5, f: { g: 'h' } })).toBe(
      '{\n  "a": [],\n  "b": {},\n  "c": [\n    [\n      "k",\n      "v"\n    ]\n  ],\n  "d": null,\n  "e": 5,\n  "f": {\n    "g": "h"\n  }\n}',
    );
  });
});
