// The persisted-operation manifest (schema/persisted-operations.json): every operation in
// clients/operations/*.graphql, by the SHA-256 of its document. Partners may run only these;
// `npm run codegen` writes it and a test fails when it is stale.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, visit, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { projectRoot } from '../../shared/config';

export const OPERATIONS_DIR = path.join(projectRoot, 'clients/operations');
export const MANIFEST_FILE = path.join(projectRoot, 'schema/persisted-operations.json');

export interface PersistedOperation {
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  document: string;
}

export interface Manifest {
  /** sha256 hex of `document` → the operation. */
  operations: Record<string, PersistedOperation>;
}

export const documentHash = (document: string) => createHash('sha256').update(document).digest('hex');

/** One standalone document per named operation: the operation and the fragments it reaches. */
export function operationsOf(documents: DocumentNode[]): PersistedOperation[] {
  const definitions = documents.flatMap((doc) => doc.definitions);
  const fragments = new Map(
    definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const reached = (node: OperationDefinitionNode | FragmentDefinitionNode, seen: Set<string>): void => {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (seen.has(name)) return;
        const fragment = fragments.get(name);
        if (!fragment) throw new Error(`fragment ${name} is not defined in clients/operations`);
        seen.add(name);
        reached(fragment, seen);
      },
    });
  };
  return definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => {
      if (!operation.name) throw new Error('every operation in clients/operations needs a name');
      const used = new Set<string>();
      reached(operation, used);
      const document = print({ kind: Kind.DOCUMENT, definitions: [operation, ...[...used].sort().map((name) => fragments.get(name)!)] });
      return { name: operation.name.value, type: operation.operation, document };
    });
}

export function buildManifest(dir = OPERATIONS_DIR): Manifest {
  const files = readdirSync(dir).filter((file) => file.endsWith('.graphql')).sort();
  const operations = operationsOf(files.map((file) => parse(readFileSync(path.join(dir, file), 'utf8'))));
  const names = new Set<string>();
  for (const op of operations) {
    if (names.has(op.name)) throw new Error(`operation ${op.name} is defined twice in clients/operations`);
    names.add(op.name);
  }
  return { operations: Object.fromEntries(operations.map((op) => [documentHash(op.document), op])) };
}

export function loadManifest(file = MANIFEST_FILE): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}
