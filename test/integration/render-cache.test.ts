/**
 * The render cache with the real kubectl's Kustomize (no cluster needed): a second build of the
 * same files is read from the cache (a marker written into the entry comes back), a change to a
 * base outside the overlay's folder or to a patch file renders again, a failed build and a build
 * holding a Secret leave nothing in the cache; the command line keeps its builds under
 * TANZU_GITOPS_CACHE, and none with TANZU_GITOPS_RENDER_CACHE=0.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildKustomization, useRenderCache } from '../../src/sources/render';
import { runCliProcess } from './drift-fixtures';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const temps: string[] = [];
after(() => {
  useRenderCache(undefined);
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tg-render-cache-'));
  temps.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const cm = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: ${value}\n  size: small\n`;
const patch = (size: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  size: ${size}\n`;

const FILES = {
  'base/kustomization.yaml': 'resources:\n- settings.yaml\n',
  'base/settings.yaml': cm('one'),
  'overlays/prod/kustomization.yaml': 'resources:\n- ../../base\nnamePrefix: prod-\npatches:\n- path: size.yaml\n',
  'overlays/prod/size.yaml': patch('large'),
};

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort();
  } catch {
    return [];
  }
}

function text(r: { text: string } | { error: string }): string {
  assert.ok('text' in r, `rendered, not: ${'error' in r ? r.error : ''}`);
  return r.text;
}

describe('render cache (real kubectl kustomize)', () => {
  it('a second build comes from the cache; a changed base outside the folder or a changed patch renders again', async () => {
    const root = tree(FILES);
    const cache = join(tree({}), 'renders');
    useRenderCache(cache);
    const overlay = join(root, 'overlays/prod');
    const first = text(await buildKustomization(overlay));
    assert.match(first, /name: prod-settings/);
    assert.match(first, /size: large/);
    assert.match(first, /mode: one/);
    const [entry] = entries(cache);
    assert.equal(entries(cache).length, 1);
    assert.equal(readFileSync(join(cache, entry), 'utf8'), first);

    // what the second build gives is the entry's text: no build ran
    writeFileSync(join(cache, entry), `# from the cache\n${first}`);
    assert.equal(text(await buildKustomization(overlay)), `# from the cache\n${first}`);

    writeFileSync(join(root, 'base/settings.yaml'), cm('two'));
    const second = text(await buildKustomization(overlay));
    assert.doesNotMatch(second, /from the cache/);
    assert.match(second, /mode: two/);
    assert.equal(entries(cache).length, 2);

    writeFileSync(join(root, 'overlays/prod/size.yaml'), patch('huge'));
    const third = text(await buildKustomization(overlay));
    assert.match(third, /size: huge/);
    assert.match(third, /mode: two/);
    assert.equal(entries(cache).length, 3);
  });

  it('a failed build and a build holding a Secret leave nothing in the cache', async () => {
    const root = tree({
      ...FILES,
      'broken/kustomization.yaml': 'resources:\n- missing.yaml\n',
      'secret/kustomization.yaml': 'secretGenerator:\n- name: creds\n  literals:\n  - password=hunter2\n',
    });
    const cache = join(tree({}), 'renders');
    useRenderCache(cache);
    const broken = await buildKustomization(join(root, 'broken'));
    assert.ok('error' in broken && /missing\.yaml/.test(broken.error), 'the build fails naming the file');
    assert.match(text(await buildKustomization(join(root, 'secret'))), /kind: Secret/);
    assert.deepEqual(entries(cache), []);
  });

  it('the command line keeps its builds under TANZU_GITOPS_CACHE, and none with TANZU_GITOPS_RENDER_CACHE=0', async () => {
    const root = tree(FILES);
    const overlay = join(root, 'overlays/prod');
    const off = tree({});
    const run = (cache: string, extra: NodeJS.ProcessEnv = {}) => runCliProcess(CLI, ['validate', '--format', 'json', overlay], { ...process.env, TANZU_GITOPS_CACHE: cache, ...extra });
    const none = await run(off, { TANZU_GITOPS_RENDER_CACHE: '0' });
    assert.equal(none.code, 0, none.stderr);
    assert.deepEqual(entries(join(off, 'renders')), []);
    const on = tree({});
    const first = await run(on);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(entries(join(on, 'renders')).length, 1);
    const again = await run(on);
    assert.equal(again.stdout, first.stdout);
    assert.equal(entries(join(on, 'renders')).length, 1);
  });
});
