// npm run compose: recompose schema/supergraph.graphql from rover.yaml. Fails (exit 1) on
// composition errors; `--check` fails when the checked-in file is stale instead of writing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CompositionError, composeSupergraph, SUPERGRAPH_FILE } from '../gateway/compose';

try {
  const sdl = composeSupergraph();
  const current = (() => {
    try {
      return readFileSync(SUPERGRAPH_FILE, 'utf8');
    } catch {
      return null;
    }
  })();
  if (process.argv.includes('--check')) {
    if (current !== sdl) {
      console.error(`${path.relative(process.cwd(), SUPERGRAPH_FILE)} is stale: run npm run compose`);
      process.exit(1);
    }
  } else if (current !== sdl) {
    mkdirSync(path.dirname(SUPERGRAPH_FILE), { recursive: true });
    writeFileSync(SUPERGRAPH_FILE, sdl);
    console.log(`composed ${path.relative(process.cwd(), SUPERGRAPH_FILE)}`);
  }
} catch (error) {
  console.error(error instanceof CompositionError ? error.message : error);
  process.exit(1);
}
