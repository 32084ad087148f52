// The SDK's generated files, the API schema and the persisted-operation manifest are derived
// from schema/supergraph.graphql and clients/operations: they must be current. graphql-codegen
// ships ES modules that CommonJS Jest cannot load, so the check runs as `npm run codegen -- --check`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, TSX } from '../../../test/support/stack';

describe('generated client artifacts', () => {
  it('are up to date with the supergraph and the operations (run `npm run codegen`)', () => {
    const check = spawnSync(TSX, [path.join(ROOT, 'scripts/codegen.ts'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('keep federation internals out of the API schema clients see', () => {
    const apiSchema = readFileSync(path.join(ROOT, 'schema/api-schema.graphql'), 'utf8');
    expect(apiSchema).toContain('type Patient {');
    expect(apiSchema).not.toMatch(/join__|link__|_entities|_service/);
  });
});
