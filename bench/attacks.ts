// npm run bench:attacks — what hostile traffic costs everyone else. The whole stack runs as a
// child process (as `npm start`, on a fresh database); this process first measures, for
// DURATION seconds, /healthz p99 and the p95 of a patient's normal dashboard query with no
// attack, then the same while ATTACKERS loops send the attacks of issue 13 as fast as they are
// answered (deep cycles, alias floods, fragment bombs, over-cost lists, huge variables,
// truncated uploads, flate bombs). It prints both side by side, and how each attack was answered.
//   ATTACKERS=4 DURATION=20 BENCH_PORT_BASE=4970 npm run bench:attacks
import http from 'node:http';
import os from 'node:os';
import { print } from 'graphql';
import { MyDashboardDocument } from '../clients/sdk';
import { signDevToken } from '../shared/auth/dev-issuer';
import { seededPatientId, seededUserId } from '../prisma/seed/identities';
import { flateBombPdf } from '../subgraphs/labs/test/support/reports';
import { startStack } from '../test/support/stack';
import { GraphQLHttpClient } from '../shared/graphql/http-client';

const DURATION_MS = Number(process.env.DURATION ?? 20) * 1000;
const ATTACKERS = Number(process.env.ATTACKERS ?? 4);
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 4970);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
};

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Sequential probes until `until`: each latency in ms. */
async function probe(until: number, request: () => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  while (Date.now() < until) {
    latencies.push(await timed(request));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return latencies;
}

function cycle(levels: number): string {
  let inner = 'id';
  for (let i = levels - 1; i >= 0; i--) inner = `${i % 2 === 0 ? 'researchPapers' : 'peptides'} { ${inner} }`;
  return `{ peptides(first: 20) { edges { node { ${inner} } } } }`;
}

async function main() {
  const stack = await startStack({ portBase: PORT_BASE });
  const gateway = stack.gatewayUrl;
  try {
    const dataDir = stack.env.DATA_DIR!;
    const patientToken = `Bearer ${await signDevToken(dataDir, { sub: seededUserId(1) })}`;
    const staffToken = `Bearer ${await signDevToken(dataDir, { sub: 'user_bench_attacker', role: 'staff' })}`;
    const dashboard = print(MyDashboardDocument);
    const graphql = async (body: object, authorization?: string) => {
      const { body: answer } = await new GraphQLHttpClient({ url: `${gateway}/graphql`, headers: authorization ? { authorization } : {} }).post(body);
      return (answer ?? {}) as { data?: unknown; errors?: { extensions?: { code?: string; limit?: string } }[] };
    };
    const normal = async () => {
      const result = await graphql({ query: dashboard, operationName: 'MyDashboard' }, patientToken);
      if (result.errors?.length) throw new Error(`the normal query failed: ${JSON.stringify(result.errors)}`);
    };
    const healthz = async () => {
      const response = await fetch(`${gateway}/healthz`);
      if (!response.ok) throw new Error(`/healthz answered ${response.status}`);
      await response.arrayBuffer();
    };

    const bomb = new Uint8Array(await flateBombPdf(1024 * 1024 * 1024));
    const uploadForm = (bytes: Uint8Array<ArrayBuffer>, name: string) => {
      const form = new FormData();
      form.append('patientId', seededPatientId(2));
      form.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
      return form;
    };
    const truncatedUpload = () =>
      new Promise<string>((resolve) => {
        const request = http.request(`${gateway}/api/labs/upload`, { method: 'POST', headers: { authorization: staffToken, 'content-type': 'multipart/form-data; boundary=b' } }, (response) => {
          response.resume();
          resolve(String(response.statusCode));
        });
        request.on('error', () => resolve('closed'));
        request.end('--b\r\nContent-Disposition: form-data; name="file"; filename="r.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 half a fil');
      });
    const outcome = (result: Awaited<ReturnType<typeof graphql>>) => result.errors?.map((e) => `${e.extensions?.code}${e.extensions?.limit ? `:${e.extensions.limit}` : ''}`).join(',') ?? 'data';
    const attacks: Record<string, () => Promise<string>> = {
      'cycle, 50 levels (anonymous)': async () => outcome(await graphql({ query: cycle(50) })),
      'cycle, 6 levels (patient)': async () => outcome(await graphql({ query: cycle(6) }, patientToken)),
      '10,000 aliases': async () => outcome(await graphql({ query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: peptides(first: 1) { totalCount }`).join(' ')} }` })),
      'fragment bomb (2^24)': async () =>
        outcome(await graphql({ query: `{ peptides(first: 1) { edges { node { ...F0 } } } } ${Array.from({ length: 24 }, (_, i) => `fragment F${i} on Peptide { ${i === 23 ? 'id' : `name ...F${i + 1} ...F${i + 1}`} }`).join(' ')}` })),
      'patients(first: 100) × labs × readings': async () =>
        outcome(await graphql({ query: '{ patients(first: 100) { edges { node { labResults(first: 100) { edges { node { readings { value } } } } } } } }' }, staffToken)),
      '1 MB of variables': async () => outcome(await graphql({ query: 'query($s: String) { peptides(first: 1, search: $s) { totalCount } }', variables: { s: 'x'.repeat(1_000_000) } })),
      'two Luna messages in one mutation': async () =>
        outcome(await graphql({ query: 'mutation { a: sendLunaMessage(message: "a") { reply { id } } b: sendLunaMessage(message: "b") { reply { id } } }' }, patientToken)),
      'truncated multipart upload': truncatedUpload,
      'flate bomb PDF (1 GB inflated)': async () => {
        const response = await fetch(`${gateway}/api/labs/upload`, { method: 'POST', body: uploadForm(bomb, 'bomb.pdf'), headers: { authorization: staffToken } });
        return `${response.status} ${((await response.json()) as { error?: { code?: string } }).error?.code ?? ''}`;
      },
    };

    // Warm-up, then the baseline.
    for (let i = 0; i < 20; i++) await Promise.all([normal(), healthz()]);
    let until = Date.now() + DURATION_MS;
    const [quietHealth, quietNormal] = await Promise.all([probe(until, healthz), probe(until, normal)]);

    // The same probes while the attackers run.
    const answers = new Map<string, Map<string, number>>();
    let sent = 0;
    until = Date.now() + DURATION_MS;
    const names = Object.keys(attacks);
    const attacker = async (offset: number) => {
      for (let i = offset; Date.now() < until; i++) {
        const name = names[i % names.length];
        const answer = await attacks[name]().catch((error: Error) => `failed: ${error.message}`);
        sent++;
        const byAnswer = answers.get(name) ?? new Map<string, number>();
        byAnswer.set(answer, (byAnswer.get(answer) ?? 0) + 1);
        answers.set(name, byAnswer);
      }
    };
    const [busyHealth, busyNormal] = await Promise.all([probe(until, healthz), probe(until, normal), ...Array.from({ length: ATTACKERS }, (_, i) => attacker(i * 2))]);

    const row = (label: string, quiet: number, busy: number) => `| ${label} | ${quiet.toFixed(1)} | ${busy.toFixed(1)} |`;
    console.log(`\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}; ${DURATION_MS / 1000} s per phase, ${ATTACKERS} attackers, ${sent} attacks sent.\n`);
    console.log('| latency (ms) | no attack | under attack |');
    console.log('|---|---|---|');
    console.log(row('`/healthz` p99', percentile(quietHealth, 99), percentile(busyHealth, 99)));
    console.log(row('normal query (MyDashboard) p95', percentile(quietNormal, 95), percentile(busyNormal, 95)));
    console.log(`| probes answered | ${quietHealth.length} + ${quietNormal.length} | ${busyHealth.length} + ${busyNormal.length} |`);
    console.log('\n| attack | answers |\n|---|---|');
    for (const [name, byAnswer] of answers) console.log(`| ${name} | ${[...byAnswer].map(([answer, count]) => `${answer} ×${count}`).join('; ')} |`);
  } finally {
    await stack.cleanup();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
