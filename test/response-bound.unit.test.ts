// The response bound (RESPONSE_MAX_BYTES) as a subgraph applies it: over HTTP through Apollo's
// stringifyResult, without HTTP (an in-process call from the gateway) on the result itself; the
// same OPERATION_LIMIT answer either way. In-process the size is first bounded without building
// the text (jsonBytesAtMost), a bound that must never be below the real size.
import { defaultLimits } from '../shared/limits/tiers';
import { subgraphLimits } from '../shared/limits/subgraph';
import { jsonBytesAtMost } from '../shared/limits/response';

const limits = subgraphLimits({ ...defaultLimits(), maxResponseBytes: 1_024 }, true);
const small = { data: { peptides: [{ name: 'BPC-157' }] } };
const large = { data: { peptides: Array.from({ length: 100 }, (_, i) => ({ name: `peptide ${i}` })) } };

describe('the response bound of a subgraph', () => {
  it('leaves a result within it as it is, both ways', () => {
    expect(limits.overResponseLimit(small)).toBeNull();
    expect(JSON.parse(limits.apollo.stringifyResult(small as never) as string)).toEqual(small);
  });

  it('replaces a larger result with the same OPERATION_LIMIT answer, both ways', () => {
    const refused = limits.overResponseLimit(large);
    expect(refused).toEqual({ errors: [{ message: expect.any(String), extensions: expect.objectContaining({ code: 'OPERATION_LIMIT', limit: 'responseBytes', allowed: 1_024, measured: JSON.stringify(large).length }) }] });
    expect(JSON.parse(limits.apollo.stringifyResult(large as never) as string)).toEqual(refused);
  });

  it('decides as stringifyResult does for results around the bound, measured without text or with it', () => {
    for (let names = 1; names <= 60; names++) {
      const result = { data: { peptides: Array.from({ length: names }, (_, i) => ({ name: `p${i}`, dose: i / 3, active: i % 2 === 0, note: null })) } };
      const text = limits.apollo.stringifyResult(result as never) as string;
      expect(limits.overResponseLimit(result) ?? result).toEqual(JSON.parse(text));
    }
  });
});

describe('the bound on a value\'s JSON size', () => {
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '');
  const samples: unknown[] = [
    '',
    'plain',
    '\u0000\u001f"\\\n',
    'é漢字😀',
    '\ud800 lone surrogate',
    -0.0000012345678901234567,
    -1.7976931348623157e308,
    Number.NaN,
    true,
    null,
    [undefined, () => 1, Symbol('s')],
    { kept: 1, dropped: undefined, fn: () => 1 },
    { at: new Date(0), nested: { list: [1, 'two', { three: [null] }] } },
    { toJSON: () => ({ replaced: 'x'.repeat(100) }) },
    // toJSON is called once: what it returns is serialized as it is, its own toJSON not called.
    { toJSON: () => ({ toJSON: () => 'short', long: 'y'.repeat(100) }) },
    [new Number(-1.2345678901234567e-300), new String('boxed'), new Boolean(false)],
  ];

  it('is never below the real size, whatever the value holds', () => {
    for (const value of samples) expect(jsonBytesAtMost(value, Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(bytes(value));
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const anyValue = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 3 ? 4 : 6));
      if (pick === 0) return String.fromCharCode(...Array.from({ length: Math.floor(random() * 20) }, () => Math.floor(random() * 0xffff)));
      if (pick === 1) return (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
      if (pick === 2) return random() < 0.5;
      if (pick === 3) return null;
      if (pick === 4) return Array.from({ length: Math.floor(random() * 5) }, () => anyValue(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, (_, i) => [`k${i}\u0001é`, anyValue(depth + 1)]));
    };
    for (let i = 0; i < 2_000; i++) {
      const value = anyValue(0);
      expect(jsonBytesAtMost(value, Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(bytes(value));
    }
  });

  it('ends on an object whose toJSON answers the object itself, as JSON.stringify does', () => {
    const self: Record<string, unknown> = { a: 'b' };
    self.toJSON = () => self;
    expect(jsonBytesAtMost(self, Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(bytes(self));
  });

  it('stops counting once past where it was asked to stop', () => {
    const long = Array.from({ length: 100_000 }, (_, i) => ({ i }));
    const bound = jsonBytesAtMost(long, 1_000);
    expect(bound).toBeGreaterThan(1_000);
    expect(bound).toBeLessThan(2_000);
  });
});
