// Two tiers (README, "Tests and benchmarks"):
// - unit: domain logic without a server (`*.unit.test.ts`, beside the code's other tests):
//   no stack, no database; files run in parallel workers.
// - integration: everything else, against one real stack (every subgraph + the gateway, a fresh
//   database) that test/support/global-setup.ts starts as a child process. Its files run in
//   band: they share that stack, and some read process-wide counters (SQL statements) around a
//   query. Jest's worker count is per run, not per project, so `npm test` (scripts/test.mjs)
//   runs the tiers one after the other, the integration tier with --runInBand.
/** @type {import('jest').Config['transform']} */
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
const roots = ['<rootDir>/test', '<rootDir>/subgraphs/*/test', '<rootDir>/gateway/test', '<rootDir>/clients/*/test'];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: roots.map((root) => `${root}/**/*.unit.test.ts`),
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: roots.map((root) => `${root}/**/*.test.ts`),
      testPathIgnorePatterns: ['/node_modules/', '\\.unit\\.test\\.ts$'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  testTimeout: 60_000,
};
