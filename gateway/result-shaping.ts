// The gateway's last step on every query: shaping the subgraphs' merged data into the response the
// operation asked for (aliases, fragments, @skip/@include, nulls propagated to the nearest nullable
// field, leaf values checked). @apollo/gateway's computeResponse walks the operation's selection
// objects for every object of the data: it re-reads each selection's directives, its field
// definition and its type for every object, and makes null-prototype (dictionary) objects. On the
// dashboard's 2,810 objects that walk was an eighth of the whole process's CPU.
//
// This module does the same walk from a plan compiled once per request: @skip/@include resolved
// against the request's variables, each field's type reduced to a chain of steps, each leaf's check
// chosen once. The result is the same data and the same errors (gateway/test/result-shaping.unit.test.ts
// runs both on the same inputs); the objects it builds are ordinary ones, which JSON.stringify takes
// on its fast path. useCompiledResultShaping() installs it in @apollo/gateway's executor, which
// calls computeResponse through its module's exports (pinned version: package.json).
import {
  ERRORS,
  Variable,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  typenameFieldName,
  type CompositeType,
  type FieldSelection,
  type NamedType,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';

type ResultShapingModule = typeof import('@apollo/gateway/dist/resultShaping');
type ComputeResponse = ResultShapingModule['computeResponse'];
export type ShapingInput = Parameters<ComputeResponse>[0];
export type ShapingResult = ReturnType<ComputeResponse>;

/** How a value of one (possibly wrapped) type is completed. */
type Shape =
  | { kind: 'nonNull'; of: Shape; type: Type }
  | { kind: 'list'; of: Shape; type: Type }
  | { kind: 'composite'; type: CompositeType; steps: Step[] }
  | { kind: 'leaf'; type: NamedType; valid: (value: unknown) => boolean };

/** One selection of a selection set, after @skip/@include. */
type Step =
  | { kind: 'field'; name: string; own: boolean; shape: Shape; hasSelections: boolean }
  | { kind: 'typename'; name: string; own: boolean }
  | { kind: 'introspection'; name: string; own: boolean; selection: FieldSelection }
  | { kind: 'fragment'; condition: CompositeType | undefined; steps: Step[]; applies: Map<string | NamedType, boolean> }
  | { kind: 'fail'; error: Error };

/** Names an ordinary object inherits: read and written as own properties only (`constructor`, `__proto__`…). */
const inheritedName = (name: string) => name in Object.prototype;

const BUBBLE = 1;
const OK = 0;

interface Walk {
  schema: Schema;
  errors: GraphQLError[];
  introspection: ShapingInput['introspectionHandling'];
  path: (string | number)[];
  /** Set by complete(): the value must null its parent (a non-null field came back null). */
  invalid: boolean;
  /** Set by complete(): an error was recorded below this value. */
  hasErrors: boolean;
}

type AppliedCondition = { arguments(): Record<string, unknown>; toString(): string };

function ifValue(directive: AppliedCondition, variables: Record<string, unknown>): boolean {
  const argument = directive.arguments().if;
  if (argument instanceof Variable) {
    const value = variables[argument.name];
    if (typeof value !== 'boolean') throw new Error(`Unexpected value ${String(value)} for variable ${argument} of ${directive}`);
    return value;
  }
  return argument as boolean;
}

/** The text of a number an Int or an ID accepts (federation-internals' integerStringRegExp). */
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** What a leaf value must be for its type (federation-internals' isValidLeafValue, decided once per field). */
function leafCheck(schema: Schema, type: NamedType): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  const isBoolean = type === schema.booleanType();
  const isFloat = type === schema.floatType();
  // ID takes integers and text; Int only integers.
  const takesIntegers = type === schema.intType() || type === schema.idType();
  const takesText = !isBoolean && !isFloat && type !== schema.intType();
  const enumValues = isEnumType(type) ? new Set(type.values.map((value) => value.name)) : undefined;
  return (value) => {
    if (typeof value === 'boolean') return isBoolean;
    if (typeof value === 'number' && Number.isFinite(value)) return takesIntegers ? INTEGER.test(String(value)) : isFloat;
    if (typeof value === 'string') return enumValues ? enumValues.has(value) : takesText;
    return false;
  };
}

class Compiler {
  private readonly sets = new Map<SelectionSet, Step[]>();

  constructor(
    private readonly schema: Schema,
    private readonly variables: Record<string, unknown>,
  ) {}

  steps(set: SelectionSet): Step[] {
    let steps = this.sets.get(set);
    if (steps) return steps;
    steps = [];
    this.sets.set(set, steps);
    for (const selection of set.selections()) {
      const element = selection.element;
      try {
        if (this.skipped(element)) continue;
      } catch (error) {
        // Stock shaping throws when it reaches this selection: so does this plan, only then.
        steps.push({ kind: 'fail', error: error as Error });
        continue;
      }
      if (selection.kind === 'FieldSelection') {
        const field = selection.element;
        const name = field.responseName();
        const own = inheritedName(name);
        if (field.definition.isSchemaIntrospectionField()) steps.push({ kind: 'introspection', name, own, selection });
        else if (field.name === typenameFieldName) steps.push({ kind: 'typename', name, own });
        else steps.push({ kind: 'field', name, own, shape: this.shape(field.definition.type!, selection.selectionSet), hasSelections: !!selection.selectionSet });
      } else {
        steps.push({ kind: 'fragment', condition: selection.element.typeCondition, steps: this.steps(selection.selectionSet), applies: new Map() });
      }
    }
    return steps;
  }

  private skipped(element: { appliedDirectivesOf: (definition: never) => readonly AppliedCondition[] }): boolean {
    const skip = element.appliedDirectivesOf(this.schema.skipDirective() as never)[0];
    const include = element.appliedDirectivesOf(this.schema.includeDirective() as never)[0];
    return (!!skip && ifValue(skip, this.variables)) || (!!include && !ifValue(include, this.variables));
  }

  private shape(type: Type, selections: SelectionSet | undefined): Shape {
    if (isNonNullType(type)) return { kind: 'nonNull', of: this.shape(type.ofType, selections), type };
    if (isListType(type)) return { kind: 'list', of: this.shape(type.ofType, selections), type };
    if (isCompositeType(type)) return { kind: 'composite', type, steps: selections ? this.steps(selections) : [] };
    return { kind: 'leaf', type: type as NamedType, valid: leafCheck(this.schema, type as NamedType) };
  }
}

const read = (object: Record<string, unknown>, name: string, own: boolean) => (own ? (Object.hasOwn(object, name) ? object[name] : undefined) : object[name]);

function write(object: Record<string, unknown>, name: string, own: boolean, value: unknown): void {
  if (own) Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
  else object[name] = value;
}

function describe(path: (string | number)[], type: Type, parentType: NamedType): string {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${type} at index ${element}`;
}

function fragmentApplies(walk: Walk, step: Extract<Step, { kind: 'fragment' }>, typename: string | undefined, parentType: CompositeType): boolean {
  const condition = step.condition;
  if (!condition) return true;
  const key = typename || parentType;
  let applies = step.applies.get(key);
  if (applies === undefined) {
    const type = typename ? walk.schema.type(typename) : parentType;
    applies = !!type && isSubtype(condition, type);
    step.applies.set(key, applies);
  }
  return applies;
}

/** Fills `output` from `input` for the steps of one selection set; BUBBLE when `output` must become null. */
function applySteps(walk: Walk, steps: Step[], input: Record<string, unknown>, output: Record<string, unknown>, parentType: CompositeType): number {
  for (const step of steps) {
    switch (step.kind) {
      case 'field': {
        const inputValue = Object.hasOwn(input, step.name) ? (input[step.name] ?? null) : null;
        walk.path.push(step.name);
        const updated = complete(walk, step.shape, step.hasSelections, read(output, step.name, step.own), inputValue, parentType);
        write(output, step.name, step.own, updated);
        walk.path.pop();
        if (walk.invalid) return BUBBLE;
        break;
      }
      case 'typename': {
        if (read(output, step.name, step.own) !== undefined) break;
        let value = Object.hasOwn(input, step.name) ? (input[step.name] ?? null) : null;
        if (value === null && step.name !== typenameFieldName) value = input[typenameFieldName] ?? null;
        const type = typeof value === 'string' ? (walk.schema.type(value) ?? parentType) : parentType;
        if (!isObjectType(type)) return BUBBLE;
        write(output, step.name, step.own, type.name);
        break;
      }
      case 'introspection':
        if (read(output, step.name, step.own) === undefined) write(output, step.name, step.own, walk.introspection(step.selection));
        break;
      case 'fragment': {
        const typename = input[typenameFieldName];
        if (typename && typeof typename !== 'string') throw new Error(`Got unexpected value for __typename: ${String(typename)}`);
        if (fragmentApplies(walk, step, typename as string | undefined, parentType)) {
          if (applySteps(walk, step.steps, input, output, step.condition ?? parentType) === BUBBLE) return BUBBLE;
        }
        break;
      }
      case 'fail':
        throw step.error;
    }
  }
  return OK;
}

/** The value for one field or list element (updateOutputValue's rules); sets walk.invalid and walk.hasErrors. */
function complete(walk: Walk, shape: Shape, hasSelections: boolean, outputValue: unknown, inputValue: unknown, parentType: CompositeType): unknown {
  if (inputValue === undefined) throw new Error('Should not pass undefined for `inputValue` to this method');
  walk.invalid = false;
  walk.hasErrors = false;
  if (outputValue === null || (outputValue !== undefined && !hasSelections)) return outputValue;
  switch (shape.kind) {
    case 'nonNull': {
      const updated = complete(walk, shape.of, hasSelections, outputValue, inputValue, parentType);
      if (updated === null) {
        if (!walk.hasErrors) walk.errors.push(ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${describe(walk.path, shape.of.type, parentType)}.`, { path: Array.from(walk.path) }));
        walk.invalid = true;
        walk.hasErrors = true;
        return null;
      }
      walk.invalid = false;
      walk.hasErrors = false;
      return updated;
    }
    case 'list': {
      if (inputValue === null) return null;
      if (!Array.isArray(inputValue)) throw new Error(`Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${shape.type}`);
      if (outputValue !== undefined && !Array.isArray(outputValue)) throw new Error(`Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${shape.type}`);
      const existing = outputValue as unknown[] | undefined;
      if (existing && existing.length !== inputValue.length) throw new Error(`[${inputValue}].length (${inputValue.length}) !== [${existing}].length (${existing.length})`);
      const updated = new Array<unknown>(inputValue.length);
      let nullify = false;
      let hasErrors = false;
      for (let index = 0; index < inputValue.length; index++) {
        walk.path.push(index);
        updated[index] = complete(walk, shape.of, hasSelections, existing ? existing[index] : undefined, inputValue[index], parentType);
        walk.path.pop();
        nullify ||= walk.invalid;
        hasErrors ||= walk.hasErrors;
      }
      walk.invalid = false;
      walk.hasErrors = hasErrors;
      return nullify ? null : updated;
    }
    case 'composite': {
      if (inputValue === null) return null;
      if (typeof inputValue !== 'object') throw new Error(`Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${shape.type}`);
      if (outputValue !== undefined && typeof outputValue !== 'object') throw new Error(`Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${shape.type}`);
      const input = inputValue as Record<string, unknown>;
      const typename = input[typenameFieldName];
      if (typename !== undefined && typeof typename !== 'string') throw new Error(`Invalid non-string value ${String(typename)} for __typename at ${walk.path}`);
      let objectType: CompositeType = shape.type;
      if (typename) {
        const named = walk.schema.type(typename);
        if (!named || !isCompositeType(named)) {
          walk.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describe(walk.path, shape.type, parentType)}.`, { path: Array.from(walk.path) }));
          walk.hasErrors = true;
          return null;
        }
        objectType = named;
      }
      const output = (outputValue as Record<string, unknown> | undefined) ?? {};
      const bubbled = applySteps(walk, shape.steps, input, output, objectType) === BUBBLE;
      walk.invalid = false;
      walk.hasErrors = bubbled;
      return bubbled ? null : output;
    }
    case 'leaf': {
      if (inputValue === null) return null;
      if (outputValue !== undefined) throw new Error(`Excepted output to be undefined but got ${shape.type} for type ${shape.type}`);
      const valid = shape.valid(inputValue);
      if (!valid) {
        walk.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describe(walk.path, shape.type, parentType)}.`, { path: Array.from(walk.path) }));
        walk.hasErrors = true;
      }
      return valid ? inputValue : null;
    }
  }
}

/** computeResponse with the operation compiled first (same arguments, same result). */
export function compiledComputeResponse({ operation, variables, input, introspectionHandling }: ShapingInput): ShapingResult {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const values: Record<string, unknown> = { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables };
  const steps = new Compiler(schema, values).steps(operation.selectionSet);
  const walk: Walk = { schema, errors: [], introspection: introspectionHandling, path: [], invalid: false, hasErrors: false };
  const data: Record<string, unknown> = {};
  const root = schema.schemaDefinition.rootType(operation.rootKind)!;
  const bubbled = applySteps(walk, steps, input, data, root) === BUBBLE;
  return { data: bubbled ? null : data, errors: walk.errors };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const resultShaping = require('@apollo/gateway/dist/resultShaping') as { computeResponse: ComputeResponse };

/** @apollo/gateway's own computeResponse, as shipped (kept for comparison and restore). */
export const apolloComputeResponse: ComputeResponse = resultShaping.computeResponse;

/** Makes @apollo/gateway's executor shape results with compiledComputeResponse (idempotent; process-wide). */
export function useCompiledResultShaping(): void {
  resultShaping.computeResponse = compiledComputeResponse as ComputeResponse;
}
