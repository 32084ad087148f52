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

/** Walks a variable's JSON value along its type; strings in custom scalars (representations) are checked too. */
function walk(value: unknown, type: GraphQLInputType | undefined, where: string, maxLength: number, unbounded = false): GraphQLError | null {
  if (typeof value === 'string') {
    const problem = problemWith(value, maxLength, unbounded);
    return problem ? badUserInput(where, problem) : null;
  }
  if (value === null || typeof value !== 'object') return null;
  const inner = type && isNonNullType(type) ? type.ofType : type;
  if (Array.isArray(value)) {
    const item = inner && isListType(inner) ? inner.ofType : inner;
    for (const [i, element] of value.entries()) {
      const found = walk(element, item, `${where}[${i}]`, maxLength, unbounded);
      if (found) return found;
    }
    return null;
  }
  const named = inner ? getNamedType(inner) : undefined;
  const fields = named && isInputObjectType(named) ? named.getFields() : undefined;
  for (const [key, element] of Object.entries(value)) {
    const found = walk(element, fields?.[key]?.type, `${where}.${key}`, maxLength, unbounded || (named ? LONG_STRING_FIELDS.has(`${named.name}.${key}`) : false));
    if (found) return found;
  }
  return null;
}

export function checkStringInputs(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, maxLength: number): GraphQLError | null {
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type as never) as GraphQLInputType | undefined;
    const found = walk(variables?.[name], type, `$${name}`, maxLength);
    if (found) return found;
  }
  let found: GraphQLError | null = null;
  visit(document, {
    StringValue(node, _key, parent) {
      const owner = parent && !Array.isArray(parent) ? (parent as { kind?: string; name?: { value: string } }) : undefined;
      const name = owner?.kind === Kind.OBJECT_FIELD || owner?.kind === Kind.ARGUMENT ? owner.name!.value : 'argument';
      const unbounded = owner?.kind === Kind.OBJECT_FIELD && LONG_STRING_NAMES.has(name);
      const problem = problemWith(node.value, maxLength, unbounded);
      if (problem && !found) found = badUserInput(name, problem);
    },
  });
  return found;
}
