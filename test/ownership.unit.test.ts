// Table ownership, enforced: the map in shared/db/ownership.ts covers every Prisma model and
// agrees with the owner comments in prisma/schema.prisma; each subgraph's code touches only the
// models (and, in raw SQL, the tables) its subgraph owns; shared/ touches only what
// SHARED_MODEL_ACCESS names. A static scan: `<anything>.<model>.<Prisma method>(` and
// `schema.table` in SQL text.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SERVICE_NAMES } from '../shared/config';
import { delegateOf, MODEL_OWNERS, OWNERS_BESIDE_SUBGRAPHS, SHARED_MODEL_ACCESS, type ModelName } from '../shared/db/ownership';

const ROOT = path.join(__dirname, '..');
const SCHEMA = readFileSync(path.join(ROOT, 'prisma/schema.prisma'), 'utf8');
const METHODS = 'findMany|findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow|create|createMany|createManyAndReturn|update|updateMany|updateManyAndReturn|upsert|delete|deleteMany|count|aggregate|groupBy';

/** Every model of the schema: its owner comment and its table ("schema.table"). */
function schemaModels(): Map<string, { owner: string | null; table: string }> {
  const models = new Map<string, { owner: string | null; table: string }>();
  for (const match of SCHEMA.matchAll(/((?:^\/\/\/.*\n)*)model (\w+) \{([^}]*)\}/gm)) {
    const [, doc, name, body] = match;
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? name;
    const schema = /@@schema\("([^"]+)"\)/.exec(body)?.[1] ?? 'public';
    models.set(name, { owner: /owner: (?:the )?(\w+)/.exec(doc)?.[1] ?? null, table: `${schema}.${table}` });
  }
  return models;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === 'test' || entry === 'node_modules' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry) ? [full] : [];
  });
}

const models = schemaModels();
const byDelegate = new Map([...models.keys()].map((model) => [delegateOf(model), model as ModelName]));
const byTable = new Map([...models].map(([model, { table }]) => [table, model as ModelName]));
const ACCESS = new RegExp(`\\.(${[...byDelegate.keys()].join('|')})\\s*\\.\\s*(?:${METHODS})\\b`, 'g');
const TABLE = /\b"?(patient_graph|health|payload)"?\s*\.\s*"?([a-z_]+)"?/g;

/** Code without its comments (block comments, and lines that are only a comment). */
const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** The models a file touches, through the Prisma client or by table name in SQL (comments do not count). */
export function modelsTouched(text: string): Set<ModelName> {
  const source = withoutComments(text);
  const touched = new Set<ModelName>();
  for (const [, delegate] of source.matchAll(ACCESS)) touched.add(byDelegate.get(delegate)!);
  for (const [, schema, table] of source.matchAll(TABLE)) {
    const model = byTable.get(`${schema}.${table}`);
    if (model) touched.add(model);
  }
  return touched;
}

/** Models a file reaches on the request's whole client (`ctx.prisma.<model>.<method>(`) instead of its subgraph's data-access object. */
export function modelsReachedPastTheDao(text: string): string[] {
  const source = withoutComments(text);
  return [...source.matchAll(new RegExp(`\\bctx\\s*\\.\\s*prisma\\s*\\.\\s*(${[...byDelegate.keys()].join('|')})\\s*\\.\\s*(?:${METHODS})\\b`, 'g'))].map(([, delegate]) => byDelegate.get(delegate)!);
}

describe('table ownership', () => {
  it('names one owner for every model, the one the schema comments name', () => {
    expect(Object.keys(MODEL_OWNERS).sort()).toEqual([...models.keys()].sort());
    for (const [model, { owner }] of models) {
      // The audit trail and the outbox have no owner comment (shared infrastructure).
      if (owner !== null) expect(`${model}: ${MODEL_OWNERS[model as ModelName]}`).toBe(`${model}: ${owner}`);
    }
    for (const owner of Object.values(MODEL_OWNERS)) expect([...SERVICE_NAMES, ...OWNERS_BESIDE_SUBGRAPHS]).toContain(owner);
  });

  it('finds model access however the client is named, and tables in SQL', () => {
    expect([...modelsTouched('await deps.prisma.customerProfile.findMany({})')]).toEqual(['CustomerProfile']);
    expect([...modelsTouched('tx.labResult\n  .create({ data })')]).toEqual(['LabResult']);
    expect([...modelsTouched('SELECT 1 FROM "patient_graph"."conversation_history" c')]).toEqual(['Conversation']);
    expect([...modelsTouched('UPDATE payload.goals SET')]).toEqual(['Goal']);
    expect([...modelsTouched('ctx.loaders.patient.load(id)')]).toEqual([]);
    expect([...modelsTouched('// e.g. `ctx.prisma.protocol.delete(…)`\n/** tx.labResult.create */')]).toEqual([]);
  });

  it.each(SERVICE_NAMES)('the %s subgraph touches only the models it owns', (name) => {
    const foreign: string[] = [];
    for (const file of sourceFiles(path.join(ROOT, 'subgraphs', name))) {
      for (const model of modelsTouched(readFileSync(file, 'utf8'))) {
        if (MODEL_OWNERS[model] !== name) foreign.push(`${path.relative(ROOT, file)}: ${model} (owned by ${MODEL_OWNERS[model]})`);
      }
    }
    expect(foreign).toEqual([]);
  });

  it("finds a resolver that reaches a model on ctx.prisma rather than through its data-access object", () => {
    expect(modelsReachedPastTheDao('await ctx.prisma.customerProfile.findMany({})')).toEqual(['CustomerProfile']);
    expect(modelsReachedPastTheDao('ctx.prisma\n  .labResult.delete({ where })')).toEqual(['LabResult']);
    expect(modelsReachedPastTheDao('labsData(ctx.prisma).labResult.delete({ where })')).toEqual([]);
    expect(modelsReachedPastTheDao('ctx.prisma.$transaction(async (tx) => tx.labResult.create({ data }))')).toEqual([]);
  });

  // Each subgraph's data-access object (subgraphs/<name>/data.ts) is typed down to the models it
  // owns, so through it a foreign model does not compile; on ctx.prisma it would.
  it.each(SERVICE_NAMES)('the %s subgraph reads and writes its models through its data-access object, not ctx.prisma', (name) => {
    const past: string[] = [];
    for (const file of sourceFiles(path.join(ROOT, 'subgraphs', name))) {
      for (const model of modelsReachedPastTheDao(readFileSync(file, 'utf8'))) past.push(`${path.relative(ROOT, file)}: ${model}`);
    }
    expect(past).toEqual([]);
  });

  it('touches domain tables in shared/ only where SHARED_MODEL_ACCESS says why', () => {
    const unlisted: string[] = [];
    for (const file of sourceFiles(path.join(ROOT, 'shared'))) {
      const relative = path.relative(ROOT, file).split(path.sep).join('/');
      if (relative === 'shared/db/ownership.ts') continue;
      const allowed: readonly string[] = SHARED_MODEL_ACCESS[relative]?.models ?? [];
      for (const model of modelsTouched(readFileSync(file, 'utf8'))) if (!allowed.includes(model)) unlisted.push(`${relative}: ${model}`);
    }
    expect(unlisted).toEqual([]);
  });
});
