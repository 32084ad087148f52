// DataLoader shapes every subgraph uses: one SQL statement per kind of lookup per tick,
// however many parents ask (no N+1). Loaders live for one request only; each measures its
// batch sizes (loader-metrics.ts).
import DataLoader from 'dataloader';
import { BatchMeter } from './loader-metrics';

/** Rows by primary key; a missing id yields null. */
export function entityLoader<T>(fetch: (ids: readonly string[]) => Promise<T[]>, idOf: (row: T) => string = (row) => (row as { id: string }).id) {
  const meter = new BatchMeter();
  return meter.attach(new DataLoader<string, T | null>(async (ids) => {
    const rows = await meter.batch(ids.length, () => fetch(ids));
    const byId = new Map(rows.map((row) => [idOf(row), row]));
    return ids.map((id) => byId.get(id) ?? null);
  }));
}

/** All rows belonging to each parent id (a one-to-many relation), in the order fetch returns them. */
export function relationLoader<T>(fetch: (parentIds: readonly string[]) => Promise<T[]>, parentOf: (row: T) => string) {
  const meter = new BatchMeter();
  return meter.attach(new DataLoader<string, T[]>(async (parentIds) => {
    const rows = await meter.batch(parentIds.length, () => fetch(parentIds));
    const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) groups.get(parentOf(row))?.push(row);
    return parentIds.map((id) => groups.get(id) ?? []);
  }));
}

/**
 * A relation filtered by field arguments (a date window, a metric): keys that share the
 * same filter are fetched together in one statement.
 */
export function filteredRelationLoader<F, T>(
  fetch: (parentIds: readonly string[], filter: F) => Promise<T[]>,
  parentOf: (row: T) => string,
) {
  const meter = new BatchMeter();
  return meter.attach(new DataLoader<{ parentId: string; filter: F }, T[], string>(
    async (keys) => {
      // Rows are grouped per filter, then per parent: no key is built per row (a thousand rows per batch).
      const byFilter = new Map<string, { filter: F; rows: Map<string, T[]> }>();
      const groupOf = keys.map((key) => {
        const signature = JSON.stringify(key.filter);
        let group = byFilter.get(signature);
        if (!group) byFilter.set(signature, (group = { filter: key.filter, rows: new Map() }));
        group.rows.set(key.parentId, []);
        return group;
      });
      await Promise.all(
        [...byFilter.values()].map(async (group) => {
          const parentIds = [...group.rows.keys()];
          // One statement per filter: the batch measured.
          for (const row of await meter.batch(parentIds.length, () => fetch(parentIds, group.filter))) group.rows.get(parentOf(row))?.push(row);
        }),
      );
      return keys.map((key, i) => groupOf[i].rows.get(key.parentId)!);
    },
    { cacheKeyFn: (key) => `${JSON.stringify(key.filter)}|${key.parentId}` },
  ));
}

/** A count per parent id in one grouped statement. */
export function countLoader(fetch: (parentIds: readonly string[]) => Promise<{ parentId: string; count: number }[]>) {
  const meter = new BatchMeter();
  return meter.attach(new DataLoader<string, number>(async (parentIds) => {
    const counts = new Map((await meter.batch(parentIds.length, () => fetch(parentIds))).map((row) => [row.parentId, row.count]));
    return parentIds.map((id) => counts.get(id) ?? 0);
  }));
}
