// String inputs checked before anything reads them: a NUL character (PostgreSQL refuses it in
// text: an internal error otherwise) or a string longer than LIMIT_STRING_LENGTH is the
// client's mistake, answered BAD_USER_INPUT naming the variable or argument. Variables are
// walked with their declared types; literals in the document as they are.
import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  typeFromAST,
  visit,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { badUserInput } from '../graphql/errors';
import type { GraphQLError } from 'graphql';

/** Input fields bounded by a limit of their own instead: a lab report's base64 (LAB_UPLOAD_MAX_BYTES). */
export const LONG_STRING_FIELDS: ReadonlySet<string> = new Set(['LabReportFileInput.contentBase64']);

/** A literal is seen without its input type: matched by the field's name alone. */
const LONG_STRING_NAMES = new Set([...LONG_STRING_FIELDS].map((coordinate) => coordinate.split('.')[1]));

function problemWith(value: string, maxLength: number, unbounded: boolean): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (!unbounded && value.length > maxLength) return `is ${value.length} characters long; at most ${maxLength} are accepted`;
  return null;
}

/** A string input's problem and where it is (built only when there is one: most requests have none). */
interface Finding {
  path: string[];
  problem: string;
}

/** Walks a variable's JSON value along its type; strings in custom scalars (representations) are checked too. */
function walk(value: unknown, type: GraphQLInputType | undefined, maxLength: number, unbounded = false): Finding | null {
  if (typeof value === 'string') {
    const problem = problemWith(value, maxLength, unbounded);
    return problem ? { path: [], problem } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  const inner = type && isNonNullType(type) ? type.ofType : type;
  if (Array.isArray(value)) {
    const item = inner && isListType(inner) ? inner.ofType : inner;
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], item, maxLength, unbounded);
      if (found) return found.path.unshift(`[${i}]`), found;
    }
    return null;
  }
  const named = inner ? getNamedType(inner) : undefined;
  const fields = named && isInputObjectType(named) ? named.getFields() : undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const found = walk((value as Record<string, unknown>)[key], fields?.[key]?.type, maxLength, unbounded || (named ? LONG_STRING_FIELDS.has(`${named.name}.${key}`) : false));
    if (found) return found.path.unshift(`.${key}`), found;
  }
  return null;
}

/** The first string literal of a document with a problem, by document and limit: literals are the same in every request that sends the text. */
const literalFindings = new WeakMap<DocumentNode, Map<number, { name: string; problem: string } | null>>();

function literalFinding(document: DocumentNode, maxLength: number): { name: string; problem: string } | null {
  let byLimit = literalFindings.get(document);
  if (!byLimit) literalFindings.set(document, (byLimit = new Map()));
  if (byLimit.has(maxLength)) return byLimit.get(maxLength)!;
  let found: { name: string; problem: string } | null = null;
  visit(document, {
    StringValue(node, _key, parent) {
      const owner = parent && !Array.isArray(parent) ? (parent as { kind?: string; name?: { value: string } }) : undefined;
      const name = owner?.kind === Kind.OBJECT_FIELD || owner?.kind === Kind.ARGUMENT ? owner.name!.value : 'argument';
      const unbounded = owner?.kind === Kind.OBJECT_FIELD && LONG_STRING_NAMES.has(name);
      const problem = problemWith(node.value, maxLength, unbounded);
      if (problem && !found) found = { name, problem };
    },
  });
  byLimit.set(maxLength, found);
  return found;
}

export function checkStringInputs(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, maxLength: number): GraphQLError | null {
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type as never) as GraphQLInputType | undefined;
    const found = walk(variables?.[name], type, maxLength);
    if (found) return badUserInput(`$${name}${found.path.join('')}`, found.problem);
  }
  const literal = literalFinding(document, maxLength);
  return literal ? badUserInput(literal.name, literal.problem) : null;
}
