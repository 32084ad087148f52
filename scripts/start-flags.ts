// The Node flags a project's `npm start` runs its server with, read from that project's
// package.json (`"start": "node <flags> scripts/start.mjs"`). The test stack and the benchmarks
// start the server without npm; with these they run it as `npm start` does, and a benchmark's
// baseline version with its own flags, not ours.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The `--flags` between `node` and the script in a start command ([] when it has none). */
export function nodeFlagsOf(startCommand: string): string[] {
  const words = startCommand.trim().split(/\s+/);
  if (words[0] !== 'node') return [];
  const flags: string[] = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith('--')) break;
    flags.push(word);
  }
  return flags;
}

/** nodeFlagsOf the `start` script of the package.json in projectDir. */
export function startNodeFlags(projectDir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(projectDir, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  return nodeFlagsOf(manifest.scripts?.start ?? '');
}
