// After start-up the young generation is given back (bin/startup-memory.ts): V8 otherwise keeps it
// as large as start-up grew it. Run in a process of its own with npm start's young generation.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const PROBE = `
  const v8 = require('node:v8');
  const newSpace = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
  let kept = [];
  for (let i = 0; i < 2e6; i++) { kept.push({ i, list: [i] }); if (kept.length > 300000) kept = []; }
  kept = null;
  const before = newSpace();
  require(process.env.MODULE).releaseStartupMemory().then(() => console.log(JSON.stringify({ before, after: newSpace() })));
`;

describe('releasing start-up memory', () => {
  it('shrinks the young generation start-up grew', () => {
    const out = execFileSync(process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', '-e', PROBE], {
      env: { ...process.env, NODE_OPTIONS: '', MODULE: path.join(__dirname, '../bin/startup-memory.ts') },
      encoding: 'utf8',
    });
    const { before, after } = JSON.parse(out.trim().split('\n').pop()!) as { before: number; after: number };
    expect(before).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    expect(after).toBeLessThanOrEqual(before / 8);
  });
});
