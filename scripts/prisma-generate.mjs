// Generates the Prisma client offline. The Prisma CLI downloads a native schema-engine
// binary before most commands; generate never runs it, so pointing the variable at any
// existing file skips that download (see docs/adr/0003-pglite-default.md).
//
// Then the generated client is pointed at its query compiler as a WebAssembly file: as
// generated, it imports a JavaScript module holding the compiler as a 4.6 MB base64 string,
// which took ~200 ms of every start to read and parse (and whose source stayed in the heap).
// The same bytes, decoded once here, are written beside the client, which reads them instead.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLIENT_DIR = path.join(ROOT, 'generated/prisma');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate', '--schema', 'prisma/schema.prisma'], {
  cwd: ROOT,
  env,
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (result.status !== 0) process.exit(result.status ?? 1);

/** The generated loader: the base64 module's name, and the two lines that import and decode it. */
const BASE64_LOADER = /const \{ wasm \} = await import\("([^"]+\.wasm-base64\.js)"\)\s*\n\s*return await decodeBase64AsWasm\(wasm\)/;
const classFile = path.join(CLIENT_DIR, 'internal/class.ts');
const source = readFileSync(classFile, 'utf8');
const loader = BASE64_LOADER.exec(source);
if (!loader) {
  // Another Prisma version generates other code: the client still works as generated, only slower to start.
  console.warn(`prisma-generate: no base64 query-compiler loader in ${path.relative(ROOT, classFile)}; left as generated`);
} else {
  const wasmFile = `${path.basename(loader[1], '.wasm-base64.js')}.wasm`;
  writeFileSync(path.join(CLIENT_DIR, wasmFile), Buffer.from(require(loader[1]).wasm, 'base64'));
  const readsFile = `const { readFile } = await import('node:fs/promises')\n    return new WebAssembly.Module(await readFile(require('node:path').join(__dirname, '..', ${JSON.stringify(wasmFile)})))`;
  writeFileSync(classFile, source.replace(BASE64_LOADER, readsFile));
}
