// bin/heap-growth.ts (HEAP_GROWTH_PERCENT), in Node processes of their own: with the same live
// data and the same garbage, one that outlives young collections as a loaded server's does, a
// heap allowed 100 % growth between full collections stays well below V8's adaptive choice.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** The largest heap (MB) a fresh process reached with HEAP_GROWTH_PERCENT = `percent`. */
function peakHeapMb(percent: number | null): number {
  const script = `
    require(${JSON.stringify(path.join(ROOT, 'bin/heap-growth.ts'))}).applyHeapGrowth(${JSON.stringify(percent)});
    globalThis.live = Array.from({ length: 400000 }, (_, i) => ({ i, text: 'x'.repeat(64) + i }));
    // Each object stays reachable for the next 200,000 allocations: it is promoted, then dies old.
    const recent = new Array(200000);
    let peak = 0;
    for (let i = 0; i < 4000000; i++) {
      recent[i % recent.length] = { i, text: 'y'.repeat(32) + i };
      if (i % 50000 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    process.stdout.write(String(Math.round(peak / 2 ** 20)));
  `;
  return Number(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' }));
}

describe('HEAP_GROWTH_PERCENT', () => {
  it('keeps the heap of a process with old garbage well below what V8 lets it grow to on its own', () => {
    const adaptive = peakHeapMb(null);
    const bounded = peakHeapMb(100);
    expect(bounded).toBeLessThan(adaptive * 0.8);
  }, 60_000);
});
