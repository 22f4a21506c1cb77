/**
 * The key of a Kustomize build: it changes when any file the build can read changes (the
 * overlay's kustomization, a patch file, a base outside the folder, a component, a generator's
 * file), and not when a file it cannot read changes; builds whose output depends on more than
 * files are not cached; the cache keeps no Secret. Real files in a temporary folder; no Kustomize
 * runs here (test/integration/render-cache.test.ts runs the real one).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RenderCache, holdsSecret, renderKey, type RenderKey } from '../../src/sources/render-cache';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tg-render-key-'));
  temps.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

/** A file to stand for the Kustomize binary (only its path, size and time enter the key). */
const TOOL = (() => {
  const d = tree({ 'bin/kustomize': '#!/bin/sh\n' });
  return join(d, 'bin/kustomize');
})();

function keyOf(k: RenderKey): string {
  assert.ok('key' in k, `a key, not: ${'uncached' in k ? k.uncached : ''}`);
  return k.key;
}

const REPO = {
  'base/kustomization.yaml': 'resources:\n- cm.yaml\n- ../common\n',
  'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n',
  'common/kustomization.yaml': 'resources:\n- svc.yaml\n',
  'common/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n',
  'components/labels/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n- pairs:\n    team: a\n',
  'overlays/prod/kustomization.yaml': [
    'resources:\n- ../../base',
    'components:\n- ../../components/labels',
    'patches:\n- path: replicas.yaml\n  target:\n    kind: ConfigMap',
    'configMapGenerator:\n- name: settings\n  files:\n  - app.properties=config/app.properties\n  envs:\n  - env.txt',
    'namePrefix: prod-',
  ].join('\n') + '\n',
  'overlays/prod/replicas.yaml': '- op: replace\n  path: /data/k\n  value: w\n',
  'overlays/prod/config/app.properties': 'a=1\n',
  'overlays/prod/env.txt': 'B=2\n',
  'overlays/prod/notes.md': 'not read by the build\n',
  'overlays/dev/kustomization.yaml': 'resources:\n- ../../base\n',
};

