// fallbackRule is deny: a field no rule names is refused to everyone. This checks, statically,
// that every field of every subgraph has a rule (by field, by the type's '*', or by a rule on
// the whole type), so nothing the schema offers is silently unusable.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { isObjectType } from 'graphql';
import { effectiveRule, SHIELD_OPTIONS } from '../shared/rbac/apply';
import { SUBGRAPHS } from '../subgraphs';


describe.each(Object.values(SUBGRAPHS).map((module) => [module.name, module] as const))('%s permissions', (_name, module) => {
  const schema = buildSubgraphSchema([{ typeDefs: module.typeDefs }]);
  const rules = module.permissions as Record<string, unknown>;

  it('cover every field of every object type', () => {
    const uncovered: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.keys(type.getFields())) {
        if (effectiveRule(module.permissions, type.name, field) === SHIELD_OPTIONS.fallbackRule) uncovered.push(`${type.name}.${field}`);
      }
    }
    expect(uncovered).toEqual([]);
  });

  it('name no type the schema does not have', () => {
    const known = new Set(Object.keys(schema.getTypeMap()));
    expect(Object.keys(rules).filter((type) => !known.has(type))).toEqual([]);
  });
});
