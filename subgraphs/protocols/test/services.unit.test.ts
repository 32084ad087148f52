// The protocols subgraph's services built from fakes of the outside world only (issue 19, item 5):
// a fixed clock, the in-process pub/sub and a fake gateway; no database, no server. A check sees
// the catalog's rules as read once, reused until the clock says they expired, and replaced as
// soon as content announces a change.
import { fixedClock } from '../../../shared/clock';
import { loadConfig } from '../../../shared/config';
import { DEFAULT_CATALOG_RULES_TTL_MS } from '../../../shared/domain/clinical/catalog-rules';
import { clinicalFindings } from '../../../shared/domain/clinical/findings';
import type { PeptideRules } from '../../../shared/domain/clinical/rules';
import { serviceLogger } from '../../../shared/logger';
import { LocalPubSub, topics } from '../../../shared/pubsub';
import type { SubgraphDeps } from '../../../shared/server/subgraph';
import { seededRules } from '../../../test/support/clinical-rules';
import { protocolsSubgraph } from '..';
import { peptideRulesLoader, type ProtocolsServices } from '../catalog';

/** The database and the job queue are not the outside world this test fakes: any use of them fails the test. */
const unused = (what: string) =>
  new Proxy({}, {
    get(_, key) {
      throw new Error(`the protocols services used the ${what} (${String(key)})`);
    },
  }) as never;

/** The gateway as the catalog reader sees it: peptideClinicalRules answered from `catalog`, each read counted. */
function fakeGateway(catalog: Map<string, PeptideRules>) {
  const reads: string[][] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    const { query, variables } = JSON.parse(String(init?.body)) as { query: string; variables: { ids: string[] } };
    expect(query).toContain('peptideClinicalRules');
    reads.push(variables.ids);
    const rules = variables.ids.flatMap((id) => (catalog.has(id) ? [catalog.get(id)] : []));
    return new Response(JSON.stringify({ data: { peptideClinicalRules: rules } }), { headers: { 'content-type': 'application/json' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, reads };
}

const DOSE = { peptideId: 'bpc-157', doseAmount: 400, doseUnit: 'mcg', frequency: 'daily', route: 'subcutaneous' };

describe('the protocols services, built from fakes', () => {
  const clock = fixedClock('2026-03-01T09:00:00Z');
  const pubsub = new LocalPubSub();
  const catalog = new Map([['bpc-157', seededRules('bpc-157')]]);
  const gateway = fakeGateway(catalog);
  let services: ProtocolsServices;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const deps: SubgraphDeps = {
      prisma: unused('database'),
      db: unused('database'),
      ports: unused('patient facts'),
      queue: unused('job queue'),
      pubsub,
      config: loadConfig({ NODE_ENV: 'test' }),
      log: serviceLogger('protocols-test'),
      clock,
      fetch: gateway.fetch,
    };
    ({ services, stop } = await protocolsSubgraph.startServices!(deps));
  });

  afterAll(async () => {
    await stop();
    await pubsub.close();
  });

  /** What one request's check finds for DOSE: its own loader, over the process's services. */
  async function doseFindings() {
    const rules = await peptideRulesLoader(services).load(DOSE.peptideId);
    return clinicalFindings([DOSE], () => rules ?? undefined, null).map((finding) => finding.rule);
  }

  it('reads the rules once, and reuses them until the clock says they expired', async () => {
    expect(await doseFindings()).toEqual([]);
    expect(await doseFindings()).toEqual([]);
    expect(gateway.reads).toEqual([['bpc-157']]);
    clock.advance(DEFAULT_CATALOG_RULES_TTL_MS - 1);
    await doseFindings();
    expect(gateway.reads).toHaveLength(1);
    clock.advance(1);
    await doseFindings();
    expect(gateway.reads).toHaveLength(2);
  });

  it('checks against an edited rule as soon as content announces the change, whatever the clock', async () => {
    const before = gateway.reads.length;
    const rules = seededRules('bpc-157');
    catalog.set('bpc-157', { ...rules, dosing: { ...rules.dosing!, maxDose: 300 } });
    // Not announced yet: the cached rule still applies.
    expect(await doseFindings()).toEqual([]);
    expect(gateway.reads).toHaveLength(before);
    await pubsub.publish(topics.catalogChanged, { at: clock.now().toISOString() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await doseFindings()).toEqual(['DOSE_ABOVE_MAXIMUM']);
    expect(gateway.reads).toHaveLength(before + 1);
  });
});
