// npm run docs:architecture: checks the layering rules in .dependency-cruiser.cjs over the
// code and rewrites the README's architecture diagram from the same cruise. With --check it
// writes nothing and prints, as JSON, the rule violations and whether the README's diagram is
// current (test/architecture.test.ts runs it so in `npm test`; the cruiser is an ES module,
// which the tests' CommonJS transform does not load, so it runs in its own process; and this
// file is one too, .mts, because the cruiser's package exports only an `import` entry).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { withArchitectureDiagram, architectureDiagram, type Layering } from './architecture-diagram';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Every folder of code: the rules cover tests and tools too (no cycles anywhere). */
const FOLDERS = ['bin', 'shared', 'gateway', 'subgraphs', 'clients', 'prisma', 'scripts', 'bench', 'test'];

async function cruiseTree(): Promise<ICruiseResult> {
  const config = createRequire(import.meta.url)(path.join(ROOT, '.dependency-cruiser.cjs')) as IConfiguration;
  process.chdir(ROOT);
  const { output } = await cruise(
    FOLDERS,
    { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } },
    { extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.json'] },
    { tsConfig: extractTSConfig(path.join(ROOT, 'tsconfig.json')) },
  );
  return output as ICruiseResult;
}

function layering(result: ICruiseResult): Layering {
  return result.modules.map((module) => ({ source: module.source, imports: module.dependencies.map((dependency) => dependency.resolved) }));
}

async function main(): Promise<void> {
  const result = await cruiseTree();
  const violations = result.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`);
  const readmePath = path.join(ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const updated = withArchitectureDiagram(readme, architectureDiagram(layering(result)));
  if (process.argv.includes('--check')) {
    process.stdout.write(JSON.stringify({ modules: result.modules.length, violations, diagramCurrent: updated === readme }));
    return;
  }
  if (violations.length) {
    process.stderr.write(`Layering rules broken (.dependency-cruiser.cjs):\n${violations.join('\n')}\n`);
    process.exitCode = 1;
  }
  writeFileSync(readmePath, updated);
  console.log(`README.md: architecture diagram updated (${result.modules.length} modules)`);
}

await main();
