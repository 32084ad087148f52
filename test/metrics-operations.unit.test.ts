// The `operation` label stays bounded and complete: client-chosen names are "other" unless the
// platform knows them, and every name first-party code sends (Luna's tools, the MCP server's
// tools) is known, so their requests are told apart on the dashboards.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadManifest } from '../gateway/partner/persisted-operations';
import { ANONYMOUS_OPERATION, INTERNAL_OPERATION_NAMES, knownOperationNames, operationLabel, OTHER_OPERATION } from '../shared/observability/operation-label';
import { ROOT } from './support/stack';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) return entry === 'test' ? [] : sources(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

/** Operation names in first-party code that calls the graph (the tool catalogue, Luna's tools, the MCP server): `query LunaX` documents and 'LunaX'/'McpX' names. */
function sentOperationNames(): Set<string> {
  const names = new Set<string>();
  for (const file of [...sources(path.join(ROOT, 'shared/tools')), ...sources(path.join(ROOT, 'subgraphs/luna/tools')), ...sources(path.join(ROOT, 'clients/mcp'))]) {
    const text = readFileSync(file, 'utf8');
    for (const [, name] of text.matchAll(/\b(?:query|mutation|subscription) ((?:Luna|Mcp)[A-Za-z]+)/g)) names.add(name);
    for (const [, name] of text.matchAll(/'((?:Luna|Mcp)[A-Z][A-Za-z]+)'/g)) names.add(name);
  }
  return names;
}

describe('the operation label', () => {
  it('is a known name, "other" for any name the platform does not know, "anonymous" without one', () => {
    const manifestName = Object.values(loadManifest().operations)[0].name;
    expect(operationLabel(manifestName)).toBe(manifestName);
    expect(operationLabel('McpLabResults')).toBe('McpLabResults');
    expect(operationLabel('DropTables')).toBe(OTHER_OPERATION);
    expect(operationLabel(null)).toBe(ANONYMOUS_OPERATION);
    expect(operationLabel('')).toBe(ANONYMOUS_OPERATION);
  });

  it('knows every operation name Luna and the MCP server send, and nothing they do not', () => {
    const sent = sentOperationNames();
    expect(sent.size).toBeGreaterThanOrEqual(10);
    expect([...sent].sort()).toEqual([...INTERNAL_OPERATION_NAMES].sort());
  });

  it('knows every operation of the persisted manifest (the SDK and the web app)', () => {
    const known = knownOperationNames();
    for (const operation of Object.values(loadManifest().operations)) expect(known.has(operation.name)).toBe(true);
  });
});
