// Table ownership, enforced: the map in shared/db/ownership.ts covers every Prisma model and
// agrees with the owner comments in prisma/schema.prisma; each subgraph's code touches only the
// models (and, in raw SQL, the tables) its subgraph owns; shared/ touches only what
// SHARED_MODEL_ACCESS names. A static scan: `<anything>.<model>.<Prisma method>(` and
// `schema.table` in SQL text.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SERVICE_NAMES } from '../shared/config';
import { delegateOf, MODEL_OWNERS, SHARED_MODEL_ACCESS, type ModelName } from '../shared/db/ownership';

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
    models.set(name, { owner: /owner: (\w+)/.exec(doc)?.[1] ?? null, table: `${schema}.${table}` });
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

/** The models a file touches, through the Prisma client or by table name in SQL. */
export function modelsTouched(source: string): Set<ModelName> {
  const touched = new Set<ModelName>();
  for (const [, delegate] of source.matchAll(ACCESS)) touched.add(byDelegate.get(delegate)!);
  for (const [, schema, table] of source.matchAll(TABLE)) {
    const model = byTable.get(`${schema}.${table}`);
    if (model) touched.add(model);
  }
  return touched;
}

describe('table ownership', () => {
  it('names one owner for every model, the one the schema comments name', () => {
    expect(Object.keys(MODEL_OWNERS).sort()).toEqual([...models.keys()].sort());
    for (const [model, { owner }] of models) {
      // The audit trail has no single-owner comment (every subgraph appends, patient reads).
      if (owner !== null) expect(`${model}: ${MODEL_OWNERS[model as ModelName]}`).toBe(`${model}: ${owner}`);
    }
    for (const owner of Object.values(MODEL_OWNERS)) expect(SERVICE_NAMES).toContain(owner);
  });

  it('finds model access however the client is named, and tables in SQL', () => {
    expect([...modelsTouched('await deps.prisma.customerProfile.findMany({})')]).toEqual(['CustomerProfile']);
    expect([...modelsTouched('tx.labResult\n  .create({ data })')]).toEqual(['LabResult']);
    expect([...modelsTouched('SELECT 1 FROM "patient_graph"."conversation_history" c')]).toEqual(['Conversation']);
    expect([...modelsTouched('UPDATE payload.goals SET')]).toEqual(['Goal']);
    expect([...modelsTouched('ctx.loaders.patient.load(id)')]).toEqual([]);
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
