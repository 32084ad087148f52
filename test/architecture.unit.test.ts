// The layering, checked over the whole tree: dependency-cruiser runs the rules in
// .dependency-cruiser.cjs (shared/ imports nothing above it; subgraphs import neither each
// other nor the gateway; the gateway imports no subgraph; clients talk over HTTP; no cycles),
// and the README's architecture diagram is the one the same cruise draws.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { architectureDiagram, roomOf } from '../scripts/architecture-diagram';

const ROOT = path.join(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

interface Check {
  modules: number;
  violations: string[];
  diagramCurrent: boolean;
}

describe('architecture', () => {
  let check: Check;
  beforeAll(async () => {
    // A process of its own: the cruiser is an ES module (scripts/architecture.mts says why).
    const { stdout } = await promisify(execFile)(TSX, [path.join(ROOT, 'scripts/architecture.mts'), '--check'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    check = JSON.parse(stdout) as Check;
  }, 240_000);

  it('keeps every layering rule', () => {
    expect(check.modules).toBeGreaterThan(300);
    expect(check.violations).toEqual([]);
  });

  it('is drawn in the README as the code has it', () => {
    // Stale? Run `npm run docs:architecture`.
    expect(check.diagramCurrent).toBe(true);
  });

  it('folds modules into rooms and draws one arrow per pair of rooms', () => {
    expect(roomOf('subgraphs/labs/upload/file.ts')).toBe('subgraphs/labs');
    expect(roomOf('subgraphs/labs/test/labs.test.ts')).toBeNull();
    expect(roomOf('test/gateway.test.ts')).toBeNull();
    const diagram = architectureDiagram([
      { source: 'bin/launch.ts', imports: ['gateway/server.ts', 'gateway/cors.ts', 'shared/config/index.ts'] },
      { source: 'gateway/server.ts', imports: ['shared/logger.ts', 'node_modules/express/index.js'] },
    ]);
    expect(diagram.match(/-->/g)).toHaveLength(3);
    expect(diagram).toContain('bin --> gateway');
    expect(diagram).toContain('gateway --> shared');
  });
});
