// Loads some of @apollo/gateway's dependencies on first use instead of when it is required.
// The gateway package requires, at load time, what only two features of its own use: Apollo's
// usage reporting (its OpenTelemetry metrics SDK, resource detectors for four clouds, an OTLP
// exporter) and query-plan traces for Apollo Studio (a protobuf schema). This server uses
// neither: ~200 ms of every start and ~20 MB of heap went to them. Each `require()` of those,
// made by @apollo/gateway's own files only, answers a stand-in that requires the real module the
// first time a property of it is read, `in` is asked or it is called: all the gateway does with
// them, and only inside functions it does not run here. Enumerating a stand-in's keys or `new`
// on it would not reach the real module; test/defer-unused-modules.unit.test.ts checks the list
// against what the gateway loads. Installed by bin/start.ts before any service module loads.
import Module from 'node:module';
import path from 'node:path';

/** The modules deferred, all plain `require()`s whose results @apollo/gateway only reads inside functions. */
export const DEFERRED_GATEWAY_MODULES: ReadonlySet<string> = new Set([
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/resources',
  '@opentelemetry/resource-detector-alibaba-cloud',
  '@opentelemetry/resource-detector-aws',
  '@opentelemetry/resource-detector-azure',
  '@opentelemetry/resource-detector-gcp',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@apollo/usage-reporting-protobuf',
]);

const GATEWAY_FILES = ['', 'node_modules', '@apollo', 'gateway', ''].join(path.sep);

type Load = (request: string, parent: NodeJS.Module | undefined, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: Load };
let installed = false;

/** Makes @apollo/gateway's requires of `modules` lazy for the rest of the process (once; later calls do nothing). */
export function deferUnusedGatewayModules(modules: ReadonlySet<string> = DEFERRED_GATEWAY_MODULES): void {
  if (installed) return;
  installed = true;
  const load = moduleInternals._load;
  moduleInternals._load = function deferringLoad(request, parent, isMain) {
    if (!modules.has(request) || !parent?.filename?.includes(GATEWAY_FILES)) return load.call(this, request, parent, isMain);
    let real: object | undefined;
    const loaded = (): object => (real ??= load.call(this, request, parent, isMain) as object);
    // A function target, so that a stand-in for a callable export could be called too.
    return new Proxy(function standIn() {}, {
      get: (_target, key) => Reflect.get(loaded(), key),
      has: (_target, key) => Reflect.has(loaded(), key),
      apply: (_target, self, args) => Reflect.apply(loaded() as (...a: unknown[]) => unknown, self, args),
    });
  };
}
