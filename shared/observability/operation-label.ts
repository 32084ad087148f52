// The `operation` label of request metrics. Operation names are chosen by clients, so a label
// taken from them as sent could grow without bound (one series per invented name): only names
// the platform knows become labels, everything else is "other".
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config';
import { TOOL_OPERATION_NAMES } from '../tools/catalogue';

/** A named operation the platform does not know. */
export const OTHER_OPERATION = 'other';
/** An operation without a name. */
export const ANONYMOUS_OPERATION = 'anonymous';

/** The persisted-operation manifest: every operation of the SDK and the web app (clients/operations). */
const MANIFEST_FILE = path.join(projectRoot, 'schema/persisted-operations.json');

/**
 * First-party operations that are not in the manifest: the tool catalogue's (shared/tools, run by
 * Luna and the MCP server) and the MCP server's catalog resource. A test keeps the list complete
 * (test/metrics-operations.unit.test.ts).
 */
export const INTERNAL_OPERATION_NAMES: readonly string[] = [...TOOL_OPERATION_NAMES, 'McpBiomarkerCatalog'];

/** Names in the manifest plus the internal ones. */
export function knownOperationNames(manifestFile = MANIFEST_FILE): Set<string> {
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { operations: Record<string, { name: string }> };
  return new Set([...Object.values(manifest.operations).map((operation) => operation.name), ...INTERNAL_OPERATION_NAMES]);
}

let known: Set<string> | undefined;

/** The label for an operation name: itself when known, else "other" ("anonymous" without a name). */
export function operationLabel(name: string | null | undefined, names: ReadonlySet<string> = (known ??= knownOperationNames())): string {
  if (!name) return ANONYMOUS_OPERATION;
  return names.has(name) ? name : OTHER_OPERATION;
}
