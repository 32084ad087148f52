// Compiles the server (bin/start.ts and everything of ours it imports) into one CommonJS file,
// .build/server/start.cjs, which `npm start` runs with plain node: no TypeScript loader at run
// time (tsx's resolver, transform and source-map handling were about a quarter of a start's CPU,
// and its loader thread and caches about 100 MB of the idle process). Packages stay external:
// node_modules is loaded by Node as before. scripts/prestart.mjs runs this when any file the last
// build read (listed in .build/server/inputs.json), the lockfile or this script changed.
// Files read at run time (schema.graphql, migrations, the web app, the PDF worker) are read
// from the source tree: each `__dirname` in our code becomes its source folder, found relative
// to the bundle, so the checkout can move.
//   node scripts/build-server.mjs
import { mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the compiled server goes (ignored by git and docker). */
export const SERVER_DIR = '.build/server';
export const SERVER_ENTRY = `${SERVER_DIR}/start.cjs`;
/** The project files the last build read, relative to the project: what decides whether the next start rebuilds. */
export const SERVER_INPUTS = `${SERVER_DIR}/inputs.json`;
/** The bundle is two levels below the project root. */
const ROOT_FROM_BUNDLE = path.relative(path.join(ROOT, SERVER_DIR), ROOT);

/** Each `__dirname` in a source file of ours becomes that file's folder in the source tree. */
const sourceDirname = {
  name: 'source-dirname',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const folder = path.relative(ROOT, path.dirname(args.path)).split(path.sep).join('/');
      return { contents: source.replace(/\b__dirname\b/g, `__sourceDir(${JSON.stringify(folder)})`), loader: 'ts' };
    });
  },
};

/** Builds .build/server/start.cjs (and its source map) and lists its inputs; answers how many files it read. */
export async function buildServer() {
  const outDir = path.join(ROOT, SERVER_DIR);
  mkdirSync(outDir, { recursive: true });
  // Loaded here: a start with nothing to build does not pay for it.
  const esbuild = await import('esbuild');
  // esbuild's service process is stopped once the build is done: `npm start` builds in the process it then serves from.
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'bin/start.ts')],
    outfile: path.join(ROOT, SERVER_ENTRY),
    write: false,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // TypeScript line numbers in stack traces with NODE_OPTIONS=--enable-source-maps.
    sourcemap: 'linked',
    banner: { js: `const __sourceDir = (folder) => require("node:path").join(__dirname, ${JSON.stringify(ROOT_FROM_BUNDLE)}, folder);` },
    plugins: [sourceDirname],
    metafile: true,
    logLevel: 'warning',
  }).finally(() => esbuild.stop());
  const inputs = Object.keys(result.metafile.inputs)
    .map((input) => path.relative(ROOT, path.resolve(process.cwd(), input)).split(path.sep).join('/'))
    .filter((input) => !input.startsWith('..') && !input.includes('node_modules/'))
    .sort();
  writeFileSync(path.join(ROOT, SERVER_INPUTS), `${JSON.stringify(inputs, null, 1)}\n`);
  // Each file written whole and renamed into place: a start running beside a build never reads half a file.
  for (const file of result.outputFiles) {
    writeFileSync(`${file.path}.${process.pid}.tmp`, file.contents);
    renameSync(`${file.path}.${process.pid}.tmp`, file.path);
  }
  return inputs.length;
}

/** The inputs of the last build (none before the first). */
export function lastServerInputs() {
  try {
    return JSON.parse(readFileSync(path.join(ROOT, SERVER_INPUTS), 'utf8'));
  } catch {
    return [];
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const files = await buildServer();
  console.error(`built ${SERVER_ENTRY} from ${files} files in ${Date.now() - started} ms`);
}
