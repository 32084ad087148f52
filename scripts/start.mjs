// `npm start`: brings what the server needs up to date (scripts/prestart.mjs: the supergraph,
// the web app and the compiled server, each only when its inputs changed), then runs the
// compiled server in this same process. One process instead of a `prestart` lifecycle script
// and then the server: npm starts one shell and one Node, not two of each. With WORKERS > 1 the
// workers the primary forks run this file too: only the primary prepares, so every worker
// serves what the primary prepared.
import cluster from 'node:cluster';
import { createRequire } from 'node:module';
import { prepare } from './prestart.mjs';
import { SERVER_ENTRY } from './build-server.mjs';

if (cluster.isPrimary) await prepare();
createRequire(import.meta.url)(`../${SERVER_ENTRY}`);
