// No Docker engine runs here: check the deployment file by reading it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { readRoverConfig } from '../gateway/compose';
import { DEFAULT_GATEWAY_PORT, loadConfig, MCP_PORT_OFFSET } from '../shared/config';
import { startNodeFlags } from '../scripts/start-flags';

const compose = YAML.parse(readFileSync(path.join(__dirname, '../docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    { build?: string; entrypoint?: string[]; command?: string[]; environment?: Record<string, string>; expose?: string[]; ports?: string[]; healthcheck?: unknown; depends_on?: Record<string, unknown> }
  >;
};

/** A service's environment as compose reads it with nothing set by the deployer: `${X:-default}` is its default. */
const withDefaults = (env: Record<string, string> = {}) => Object.fromEntries(Object.entries(env).map(([name, value]) => [name, String(value).replace(/^\$\{\w+:-([^}]*)\}$/, '$1')]));

describe('docker-compose.yml', () => {
  const subgraphs = readRoverConfig();

  it('has postgres and redis with healthchecks', () => {
    expect(compose.services.postgres?.healthcheck).toBeDefined();
    expect(compose.services.redis?.healthcheck).toBeDefined();
  });

  it.each(subgraphs.map((s) => [s.name, s]))('runs subgraph %s on its rover.yaml port, wired to postgres and redis', (name, subgraph) => {
    const service = compose.services[name];
    expect(service).toBeDefined();
    const port = new URL(subgraph.routingUrl).port;
    expect(service.command).toEqual(['--service', name]);
    expect(service.environment?.[`SUBGRAPH_${name.toUpperCase()}_PORT`]).toBe(port);
    expect(service.expose).toContain(port);
    expect(service.environment?.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(service.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(service.healthcheck).toBeDefined();
    // Healthy = ready (database, Redis, queue): what the gateway's depends_on waits for.
    expect(JSON.stringify(service.healthcheck)).toContain(`:${port}/readyz`);
  });

  it('restarts every program, starts it after what it needs is healthy, and gives it its grace period to stop', () => {
    const graceSeconds = loadConfig({}).deployment.shutdownGraceMs / 1000;
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'postgres' || name === 'redis') continue;
      const program = service as typeof service & { restart?: string; init?: boolean; stop_grace_period?: string };
      expect([name, program.restart]).toEqual([name, 'unless-stopped']);
      expect([name, program.init]).toEqual([name, true]);
      expect([name, Number.parseInt(program.stop_grace_period ?? '0', 10) > graceSeconds + 2]).toEqual([name, true]);
      for (const dependency of Object.values(service.depends_on ?? {})) expect(dependency).toEqual({ condition: 'service_healthy' });
      expect(JSON.stringify(service.healthcheck)).toContain('/readyz');
    }
  });

  it('points the gateway at every subgraph service by name and port', () => {
    const gateway = compose.services.gateway;
    expect(gateway.command).toEqual(['--service', 'gateway']);
    expect(gateway.ports).toContain(`${DEFAULT_GATEWAY_PORT}:${DEFAULT_GATEWAY_PORT}`);
    for (const subgraph of subgraphs) {
      const port = new URL(subgraph.routingUrl).port;
      expect(gateway.environment?.[`SUBGRAPH_${subgraph.name.toUpperCase()}_URL`]).toBe(`http://${subgraph.name}:${port}/graphql`);
      expect(gateway.depends_on).toHaveProperty(subgraph.name);
    }
  });

  it('requires the production secrets from the environment instead of baking any in', () => {
    const env = compose.services.patient.environment!;
    expect(env.NODE_ENV).toBe('production');
    expect(env.CLERK_JWT_KEY).toMatch(/^\$\{CLERK_JWT_KEY:\?/);
    expect(env.WEARABLE_TOKEN_KEYS).toMatch(/^\$\{WEARABLE_TOKEN_KEYS:\?/);
    expect(env.PARTNER_SIGNING_JWK).toBe('${PARTNER_SIGNING_JWK:-}');
    // The private partner key only where tokens are issued; every other service verifies with the public JWKS.
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.command?.[0] !== '--service') continue;
      expect([name, 'PARTNER_SIGNING_JWK' in (service.environment ?? {})]).toEqual([name, name === 'patient']);
      expect(service.environment?.PARTNER_JWKS).toBe('${PARTNER_JWKS:-}');
    }
    expect(compose.services.luna.environment?.GATEWAY_URL).toBe('http://gateway:4000/graphql');
  });

  it('keeps private signing keys where they sign, and requires issuer, audience and the gateway key', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.command?.[0] !== '--service') continue;
      const env = service.environment ?? {};
      expect([name, 'GATEWAY_SIGNING_JWK' in env]).toEqual([name, name === 'gateway']);
      expect([name, 'AUDIT_DIGEST_SIGNING_JWK' in env]).toEqual([name, name === 'patient']);
      for (const required of ['GATEWAY_JWKS', 'AUTH_ISSUER', 'AUTH_AUDIENCE']) expect(env[required]).toMatch(new RegExp(`^\\$\\{${required}:\\?`));
    }
    expect(compose.services.gateway.environment?.GATEWAY_SIGNING_JWK).toMatch(/^\$\{GATEWAY_SIGNING_JWK:\?/);
    expect(compose.services.patient.environment?.AUDIT_DIGEST_SIGNING_JWK).toMatch(/^\$\{AUDIT_DIGEST_SIGNING_JWK:\?/);
  });

  it('serves with an application role and migrates with the owner, which the database image sets up', () => {
    const env = compose.services.patient.environment!;
    const app = new URL(env.DATABASE_URL.replace(/\$\{[^}]*\}/g, 'secret'));
    const owner = new URL(env.DATABASE_OWNER_URL);
    expect(app.username).toBe('loop_app');
    expect(owner.username).toBe((compose.services.postgres as { environment?: Record<string, string> }).environment!.POSTGRES_USER);
    expect(app.pathname).toBe(owner.pathname);
    expect(JSON.stringify((compose.services.postgres as { volumes?: string[] }).volumes)).toContain('./deploy/postgres-init:/docker-entrypoint-initdb.d');
    expect(readFileSync(path.join(__dirname, '../deploy/postgres-init/10-app-role.sh'), 'utf8')).toMatch(/CREATE ROLE loop_app LOGIN/);
  });

  it('runs the MCP server over HTTP from the same image, on its default port, through the gateway service', () => {
    const mcp = compose.services.mcp;
    expect(mcp).toBeDefined();
    expect(mcp.build).toBe('.');
    expect(mcp.entrypoint).toEqual(['node', '--import', 'tsx', 'clients/mcp/main.ts']);
    expect(mcp.command).toEqual(['--http']);
    const port = DEFAULT_GATEWAY_PORT + MCP_PORT_OFFSET;
    expect(mcp.environment?.MCP_PORT).toBe(String(port));
    expect(mcp.ports).toContain(`${port}:${port}`);
    expect(mcp.environment?.HOST).toBe('0.0.0.0');
    expect(mcp.environment?.GATEWAY_URL).toBe(`http://gateway:${DEFAULT_GATEWAY_PORT}/graphql`);
    expect(mcp.depends_on).toHaveProperty('gateway');
    expect(JSON.stringify(mcp.healthcheck)).toContain(`:${port}/readyz`);
    // It holds no database, Redis or keys: callers bring their own tokens.
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'CLERK_JWT_KEY', 'WEARABLE_TOKEN_KEYS', 'PARTNER_SIGNING_JWK', 'ANTHROPIC_API_KEY', 'LOOP_TOKEN']) {
      expect([name, name in (mcp.environment ?? {})]).toEqual([name, false]);
    }
    // Its settings are valid as written.
    expect(loadConfig(withDefaults(mcp.environment)).mcp.port).toBe(port);
  });

  it('passes the tracing settings to every process of the platform, off unless the deployer names a collector', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.command?.[0] !== '--service' && name !== 'mcp') continue;
      const env = service.environment ?? {};
      expect([name, env.OTEL_EXPORTER_OTLP_ENDPOINT, env.OTEL_EXPORTER_OTLP_PROTOCOL]).toEqual([name, '${OTEL_EXPORTER_OTLP_ENDPOINT:-}', '${OTEL_EXPORTER_OTLP_PROTOCOL:-http/protobuf}']);
    }
    const tracing = loadConfig(withDefaults(compose.services.mcp.environment)).tracing;
    expect(tracing.otlpEndpoint).toBeUndefined();
    expect(tracing.otlpProtocol).toBe('http/protobuf');
    expect(loadConfig({ ...withDefaults(compose.services.mcp.environment), OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' }).tracing.otlpEndpoint).toBe('http://otel-collector:4318');
  });

  it('builds every service from the Dockerfile beside it', () => {
    const dockerfile = readFileSync(path.join(__dirname, '../Dockerfile'), 'utf8');
    // The compiled server, built in the image as `npm start` builds it, run by node itself with `npm start`'s flags.
    expect(dockerfile).toMatch(/&& node scripts\/build-server\.mjs\n/);
    expect(dockerfile).toContain(`ENTRYPOINT ${JSON.stringify(['node', ...startNodeFlags(path.join(__dirname, '..')), '.build/server/start.cjs']).replaceAll(',', ', ')}`);
  });
});
