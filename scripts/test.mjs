// npm test: both tiers, one after the other (jest.config.js says why): the unit tier in parallel
// workers, then the integration tier in band against one stack. Arguments go to both, so
// `npm test -- subgraphs/labs` runs one subgraph's tests of either tier. One tier alone:
// `npm run test:unit`, `npm run test:integration`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const jest = createRequire(import.meta.url).resolve('jest/bin/jest');
const args = process.argv.slice(2);
const env = { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules'].filter(Boolean).join(' ') };
const tiers = [
  ['--selectProjects', 'unit'],
  ['--selectProjects', 'integration', '--runInBand'],
];
let status = 0;
for (const tier of tiers) {
  // A path filter may match only one tier's files: the other then has none, which is no failure.
  const result = spawnSync(process.execPath, [jest, ...tier, '--passWithNoTests', ...args], { stdio: 'inherit', env });
  status ||= result.status ?? 1;
}
process.exit(status);
