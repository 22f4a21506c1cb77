/** The shipped schemas: up to date with the CRDs and overlays, one per kind/version the engine knows, all compile. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allSchemaIds } from '../../src/core/manifest/kinds';
import { getValidator, schemaIds } from '../../src/core/schema/registry';

const root = join(__dirname, '..', '..', '..');

describe('schemas', () => {
  it('match what scripts/derive-schemas.ts derives from the CRDs and overlays', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'run.mjs'), 'derive-schemas', '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `schemas are stale; run npm run schemas\n${r.stdout}${r.stderr}`);
  });

  it('exist for every schema id the engine can name, and the registry loads each', () => {
    const files = readdirSync(join(root, 'schemas')).filter((f) => f.endsWith('.schema.json')).map((f) => f.replace('.schema.json', '')).sort();
    assert.deepEqual(files, allSchemaIds());
    assert.deepEqual([...schemaIds()].sort(), allSchemaIds());
  });

  it('compile', () => {
    for (const id of allSchemaIds()) assert.equal(typeof getValidator(id), 'function', id);
  });
});
