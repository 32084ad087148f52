// The fault-injection suite (`npm run test:faults`): its own processes and proxies, no shared test
// stack (so no global setup), one file at a time. CI runs it after the PostgreSQL + Redis pass.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  maxWorkers: 1,
  testTimeout: 300_000,
};
