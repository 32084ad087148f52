// The Kubernetes manifests (deploy/k8s) are valid Kubernetes objects (the API's own schemas, via
// kubernetes-models) and agree with the code: ports, settings (every variable is in the settings
// catalog and parses), probe paths the services serve, the grace period derived from
// SHUTDOWN_GRACE_MS, secrets only by reference, autoscaling, disruption budgets, and network
// policies under which only the gateway reaches the subgraphs and only the services reach
// PostgreSQL and Redis.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy as NetworkPolicyModel } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import YAML from 'yaml';
import { z } from 'zod';
import { createMcpHttpApp } from '../clients/mcp/transports/http';
import { mcpLogger } from '../clients/mcp/log';
import { DEFAULT_READINESS_TIMEOUT_MS } from '../gateway/health';
import { CATALOG, DEFAULT_GATEWAY_PORT, DEFAULT_SUBGRAPH_PORTS, loadConfig, MCP_PORT_OFFSET, SERVICE_NAMES, type Config } from '../shared/config';
import type { Setting } from '../shared/config/define';
import { DEFAULT_READINESS_CHECK_TIMEOUT_MS } from '../shared/server/readiness';
import { gatewayUrl, stackSubgraphBase } from './support/graphql';
import { allowsIngress, selects, type NetworkPolicy, type Pod } from './support/network-policy';
import { freePort, ROOT, SERVER_ENTRY } from './support/stack';

const DIR = path.join(ROOT, 'deploy/k8s');
const NAMESPACE = 'loop-health';
/** terminationGracePeriodSeconds = SHUTDOWN_GRACE_MS (rounded up to seconds) + this margin, for the signal to arrive and the process to exit. */
const GRACE_MARGIN_SECONDS = 5;

/** The validator of every kind the manifests may hold (a Secret is not one of them: secrets are referenced, never shipped). */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicyModel,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

// The shapes the assertions read (validity itself is the models' job).
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: unknown };
}
interface Probe {
  httpGet: { path: string; port: string | number };
  timeoutSeconds?: number;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports: { name: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
}
interface Workload extends K8sObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: { terminationGracePeriodSeconds: number; securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } }; containers: Container[] };
    };
  };
}

const kustomization = z
  .object({
    apiVersion: z.literal('kustomize.config.k8s.io/v1beta1'),
    kind: z.literal('Kustomization'),
    namespace: z.string(),
    resources: z.array(z.string()).min(1),
    images: z.array(z.object({ name: z.string(), newName: z.string(), newTag: z.string() })),
  })
  .parse(YAML.parse(readFileSync(path.join(DIR, 'kustomization.yaml'), 'utf8')));

const objects: (K8sObject & { file: string })[] = kustomization.resources.flatMap((file) =>
  YAML.parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((document) => ({ ...(document.toJSON() as K8sObject), file })),
);
const ofKind = <T extends K8sObject = K8sObject>(kind: string) => objects.filter((object) => object.kind === kind) as unknown as T[];
const deployments = ofKind<Workload>('Deployment');
const services = ofKind('Service');
const configMap = ofKind('ConfigMap')[0];
const mainContainer = (deployment: Workload) => deployment.spec.template.spec.containers[0];
const httpPort = (deployment: Workload) => mainContainer(deployment).ports.find((port) => port.name === 'http')!.containerPort;

const settings = CATALOG.flatMap(({ section }) => Object.values(section)) as Setting[];
const settingOf = new Map(settings.map((spec) => [spec.env, spec]));

/** What the container's process reads: the ConfigMap, then its own env; a Secret's key as a valid stand-in value. */
function environmentOf(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    expect(source.configMapRef?.name).toBe(configMap.metadata.name);
    Object.assign(env, configMap.data);
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (variable.valueFrom?.secretKeyRef) {
      const type = settingOf.get(variable.name)?.type;
      env[variable.name] = type?.safeParse('placeholder').success === false ? 'https://placeholder.invalid/' : 'placeholder';
    }
  }
  return env;
}

