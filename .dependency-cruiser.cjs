// The layering the code keeps, as rules dependency-cruiser checks (test/architecture.test.ts
// runs them in `npm test`; `npm run docs:architecture` draws the README's diagram from them).
// From the bottom: shared/ (the platform) <- subgraphs/<name>/ and gateway/ <- bin/ (process
// wiring: which services run in which process, seeding). clients/, scripts/, bench/ and the
// tests sit beside the top and may use what they need.
/** A subgraph's own tests sit above everything, like test/: they may start a gateway. */
const SUBGRAPH_TESTS = '^subgraphs/[^/]+/test/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-imports-nothing-above-it',
      comment: 'shared/ is the bottom layer: it may not import a subgraph, the gateway, a client, the seed or the process wiring.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(gateway|subgraphs|clients|bin|scripts|bench|test)/|^prisma/seed/' },
    },
    {
      name: 'subgraphs-do-not-import-each-other',
      comment: 'A subgraph reads another domain through federation or the graph, never by importing its code.',
      severity: 'error',
      from: { path: '^subgraphs/([^/]+)/', pathNot: SUBGRAPH_TESTS },
      to: { path: '^subgraphs/([^/]+)/', pathNot: ['^subgraphs/$1/', '^subgraphs/index\\.ts$'] },
    },
    {
      name: 'subgraphs-do-not-import-the-registry',
      comment: 'The registry (subgraphs/index.ts) is for the process wiring, not for a subgraph.',
      severity: 'error',
      from: { path: '^subgraphs/[^/]+/', pathNot: SUBGRAPH_TESTS },
      to: { path: '^subgraphs/index\\.ts$' },
    },
    {
      name: 'subgraphs-do-not-import-the-gateway-or-the-wiring',
      severity: 'error',
      from: { path: '^subgraphs/', pathNot: SUBGRAPH_TESTS },
      to: { path: '^(gateway|bin|clients|scripts|bench)/' },
    },
    {
      name: 'gateway-does-not-import-subgraphs',
      comment: 'The gateway talks to a subgraph over HTTP (the supergraph) or through a contract in shared/.',
      severity: 'error',
      from: { path: '^gateway/' },
      to: { path: '^(subgraphs|bin|scripts|bench)/|^prisma/seed/' },
    },
    {
      name: 'clients-talk-over-http',
      comment:
        'A client reaches the services over HTTP (the SDK, MCP, the dashboard), never by importing them. ' +
        "The SDK's generator (clients/sdk/codegen.ts, a build step) reads the composition and the persisted-operation manifest.",
      severity: 'error',
      from: { path: '^clients/[^/]+/', pathNot: ['^clients/[^/]+/test/', '^clients/sdk/codegen\\.ts$'] },
      to: { path: '^(gateway|subgraphs|bin)/|^prisma/seed/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|generated)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
