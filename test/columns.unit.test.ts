// A list loader's columns from the operation's selection (shared/graphql/columns.ts): the fields
// selected on the items, through fragments, name the columns read; a field the map does not know
// reads every column; the same field node gives the same list (so equal selections batch together).
import { buildSchema, execute, graphql, parse, type GraphQLResolveInfo } from 'graphql';
import { columnSelection } from '../shared/graphql/columns';

const COLUMNS = columnSelection({
  columns: { id: 'r.id', parentId: 'r.parent_id', code: 'r.code', rawName: 'r.raw_name', value: 'r.value', unit: 'r.unit', note: 'r.note' },
  always: ['parentId'],
  fieldColumns: { name: ['code', 'rawName'], parent: [] },
});

const schema = buildSchema(`
  type Reading { id: ID! code: String name: String value: Float unit: String note: String parent: Reading computed: String }
  type Query { readings: [Reading!]! }
`);

/** The keys the `readings` field would read for `query`, once per execution. */
async function keysOf(query: string): Promise<string[][]> {
  const seen: (readonly string[])[] = [];
  const rootValue = {
    readings: (_args: unknown, _context: unknown, info: GraphQLResolveInfo) => {
      seen.push(COLUMNS.keysFor(info));
      return [];
    },
  };
  const result = await graphql({ schema, source: query, rootValue });
  expect(result.errors).toBeUndefined();
  return seen as string[][];
}

describe('the columns a list reads', () => {
  it('are the selected fields\' own columns, what computed fields come from, and the grouping key, in declaration order', async () => {
    expect(await keysOf('{ readings { value unit } }')).toEqual([['parentId', 'value', 'unit']]);
    expect(await keysOf('{ readings { name __typename } }')).toEqual([['parentId', 'code', 'rawName']]);
    expect(await keysOf('{ readings { parent { id } } }')).toEqual([['parentId']]);
  });

  it('follow fragment spreads and inline fragments', async () => {
    expect(await keysOf('{ readings { ...R ... on Reading { note } } } fragment R on Reading { code }')).toEqual([['parentId', 'code', 'note']]);
  });

  it('are every column when a field the map does not know is selected, directly or in a fragment', async () => {
    const all = ['id', 'parentId', 'code', 'rawName', 'value', 'unit', 'note'];
    expect(await keysOf('{ readings { value computed } }')).toEqual([all]);
    expect(await keysOf('{ readings { ...R } } fragment R on Reading { computed }')).toEqual([all]);
  });

  it('are the same list for the same field node, so one selection shares one statement', async () => {
    const query = '{ readings { value } }';
    const document = parse(query);
    const seen: (readonly string[])[] = [];
    const rootValue = { readings: (_a: unknown, _c: unknown, info: GraphQLResolveInfo) => (seen.push(COLUMNS.keysFor(info)), []) };
    await graphql({ schema, source: query, rootValue });
    await execute({ schema, document, rootValue });
    await execute({ schema, document, rootValue });
    expect(seen[1]).toBe(seen[2]);
    expect(seen[0]).toEqual(seen[1]);
  });

  it('add what an argument reads, in declaration order, selected or not', async () => {
    const seen: (readonly string[])[] = [];
    const rootValue = { readings: (_a: unknown, _c: unknown, info: GraphQLResolveInfo) => (seen.push(COLUMNS.keysFor(info, ['code'])), []) };
    await graphql({ schema, source: '{ readings { unit id } }', rootValue });
    await graphql({ schema, source: '{ readings { code } }', rootValue });
    expect(seen).toEqual([['id', 'parentId', 'code', 'unit'], ['parentId', 'code']]);
  });

  it('treat a field named like an object\'s own property (constructor) as a field the map does not know', async () => {
    const withConstructor = buildSchema('type Reading { value: Float constructor: String } type Query { readings: [Reading!]! }');
    const seen: (readonly string[])[] = [];
    const rootValue = { readings: (_a: unknown, _c: unknown, info: GraphQLResolveInfo) => (seen.push(COLUMNS.keysFor(info)), []) };
    const result = await graphql({ schema: withConstructor, source: '{ readings { value constructor } }', rootValue });
    expect(result.errors).toBeUndefined();
    expect(seen).toEqual([['id', 'parentId', 'code', 'rawName', 'value', 'unit', 'note']]);
  });

  it('build the SELECT list from the keys', () => {
    expect(COLUMNS.selectList(['parentId', 'value'])).toBe('r.parent_id, r.value');
  });
});