/** Which service of the code the workload runs: `--service X`, or the MCP server. */
function serviceOf(deployment: Workload): string {
  const args = mainContainer(deployment).args ?? [];
  if (args[0] === 'clients/mcp/main.ts') return 'mcp';
  const at = args.indexOf('--service');
  return args[at + 1];
}

function portFor(service: string, config: Config): number {
  if (service === 'gateway') return config.gatewayPort;
  if (service === 'mcp') return config.mcp.port;
  return config.subgraphPorts[service as keyof Config['subgraphPorts']];
}

/** A resource quantity as a number: CPU in cores ("250m", "1"), memory in bytes ("384Mi", "1Gi"). */
function quantity(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(value);
  if (!match) throw new Error(`unreadable quantity ${value}`);
  const factor = { '': 1, m: 0.001, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[match[2] ?? ''] as number;
  return Number(match[1]) * factor;
}

describe('deploy/k8s', () => {
  it('is one kustomization of every manifest in the folder, one image for every container', () => {
    const files = readdirSync(DIR).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.namespace).toBe(NAMESPACE);
    expect(kustomization.images.map((image) => image.name)).toEqual(['loop-health']);
    for (const deployment of deployments) for (const container of deployment.spec.template.spec.containers) expect(container.image).toBe('loop-health');
  });

  it('holds only valid Kubernetes objects (the API schemas), and no Secret', () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect([object.file, object.kind, Boolean(Model)]).toEqual([object.file, object.kind, true]);
      const { file, ...data } = object;
      expect(() => new Model(data as never).validate()).not.toThrow();
      expect([file, object.metadata.namespace ?? NAMESPACE]).toEqual([file, NAMESPACE]);
    }
  });

  it('rejects what the API would (the validation can fail)', () => {
    const [gateway] = deployments.filter((deployment) => deployment.metadata.name === 'gateway');
    const broken = structuredClone(gateway) as any;
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    delete broken.spec.selector;
    const { file: _file, ...data } = broken;
    expect(() => new Deployment(data).validate()).toThrow(/containerPort|selector/);
  });

  it('runs the gateway, every subgraph, the wearables sync workers and the MCP server', () => {
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(['gateway', ...SERVICE_NAMES, 'wearables-sync', 'mcp'].sort());
    expect(deployments.map(serviceOf).sort()).toEqual(['gateway', ...SERVICE_NAMES, 'wearables', 'mcp'].sort());
  });

  describe.each(deployments.map((deployment) => [deployment.metadata.name, deployment] as const))('the %s Deployment', (name, deployment) => {
    const container = mainContainer(deployment);
    const env = environmentOf(container);
    const service = serviceOf(deployment);

    it('runs a program of this repository, selected by its own labels', () => {
      if (service === 'mcp') {
        // node itself with tsx as a loader: it receives SIGTERM (the tsx CLI would force-kill a busy process).
        expect(container.command).toEqual(['node', '--import', 'tsx']);
        expect(existsSync(path.join(ROOT, container.args![0]))).toBe(true);
      } else {
        // The compiled server the image builds from bin/start.ts (as `npm start` runs it), by node itself.
        expect(container.command).toEqual(['node']);
        expect(container.args![0]).toBe(SERVER_ENTRY);
      }
      expect(selects({ matchLabels: deployment.spec.selector.matchLabels }, deployment.spec.template.metadata.labels)).toBe(true);
    });

    it('sets only variables of the settings catalog, with values the settings accept', () => {
      for (const variable of Object.keys(env)) expect([variable, settingOf.has(variable)]).toEqual([variable, true]);
      expect(() => loadConfig(env)).not.toThrow();
    });

    it('passes the tracing settings (OTLP endpoint and protocol), tracing off until an endpoint is set', () => {
      expect(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL'].filter((variable) => !(variable in env))).toEqual([]);
      const tracing = loadConfig(env).tracing;
      expect(tracing.otlpEndpoint).toBeUndefined();
      expect(tracing.otlpProtocol).toBe('http/protobuf');
    });

    it('takes every secret from a Secret by reference, never as a value', () => {
      for (const variable of container.env ?? []) {
        if (settingOf.get(variable.name)?.secret) expect([variable.name, variable.value, Boolean(variable.valueFrom?.secretKeyRef)]).toEqual([variable.name, undefined, true]);
      }
      for (const [key, value] of Object.entries(configMap.data ?? {})) expect([key, settingOf.get(key)?.secret ?? false, value]).toEqual([key, false, value]);
      // The private partner key only where partner tokens are issued; the vendor-token key only where wearables run.
      const names = (container.env ?? []).map((variable) => variable.name);
      expect(names.includes('PARTNER_SIGNING_JWK')).toBe(name === 'patient');
      expect(names.includes('WEARABLE_TOKEN_KEYS')).toBe(service === 'wearables');
      // The signing keys only where they sign: the gateway's forwarded requests, the patient service's audit digests.
      expect(names.includes('GATEWAY_SIGNING_JWK')).toBe(name === 'gateway');
      expect(names.includes('AUDIT_DIGEST_SIGNING_JWK')).toBe(name === 'patient');
    });

    it('has every setting a production start of its service requires', () => {
      const names = (container.env ?? []).map((variable) => variable.name);
      if (service === 'mcp') return expect(names.filter((n) => /JWK|DATABASE|CLERK/.test(n))).toEqual([]);
      const required = ['CLERK_JWT_KEY', 'AUTH_ISSUER', 'AUTH_AUDIENCE', ...(service === 'gateway' ? ['GATEWAY_SIGNING_JWK'] : ['GATEWAY_JWKS', 'DATABASE_URL', 'DATABASE_OWNER_URL'])];
      for (const variable of required) expect([variable, names.includes(variable)]).toEqual([variable, true]);
    });

    it("listens on the code's port for its service, and says so to Prometheus", () => {
      const config = loadConfig(env);
      const defaults: Record<string, number> = { ...DEFAULT_SUBGRAPH_PORTS, gateway: DEFAULT_GATEWAY_PORT, mcp: DEFAULT_GATEWAY_PORT + MCP_PORT_OFFSET };
      expect(httpPort(deployment)).toBe(portFor(service, config));
      expect(httpPort(deployment)).toBe(defaults[service]);
      expect(deployment.spec.template.metadata.annotations?.['prometheus.io/port']).toBe(String(httpPort(deployment)));
      expect(deployment.spec.template.metadata.annotations?.['prometheus.io/path']).toBe('/metrics');
    });

    it('probes /healthz for liveness (and start-up) and /readyz for readiness, longer than the checks behind them take', () => {
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
      const slowestCheckMs = service === 'gateway' ? DEFAULT_READINESS_TIMEOUT_MS : DEFAULT_READINESS_CHECK_TIMEOUT_MS;
      expect(container.readinessProbe!.timeoutSeconds! * 1000).toBeGreaterThan(slowestCheckMs);
    });

    it('gives a stopping pod SHUTDOWN_GRACE_MS plus the margin', () => {
      const graceMs = loadConfig(env).deployment.shutdownGraceMs;
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(Math.ceil(graceMs / 1000) + GRACE_MARGIN_SECONDS);
    });

    it('requests and limits CPU and memory, requests within limits', () => {
      for (const resource of ['cpu', 'memory']) {
        const [request, limit] = [container.resources.requests?.[resource], container.resources.limits?.[resource]];
        expect([resource, typeof request, typeof limit]).toEqual([resource, 'string', 'string']);
        expect(quantity(request!)).toBeLessThanOrEqual(quantity(limit!));
      }
    });

    it('runs as the restricted Pod Security Standard requires', () => {
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    });
  });

  it('serves the probed paths: the test stack answers them, and so does the MCP server', async () => {
    const bases: Record<string, string> = { gateway: gatewayUrl(), ...Object.fromEntries(SERVICE_NAMES.map((name) => [name, stackSubgraphBase(name)])) };
    const port = await freePort();
    const mcp = http.createServer(createMcpHttpApp({ host: '127.0.0.1', gatewayUrl: `${gatewayUrl()}/graphql`, gatewayTimeoutMs: 5_000 }, mcpLogger()));
    await new Promise<void>((resolve) => mcp.listen(port, '127.0.0.1', resolve));
    bases.mcp = `http://127.0.0.1:${port}`;
    try {
      for (const deployment of deployments) {
        const container = mainContainer(deployment);
        for (const probe of [container.startupProbe!, container.livenessProbe!, container.readinessProbe!]) {
          const response = await fetch(`${bases[serviceOf(deployment)]}${probe.httpGet.path}`);
          expect([deployment.metadata.name, probe.httpGet.path, response.status]).toEqual([deployment.metadata.name, probe.httpGet.path, 200]);
        }
      }
    } finally {
      await new Promise((resolve) => mcp.close(resolve));
    }
  });

  it('runs the wearables sync workers apart: the API replicas only queue, the worker Deployment runs the queue, and nothing routes requests to it', () => {
    const byName = new Map(deployments.map((deployment) => [deployment.metadata.name, deployment]));
    expect(loadConfig(environmentOf(mainContainer(byName.get('wearables')!))).deployment.wearablesSyncWorkers).toBe(false);
    expect(loadConfig(environmentOf(mainContainer(byName.get('wearables-sync')!))).deployment.wearablesSyncWorkers).toBe(true);
    const worker = byName.get('wearables-sync')!.spec.template.metadata.labels;
    expect(services.filter((service) => selects({ matchLabels: service.spec.selector }, worker))).toEqual([]);
  });

  it('gives each Deployment but the workers a Service on its port, and wires the gateway and GATEWAY_URL to them', () => {
    for (const deployment of deployments.filter((d) => d.metadata.name !== 'wearables-sync')) {
      const matching = services.filter((service) => selects({ matchLabels: service.spec.selector }, deployment.spec.template.metadata.labels));
      expect([deployment.metadata.name, matching.map((service) => service.metadata.name)]).toEqual([deployment.metadata.name, [deployment.metadata.name]]);
      expect(matching[0].spec.ports).toEqual([{ name: 'http', port: httpPort(deployment), targetPort: 'http' }]);
    }
    const gateway = deployments.find((deployment) => deployment.metadata.name === 'gateway')!;
    const config = loadConfig(environmentOf(mainContainer(gateway)));
    for (const name of SERVICE_NAMES) expect(config.subgraphUrls[name]).toBe(`http://${name}:${DEFAULT_SUBGRAPH_PORTS[name]}/graphql`);
    expect(config.gatewayUrl).toBe(`http://gateway:${DEFAULT_GATEWAY_PORT}/graphql`);
  });

  it('autoscales the gateway and the busiest subgraphs from at least two replicas, leaving their replica count to the autoscaler', () => {
    const autoscalers = ofKind('HorizontalPodAutoscaler');
    const targets = autoscalers.map((hpa) => hpa.spec.scaleTargetRef.name);
    expect(targets).toContain('gateway');
    expect(targets.filter((name: string) => (SERVICE_NAMES as readonly string[]).includes(name)).length).toBeGreaterThanOrEqual(2);
    for (const hpa of autoscalers) {
      const target = deployments.find((deployment) => deployment.metadata.name === hpa.spec.scaleTargetRef.name);
      expect([hpa.metadata.name, hpa.spec.scaleTargetRef.kind, Boolean(target), target?.spec.replicas]).toEqual([hpa.metadata.name, 'Deployment', true, undefined]);
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    }
    for (const deployment of deployments.filter((d) => !targets.includes(d.metadata.name))) expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
  });

  it('covers every Deployment with exactly one PodDisruptionBudget', () => {
    const budgets = ofKind('PodDisruptionBudget');
    for (const deployment of deployments) {
      const covering = budgets.filter((budget) => selects(budget.spec.selector, deployment.spec.template.metadata.labels));
      expect([deployment.metadata.name, covering.length]).toEqual([deployment.metadata.name, 1]);
    }
  });

  describe('network policies', () => {
    const policies = ofKind('NetworkPolicy') as unknown as NetworkPolicy[];
    const pod = (deployment: Workload): Pod => ({
      namespace: NAMESPACE,
      labels: deployment.spec.template.metadata.labels,
      ports: Object.fromEntries(mainContainer(deployment).ports.map((port) => [port.name, port.containerPort])),
    });
    const pods = Object.fromEntries(deployments.map((deployment) => [deployment.metadata.name, pod(deployment)]));
    // PostgreSQL and Redis as the usual charts label them, and clients from elsewhere.
    const postgres: Pod = { namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'postgresql' }, ports: { tcp: 5432 } };
    const redis: Pod = { namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'redis' }, ports: { tcp: 6379 } };
    const ingressController: Pod = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: {} };
    const prometheus: Pod = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' }, ports: {} };
    const strayPod: Pod = { namespace: NAMESPACE, labels: { app: 'debug-shell' }, ports: {} };
    const reaches = (from: Pod, to: Pod, port: number) => allowsIngress(policies, from, to, port);
    const subgraphs = SERVICE_NAMES.map((name) => [name] as const);

    it.each(subgraphs)('let only the gateway reach the %s subgraph', (name) => {
      const port = DEFAULT_SUBGRAPH_PORTS[name];
      expect(reaches(pods.gateway, pods[name], port)).toBe(true);
      const others = [pods.mcp, pods['wearables-sync'], ingressController, strayPod, ...SERVICE_NAMES.filter((other) => other !== name).map((other) => pods[other])];
      for (const from of others) expect([from.labels, reaches(from, pods[name], port)]).toEqual([from.labels, false]);
    });

    it('let clients reach the gateway and the MCP server, and nothing reach the sync workers', () => {
      expect(reaches(ingressController, pods.gateway, DEFAULT_GATEWAY_PORT)).toBe(true);
      expect(reaches(pods.luna, pods.gateway, DEFAULT_GATEWAY_PORT)).toBe(true); // Luna's tools call the graph
      expect(reaches(ingressController, pods.mcp, DEFAULT_GATEWAY_PORT + MCP_PORT_OFFSET)).toBe(true);
      expect(reaches(pods.gateway, pods['wearables-sync'], DEFAULT_SUBGRAPH_PORTS.wearables)).toBe(false);
      expect(reaches(ingressController, pods['wearables-sync'], DEFAULT_SUBGRAPH_PORTS.wearables)).toBe(false);
    });

    it('let only the services that use them reach PostgreSQL and Redis', () => {
      for (const [name, from] of Object.entries(pods)) {
        const usesDatabase = (SERVICE_NAMES as readonly string[]).includes(name) || name === 'wearables-sync';
        expect([name, 'postgresql', reaches(from, postgres, 5432)]).toEqual([name, 'postgresql', usesDatabase]);
        expect([name, 'redis', reaches(from, redis, 6379)]).toEqual([name, 'redis', usesDatabase || name === 'gateway']);
      }
      for (const from of [ingressController, prometheus, strayPod]) {
        expect(reaches(from, postgres, 5432)).toBe(false);
        expect(reaches(from, redis, 6379)).toBe(false);
      }
    });

    it('let Prometheus scrape every pod of the platform on its http port, and nothing else', () => {
      for (const [name, to] of Object.entries(pods)) {
        expect([name, reaches(prometheus, to, to.ports.http)]).toEqual([name, true]);
        expect([name, reaches(prometheus, to, 9999)]).toEqual([name, false]);
      }
    });
  });
});
