// The columns a loader reads for the fields an operation selects on a list's items: the
// dashboard's thousand readings and thousand daily stats are read with the five or seven
// columns their selected fields come from, not every column of the table. A field the map does
// not know reads every column, so a field added to the schema later is never resolved from a
// row that lacks what it needs.
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

export interface ColumnSelectionOptions<K extends string> {
  /** Each column the loader may read: its key (the row's property) and its SQL select expression. */
  columns: Readonly<Record<K, string>>;
  /** Columns every read needs whatever is selected (the key rows are grouped by). */
  always: readonly NoInfer<K>[];
  /** Fields resolved from other columns than their own name's (or from none: `[]`). */
  fieldColumns?: Readonly<Record<string, readonly NoInfer<K>[]>>;
}

export interface ColumnSelection<K extends string> {
  /**
   * The keys of the columns the items of the current field need, and `also` (what an argument
   * reads), in declaration order (so equal selections batch together).
   */
  keysFor(info: GraphQLResolveInfo, also?: readonly K[]): readonly K[];
  /** The SELECT list for those keys. */
  selectList(keys: readonly K[]): string;
}

export function columnSelection<K extends string>(options: ColumnSelectionOptions<K>): ColumnSelection<K> {
  const allKeys = Object.keys(options.columns) as K[];
  const isColumn = (name: string): name is K => Object.hasOwn(options.columns, name);
  // A cached document hands every request the same field nodes: a selection is worked out once.
  const memo = new WeakMap<FieldNode, readonly K[]>();

  function collect(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, into: Set<K>, seen: Set<string>): boolean {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const own = options.fieldColumns && Object.hasOwn(options.fieldColumns, name) ? options.fieldColumns[name] : undefined;
        const needs = own ?? (isColumn(name) ? [name] : name === '__typename' ? [] : null);
        if (!needs) return false;
        for (const key of needs) into.add(key);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!collect(selection.selectionSet, info, into, seen)) return false;
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        if (!collect(info.fragments[selection.name.value]?.selectionSet, info, into, seen)) return false;
      }
    }
    return true;
  }

  function compute(info: GraphQLResolveInfo): readonly K[] {
    const keys = new Set<K>(options.always);
    const seen = new Set<string>();
    for (const node of info.fieldNodes) if (!collect(node.selectionSet, info, keys, seen)) return allKeys;
    return allKeys.filter((key) => keys.has(key));
  }

  return {
    keysFor(info, also = []) {
      const node = info.fieldNodes.length === 1 ? info.fieldNodes[0] : undefined;
      const selected = (node && memo.get(node)) ?? compute(info);
      if (node) memo.set(node, selected);
      return also.every((key) => selected.includes(key)) ? selected : allKeys.filter((key) => selected.includes(key) || also.includes(key));
    },
    selectList: (keys) => keys.map((key) => options.columns[key]).join(', '),
  };
}
