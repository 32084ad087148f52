// npm run codegen: regenerate the API schema, the typed SDK documents and the persisted-operation
// manifest (clients/sdk/codegen.ts). `--check` fails when a checked-in file is stale instead.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { clientArtifacts } from '../clients/sdk/codegen';

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, content] of await clientArtifacts()) {
    const current = (() => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    })();
    if (current === content) continue;
    const name = path.relative(process.cwd(), file);
    if (check) {
      console.error(`${name} is stale: run npm run codegen`);
      stale += 1;
    } else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      console.log(`wrote ${name}`);
    }
  }
  if (stale) process.exit(1);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
