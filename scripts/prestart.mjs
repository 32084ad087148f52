// npm start's preparation, done only when its inputs changed since the last time it ran:
// compose the supergraph and regenerate the client artifacts (npm run compose), build the
// web app (npm run web:build), and compile the server to the JavaScript `npm start` runs
// (scripts/build-server.mjs: its inputs are the files its last build read). Each step's inputs
// and outputs are fingerprinted into a stamp under node_modules/.cache: a SHA-256 over every
// file's path and bytes, and a cheaper one over their paths, sizes and modification times. A
// start whose files kept their sizes and times reads no file; one where they moved (a checkout,
// a touch) compares the bytes, so only a changed schema, operation, web source or lockfile
// reruns its step. `--force` reruns every step. Run by scripts/start.mjs before the server, in
// its process, and on its own by `node scripts/prestart.mjs`.
// Plain JavaScript run by node itself: a start with nothing to do pays no TypeScript loader.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer, lastServerInputs, SERVER_DIR, SERVER_ENTRY } from './build-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the fingerprints of the last successful steps are kept (outside the source tree, removed with node_modules). */
export const STAMP_FILE = path.join(ROOT, 'node_modules/.cache/loop-health/prestart.json');

/**
 * @typedef {object} Step
 * @property {string} name
 * @property {string[] | (() => string[])} inputs Files and folders (relative to the project) whose bytes decide whether the step runs.
 * @property {string} output A file the step must have produced: missing, the step runs.
 * @property {() => void | Promise<unknown>} run
 */

const SUBGRAPH_SCHEMAS = readdirSync(path.join(ROOT, 'subgraphs'))
  .map((name) => `subgraphs/${name}/schema.graphql`)
  .filter((file) => existsSync(path.join(ROOT, file)));

const npmRun = (script) => () => execFileSync('npm', ['run', '-s', script], { cwd: ROOT, stdio: 'inherit' });

/** @type {Step[]} */
const STEPS = [
  {
    name: 'compose',
    // The generated files are inputs too: hand edits or a checkout of other versions rerun it.
    inputs: ['rover.yaml', ...SUBGRAPH_SCHEMAS, 'clients/operations', 'clients/sdk', 'schema', 'gateway/compose.ts', 'scripts/compose.ts', 'scripts/codegen.ts', 'package-lock.json'],
    output: 'schema/supergraph.graphql',
    run: npmRun('compose'),
  },
  {
    name: 'web:build',
    inputs: ['clients/web/index.html', 'clients/web/vite.config.mts', 'clients/web/src', 'clients/sdk', 'package-lock.json', 'clients/web/dist'],
    output: 'clients/web/dist/index.html',
    run: npmRun('web:build'),
  },
  {
    // After compose: the server imports the generated client SDK.
    name: 'server',
    inputs: () => ['package-lock.json', 'tsconfig.json', 'scripts/build-server.mjs', SERVER_DIR, ...lastServerInputs()],
    output: SERVER_ENTRY,
    run: buildServer,
  },
];

/** @param {string} relative @returns {string[]} */
function files(relative) {
  const absolute = path.join(ROOT, relative);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [relative];
  return readdirSync(absolute)
    .filter((entry) => entry !== 'node_modules' && entry !== 'test')
    .sort()
    .flatMap((entry) => files(path.posix.join(relative, entry)));
}

/** @param {Step['inputs']} inputs @returns {string[]} */
const inputFiles = (inputs) => (typeof inputs === 'function' ? inputs() : inputs).flatMap(files);

/** @param {string[]} list @returns {string} A SHA-256 over each file's path and bytes. */
function contentPrint(list) {
  const hash = createHash('sha256');
  for (const file of list) hash.update(file).update('\0').update(readFileSync(path.join(ROOT, file))).update('\0');
  return hash.digest('hex');
}

/** @param {string[]} list @returns {string} A SHA-256 over each file's path, size and modification time: no file read. */
function statPrint(list) {
  const hash = createHash('sha256');
  for (const file of list) {
    const { size, mtimeMs } = statSync(path.join(ROOT, file));
    hash.update(`${file}\0${size}\0${mtimeMs}\0`);
  }
  return hash.digest('hex');
}

/** @typedef {{ content: string, stats: string }} Stamp */

/** @returns {Record<string, Stamp | string>} Stamps written before the stats were kept are the content fingerprint alone. */
function readStamps() {
  try {
    return JSON.parse(readFileSync(STAMP_FILE, 'utf8'));
  } catch {
    return {};
  }
}

/** @param {Record<string, Stamp | string>} stamps Written whole and renamed into place: an interrupted write leaves the last file. */
function writeStamps(stamps) {
  mkdirSync(path.dirname(STAMP_FILE), { recursive: true });
  writeFileSync(`${STAMP_FILE}.${process.pid}.tmp`, JSON.stringify(stamps, null, 2));
  renameSync(`${STAMP_FILE}.${process.pid}.tmp`, STAMP_FILE);
}

/** @param {Step} step @returns {Stamp} */
function stampOf(step) {
  const list = inputFiles(step.inputs);
  return { content: contentPrint(list), stats: statPrint(list) };
}

/**
 * Runs each step whose inputs changed since it last ran (or every step with `force`).
 * @param {{ force?: boolean }} [options]
 */
export async function prepare({ force = false } = {}) {
  const stamps = readStamps();
  for (const step of STEPS) {
    const stamp = stamps[step.name];
    if (!force && stamp && existsSync(path.join(ROOT, step.output))) {
      const list = inputFiles(step.inputs);
      const stats = statPrint(list);
      if (typeof stamp === 'object' && stamp.stats === stats) continue;
      const content = typeof stamp === 'string' ? stamp : stamp.content;
      if (content === contentPrint(list)) {
        // Same bytes under new times (a checkout, a touch): remembered, so the next start reads no file.
        stamps[step.name] = { content, stats };
        writeStamps(stamps);
        continue;
      }
    }
    await step.run();
    // Fingerprinted after the run: its own outputs are part of what must stay unchanged.
    stamps[step.name] = stampOf(step);
    writeStamps(stamps);
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await prepare({ force: process.argv.includes('--force') });
