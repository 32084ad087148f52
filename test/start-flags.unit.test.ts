// The Node flags `npm start` runs the server with, as the test stack and benchmarks read them.
import path from 'node:path';
import { nodeFlagsOf, startNodeFlags } from '../scripts/start-flags';

describe('start flags', () => {
  it('are the --flags between node and the script', () => {
    expect(nodeFlagsOf('node --max-semi-space-size=64 --trace-gc scripts/start.mjs')).toEqual(['--max-semi-space-size=64', '--trace-gc']);
    expect(nodeFlagsOf('node scripts/start.mjs')).toEqual([]);
    expect(nodeFlagsOf('tsx bin/start.ts')).toEqual([]);
    expect(nodeFlagsOf('')).toEqual([]);
  });

  it("include this project's larger young generation", () => {
    expect(startNodeFlags(path.join(__dirname, '..'))).toContain('--max-semi-space-size=32');
  });
});
