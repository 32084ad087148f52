// The document work behind @defer (operation.ts): labels, the shaping documents, trimming a
// result to the client's selection, and finding the objects a deferred fragment belongs to.
import { buildSchema, Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { fragmentDefinitions, labelDefers, locate, pick, shapingDocument, variablesWithDefaults } from '../defer/operation';

const schema = buildSchema(`
  directive @defer(if: Boolean! = true, label: String) on FRAGMENT_SPREAD | INLINE_FRAGMENT
  type Query { patients(first: Int = 2): [Patient!]! node: Node }
  interface Node { id: ID! }
  type Patient implements Node { id: ID! name: String! labs: [Lab!]! }
  type Lab implements Node { id: ID! value: Float }
`);

const query = parse(`query Q($later: Boolean = true) {
  patients { id ... @defer(label: "labs", if: $later) { labs { value } } ...Name @defer }
}
fragment Name on Patient { name }`);

describe('@defer documents', () => {
  it('labels every applying @defer with its own label and keeps the client label apart', () => {
    const labelled = labelDefers(query, variablesWithDefaults(query, {}, schema))!;
    expect([...labelled.fragments.values()].map((f) => [f.label, f.clientLabel, f.typeCondition])).toEqual([
      ['__defer_0', 'labs', undefined],
      ['__defer_1', undefined, 'Patient'],
    ]);
    expect(print(labelled.document)).toContain('@defer(label: "__defer_0")');
  });

  it('drops a @defer whose if is false, and finds none left', () => {
    const only = parse('query Q($later: Boolean!) { patients { id ... @defer(if: $later) { name } } }');
    expect(labelDefers(only, { later: false })).toBeNull();
  });

  it('shapes a part with its fragment kept, the others reduced to their keys, and __typename everywhere', () => {
    const labelled = labelDefers(query, { later: true })!;
    const keys = [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'id' } } as const];
    const printed = print(shapingDocument(labelled.document, new Set(['__defer_0']), () => keys));
    expect(printed).toContain('labs {');
    expect(printed).not.toContain('...Name');
    expect(printed).not.toContain('@defer');
    expect(printed.match(/__typename/g)!.length).toBeGreaterThanOrEqual(3);
  });

  it("trims a result to the client's selection, leaving deferred fragments out", () => {
    const labelled = labelDefers(query, { later: true })!;
    const operation = labelled.document.definitions[0] as OperationDefinitionNode;
    const data = { __typename: 'Query', patients: [{ __typename: 'Patient', id: '1', name: 'Ann', labs: [] }] };
    expect(pick(data, operation.selectionSet.selections, { schema, fragments: fragmentDefinitions(labelled.document), variables: {} })).toEqual({ patients: [{ id: '1' }] });
  });

  it('keeps aliases named like inherited properties as plain fields, never inherited values', () => {
    const document = parse('query Q { patients { constructor: id __proto__: name toString: labs { value } } }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    const context = { schema, fragments: fragmentDefinitions(document), variables: {} };
    const present = JSON.parse('{"patients":[{"constructor":"1","__proto__":"Ann","toString":[{"value":2}]}]}');
    expect(JSON.stringify(pick(present, operation.selectionSet.selections, context))).toBe('{"patients":[{"constructor":"1","__proto__":"Ann","toString":[{"value":2}]}]}');
    // Absent from the data (an errored fetch): null, not Object.prototype's function.
    expect(JSON.stringify(pick({ patients: [{}] }, operation.selectionSet.selections, context))).toBe('{"patients":[{"constructor":null,"__proto__":null,"toString":null}]}');
  });

  it('finds the objects at a path with their list indexes, filtered by type conditions', () => {
    const data = { patients: [{ __typename: 'Patient', id: '1' }, null, { __typename: 'Patient', id: '3' }], node: { __typename: 'Lab', id: 'x' } };
    expect(locate(schema, data, ['patients']).map((found) => found.path)).toEqual([['patients', 0], ['patients', 2]]);
    expect(locate(schema, data, ['node', '... on Patient'])).toEqual([]);
    expect(locate(schema, data, ['node', '... on Node']).map((found) => found.path)).toEqual([['node']]);
  });
});
