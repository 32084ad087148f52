// bin/defer-unused-modules.ts, in a Node process of its own (Jest has its own module loader):
// @apollo/gateway loads without the modules it only needs for Apollo's usage reporting, and
// each stand-in turns into the real module the first time it is touched.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DEFERRED_GATEWAY_MODULES } from '../bin/defer-unused-modules';

const ROOT = path.resolve(__dirname, '..');

interface Report {
  loadedAfterGateway: string[];
  touchedLoads?: boolean;
  sameExport?: boolean;
}

/** Requires @apollo/gateway in a fresh process, with or without the deferral, and reports what it loaded. */
function run(defer: boolean): Report {
  const script = `
    const path = require('node:path');
    const Module = require('node:module');
    const { deferUnusedGatewayModules, DEFERRED_GATEWAY_MODULES } = require(${JSON.stringify(path.join(ROOT, 'bin/defer-unused-modules.ts'))});
    const loaded = (name) => Object.keys(require.cache).some((file) => file.includes(path.join('node_modules', name) + path.sep));
    if (${defer}) deferUnusedGatewayModules();
    const gatewayEntry = require.resolve('@apollo/gateway');
    require(gatewayEntry);
    const report = { loadedAfterGateway: [...DEFERRED_GATEWAY_MODULES].filter(loaded) };
    if (${defer}) {
      // What the gateway's own files get for one of them: a stand-in until touched.
      const asGateway = Module.createRequire(gatewayEntry);
      const standIn = asGateway('@opentelemetry/resources');
      const before = loaded('@opentelemetry/resources');
      const touched = standIn.Resource;
      report.touchedLoads = !before && loaded('@opentelemetry/resources');
      report.sameExport = typeof touched === 'function' && touched === require(asGateway.resolve('@opentelemetry/resources')).Resource;
    }
    process.stdout.write(JSON.stringify(report));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' })) as Report;
}

describe('deferring the modules @apollo/gateway loads only for usage reporting', () => {
  it('loads them with @apollo/gateway when not deferred (so the list still names what it loads)', () => {
    expect(run(false).loadedAfterGateway.sort()).toEqual([...DEFERRED_GATEWAY_MODULES].sort());
  }, 30_000);

  it('loads none of them with @apollo/gateway when deferred, and the real module on first touch', () => {
    expect(run(true)).toEqual({ loadedAfterGateway: [], touchedLoads: true, sameExport: true });
  }, 30_000);
});
