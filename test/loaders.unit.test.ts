// The per-request loader shapes (shared/graphql/loaders.ts): a filtered relation is fetched in one
// statement per distinct filter, whatever the number of parents, and each parent gets its own rows
// for its own filter, in the order the fetch returned them (none: an empty list).
import { filteredRelationLoader } from '../shared/graphql/loaders';

interface Row { parentId: string; metric: string; n: number }

const TABLE: Row[] = [
  { parentId: 'a', metric: 'HR', n: 1 },
  { parentId: 'b', metric: 'HR', n: 2 },
  { parentId: 'a', metric: 'HR', n: 3 },
  { parentId: 'a', metric: 'SLEEP', n: 4 },
];

describe('a filtered relation loader', () => {
  it('sends one fetch per distinct filter and hands each parent its rows for its filter', async () => {
    const fetches: { parentIds: readonly string[]; filter: { metric: string } }[] = [];
    const loader = filteredRelationLoader(
      async (parentIds, filter: { metric: string }) => {
        fetches.push({ parentIds, filter });
        return TABLE.filter((row) => parentIds.includes(row.parentId) && row.metric === filter.metric);
      },
      (row: Row) => row.parentId,
    );
    const [aHr, bHr, cHr, aSleep, bSleep] = await Promise.all([
      loader.load({ parentId: 'a', filter: { metric: 'HR' } }),
      loader.load({ parentId: 'b', filter: { metric: 'HR' } }),
      loader.load({ parentId: 'c', filter: { metric: 'HR' } }),
      loader.load({ parentId: 'a', filter: { metric: 'SLEEP' } }),
      loader.load({ parentId: 'b', filter: { metric: 'SLEEP' } }),
    ]);
    expect(fetches).toEqual([
      { parentIds: ['a', 'b', 'c'], filter: { metric: 'HR' } },
      { parentIds: ['a', 'b'], filter: { metric: 'SLEEP' } },
    ]);
    expect(aHr.map((row) => row.n)).toEqual([1, 3]);
    expect(bHr.map((row) => row.n)).toEqual([2]);
    expect(cHr).toEqual([]);
    expect(aSleep.map((row) => row.n)).toEqual([4]);
    expect(bSleep).toEqual([]);
  });

  it('fails every parent of a batch whose fetch fails', async () => {
    const loader = filteredRelationLoader(async () => Promise.reject(new Error('database unavailable')), (row: Row) => row.parentId);
    const answers = await Promise.allSettled([loader.load({ parentId: 'a', filter: 1 }), loader.load({ parentId: 'b', filter: 1 })]);
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
  });
});
