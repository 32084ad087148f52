// The settings module: one catalog, typed values, every bad value named at once (never a
// secret's), and the README's table generated from the same catalog.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { CATALOG, loadConfig, SettingsError } from '../shared/config';
import { settingsTable, TABLE_BEGIN, TABLE_END } from '../shared/config/docs';

describe('settings', () => {
  it('has defaults for a bare environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', gatewayPort: 4000, subgraphTimeoutMs: 10_000, playground: true, seed: true, anthropic: null });
    expect(config.subgraphPorts.luna).toBe(4006);
    expect(config.mcp.port).toBe(4010);
    expect(config.wearables.simulatorPortBase).toBe(4011);
  });

  it('moves every port with PORT_BASE, and an explicit port wins', () => {
    const config = loadConfig({ PORT_BASE: '5000', SUBGRAPH_LABS_PORT: '6002' });
    expect([config.gatewayPort, config.subgraphPorts.patient, config.subgraphPorts.labs, config.mcp.port, config.wearables.simulatorPortBase]).toEqual([5000, 5001, 6002, 5010, 5011]);
    expect(config.subgraphUrls.labs).toBe('http://127.0.0.1:6002/graphql');
    expect(config.gatewayUrl).toBe('http://127.0.0.1:5000/graphql');
  });

  it("gives each subgraph the gateway's deadline unless it has its own", () => {
    const config = loadConfig({ SUBGRAPH_TIMEOUT_MS: '5000', SUBGRAPH_LUNA_TIMEOUT_MS: '30000' });
    expect(config.subgraphTimeoutsMs.luna).toBe(30_000);
    expect(config.subgraphTimeoutsMs.labs).toBe(5_000);
    expect(() => loadConfig({ SUBGRAPH_LABS_TIMEOUT_MS: 'soon' })).toThrow(/SUBGRAPH_LABS_TIMEOUT_MS/);
  });

  it('runs one worker unless told, `auto` being one per core, and more than one only on PostgreSQL with Redis', () => {
    expect(loadConfig({}).deployment.workers).toBe(1);
    const shared = { DATABASE_URL: 'postgresql://app@db/loop', REDIS_URL: 'redis://cache:6379' };
    expect(loadConfig({ ...shared, WORKERS: 'auto' }).deployment.workers).toBe(availableParallelism());
    expect(loadConfig({ ...shared, WORKERS: '3' }).deployment.workers).toBe(3);
    expect(() => loadConfig({ ...shared, WORKERS: 'many' })).toThrow(/WORKERS/);
    expect(() => loadConfig({ WORKERS: '2' })).toThrow(/WORKERS: more than one worker needs DATABASE_URL and REDIS_URL/);
    expect(() => loadConfig({ DATABASE_URL: shared.DATABASE_URL, WORKERS: '2' })).toThrow(/needs DATABASE_URL and REDIS_URL/);
  });

  it('joins reads by default only on the embedded database, which one process owns; gathers them with a server', () => {
    expect(loadConfig({}).sharedReads).toBe('join');
    expect(loadConfig({ DATABASE_URL: 'postgresql://app@db/loop' }).sharedReads).toBe('gather');
    expect(loadConfig({ DATABASE_URL: 'postgresql://app@db/loop', SHARED_READS: 'join' }).sharedReads).toBe('join');
    expect(loadConfig({ SHARED_READS: 'off' }).sharedReads).toBe('off');
    expect(() => loadConfig({ SHARED_READS: 'true' })).toThrow(/SHARED_READS/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', SUBGRAPH_TIMEOUT_MS: ' ' }).databaseUrl).toBeUndefined();
  });

  it('refuses bad values, naming every one of them, and never prints a secret', () => {
    let error: unknown;
    try {
      loadConfig({ SUBGRAPH_TIMEOUT_MS: 'soon', PORT: '70000', NODE_ENV: 'staging', DATABASE_URL: 'not a url with password hunter2', PARTNER_TOKEN_TTL_SECONDS: '86400' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const { problems, message } = error as SettingsError;
    expect(problems.map((line) => line.split('=')[0]).sort()).toEqual(['DATABASE_URL', 'NODE_ENV', 'PARTNER_TOKEN_TTL_SECONDS', 'PORT', 'SUBGRAPH_TIMEOUT_MS']);
    expect(message).toContain('SUBGRAPH_TIMEOUT_MS="soon"');
    expect(message).not.toContain('hunter2');
  });

  it('declares each environment variable once', () => {
    const names = CATALOG.flatMap(({ section }) => Object.values(section).map((spec) => spec.env));
    expect(names.length).toBe(new Set(names).size);
  });

  it('is documented in the README by the table generated from the catalog', () => {
    const readme = readFileSync(path.join(__dirname, '../README.md'), 'utf8');
    const begin = readme.indexOf(TABLE_BEGIN);
    const end = readme.indexOf(TABLE_END);
    expect(begin).toBeGreaterThan(0);
    // Stale? Run `npm run docs:settings`.
    expect(readme.slice(begin, end + TABLE_END.length)).toBe(settingsTable());
  });
});