describe('renderKey', () => {
  it('changes when any file the overlay reads changes: patch, base outside the folder, a base of the base, component, generator files', () => {
    const root = tree(REPO);
    const dir = join(root, 'overlays/prod');
    const first = keyOf(renderKey(dir, TOOL));
    assert.equal(keyOf(renderKey(dir, TOOL)), first, 'the same files give the same key');
    const changed = new Set<string>([first]);
    for (const [file, text] of [
      ['overlays/prod/replicas.yaml', '- op: replace\n  path: /data/k\n  value: x\n'],
      ['base/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: changed\n'],
      ['common/svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: t\n'],
      ['components/labels/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n- pairs:\n    team: b\n'],
      ['overlays/prod/config/app.properties', 'a=2\n'],
      ['overlays/prod/env.txt', 'B=3\n'],
      ['overlays/prod/kustomization.yaml', `${REPO['overlays/prod/kustomization.yaml']}nameSuffix: -x\n`],
    ] as const) {
      writeFileSync(join(root, file), text);
      const k = keyOf(renderKey(dir, TOOL));
      assert.ok(!changed.has(k), `${file} changed the key`);
      changed.add(k);
    }
    assert.equal(changed.size, 8);
  });

  it('does not change for files the build does not read (another overlay, a note beside the kustomization)', () => {
    const root = tree(REPO);
    const dir = join(root, 'overlays/prod');
    const first = keyOf(renderKey(dir, TOOL));
    writeFileSync(join(root, 'overlays/prod/notes.md'), 'edited\n');
    writeFileSync(join(root, 'overlays/dev/kustomization.yaml'), 'resources:\n- ../../base\nnamePrefix: dev-\n');
    assert.equal(keyOf(renderKey(dir, TOOL)), first);
  });

  it('changes when a file it names appears, and when a second kustomization file appears beside one', () => {
    const root = tree({ 'o/kustomization.yaml': 'resources:\n- cm.yaml\n- later.yaml\n', 'o/cm.yaml': 'kind: ConfigMap\n' });
    const dir = join(root, 'o');
    const first = keyOf(renderKey(dir, TOOL));
    writeFileSync(join(root, 'o/later.yaml'), 'kind: Secret\n');
    const second = keyOf(renderKey(dir, TOOL));
    assert.notEqual(second, first);
    writeFileSync(join(root, 'o/Kustomization'), 'resources: []\n');
    assert.notEqual(keyOf(renderKey(dir, TOOL)), second);
  });

  it('changes with another Kustomize binary', () => {
    const root = tree(REPO);
    const other = join(tree({ 'kustomize': '#!/bin/sh\n# another\n' }), 'kustomize');
    assert.notEqual(keyOf(renderKey(join(root, 'overlays/prod'), TOOL)), keyOf(renderKey(join(root, 'overlays/prod'), other)));
  });

  it('a folder named without a kustomization counts by every file below it', () => {
    const root = tree({ 'o/kustomization.yaml': 'crds:\n- crds\n', 'o/crds/a/one.yaml': 'kind: CustomResourceDefinition\n' });
    const dir = join(root, 'o');
    const first = keyOf(renderKey(dir, TOOL));
    writeFileSync(join(root, 'o/crds/a/two.yaml'), 'kind: CustomResourceDefinition\n');
    assert.notEqual(keyOf(renderKey(dir, TOOL)), first);
  });

  it('is not given for plugins, Helm charts, remote bases, a kustomization that does not parse, or a missing tool', () => {
    const cases: Record<string, string> = {
      generators: 'generators:\n- gen.yaml\n',
      transformers: 'transformers:\n- t.yaml\n',
      helmCharts: 'helmCharts:\n- name: x\n',
      remote: 'resources:\n- https://github.com/org/repo//base?ref=v1\n',
      'does not parse': 'resources: [\n',
    };
    for (const [what, text] of Object.entries(cases)) {
      const root = tree({ 'o/kustomization.yaml': text });
      const k = renderKey(join(root, 'o'), TOOL);
      assert.ok('uncached' in k, `${what}: not cached`);
    }
    const root = tree(REPO);
    // a remote base in a base the overlay builds on
    writeFileSync(join(root, 'common/kustomization.yaml'), 'resources:\n- github.com/org/repo/base\n');
    assert.match((renderKey(join(root, 'overlays/prod'), TOOL) as { uncached: string }).uncached, /remote github\.com\/org\/repo\/base/);
    assert.ok('uncached' in renderKey(join(tree(REPO), 'overlays/prod'), '/nonexistent/kustomize'));
  });

  it('ends on a link that leads back to a folder above it', () => {
    const root = tree({ 'o/kustomization.yaml': 'configurations:\n- conf\n', 'o/conf/a.yaml': 'x: 1\n' });
    // conf/up -> .. : the walk meets o again and stops there
    symlinkSync('..', join(root, 'o/conf/up'));
    assert.ok('key' in renderKey(join(root, 'o'), TOOL));
  });
});

describe('RenderCache', () => {
  it('gives back what was put; keeps no Secret', () => {
    const dir = join(tree({}), 'renders');
    const cache = new RenderCache(dir);
    assert.equal(cache.get('k1'), undefined);
    cache.put('k1', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
    assert.equal(cache.get('k1'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
    assert.equal(statSync(join(dir, 'k1.yaml')).mode & 0o777, 0o600);
    cache.put('k2', 'apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Secret\ndata:\n  p: cGFzcw==\n');
    assert.equal(cache.get('k2'), undefined);
    assert.deepEqual(readdirSync(dir), ['k1.yaml']);
  });

  it('holdsSecret: a document of kind Secret, not the word elsewhere', () => {
    assert.equal(holdsSecret('kind: Secret\n'), true);
    assert.equal(holdsSecret('a: 1\n---\nkind: "Secret"\n'), true);
    assert.equal(holdsSecret('kind: ConfigMap\ndata:\n  kind: Secret\n'), false);
    assert.equal(holdsSecret('kind: SecretStore\n'), false);
  });
});
