/**
 * The cluster layer deep-imports files of @kubernetes/client-node (its authenticators), which are
 * not its public API and may move in any release: package.json pins the exact version, and every
 * deep-imported path must exist in the installed copy of that version.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './fixtures';

const PKG = '@kubernetes/client-node';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.ts$/.test(n) ? [p] : [];
  });
}

/** Every `@kubernetes/client-node/<path>` that src/ imports or requires. */
function deepImports(): string[] {
  const found = new Set<string>();
  for (const file of sources(join(ROOT, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/['"]@kubernetes\/client-node\/([^'"]+)['"]/g)) found.add(m[1]);
  }
  return [...found].sort();
}

describe('@kubernetes/client-node', () => {
  const declared = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies[PKG];
  const installed = (JSON.parse(readFileSync(join(ROOT, 'node_modules', PKG, 'package.json'), 'utf8')) as { version: string }).version;

  it('is pinned to an exact version (no range), the one installed', () => {
    assert.match(declared, /^\d+\.\d+\.\d+$/, `package.json asks for ${declared}: deep imports need an exact version`);
    assert.equal(installed, declared);
  });

  it('every deep-imported path exists in that version', () => {
    const paths = deepImports();
    assert.ok(paths.length > 0, 'src/ deep-imports the authenticators');
    const missing = paths.filter((p) => !existsSync(join(ROOT, 'node_modules', PKG, p)));
    assert.deepEqual(missing, [], `paths not in ${PKG} ${installed}`);
    for (const p of paths) assert.doesNotThrow(() => require.resolve(`${PKG}/${p}`), `${PKG}/${p} resolves`);
  });
});
