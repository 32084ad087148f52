// The response bound (RESPONSE_MAX_BYTES) as a subgraph applies it: over HTTP through Apollo's
// stringifyResult, without HTTP (an in-process call from the gateway) on the result itself; the
// same OPERATION_LIMIT answer either way.
import { defaultLimits } from '../shared/limits/tiers';
import { subgraphLimits } from '../shared/limits/subgraph';

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
});
