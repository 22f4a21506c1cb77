/**
 * From a place in a rendered Kustomize object to the line that set it: a strategic-merge patch,
 * a JSON6902 patch (file or inline), the base resource, the kustomization whose namePrefix or
 * namespace changed the value, and the overlay's kustomization for what cannot be traced. The
 * tree is read from files in memory; the rendered text is what `kustomize build` prints for it
 * (the integration test runs the real one).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChunk, rangeOf } from '../../src/core/manifest/document';
import type { YamlPath } from '../../src/core/types';
import { leafKustomizations, namedByOverlay } from '../../src/sources/validate';
import { definingDocument, pathAt, readKustomizeTree, sourceOf, type TreeReader } from '../../src/sources/kustomize-map';

function reader(files: Record<string, string>): TreeReader {
  return {
    read: (f) => files[f],
    isDirectory: (p) => Object.keys(files).some((f) => f.startsWith(`${p}/`)),
  };
}

/** 0-based line and column of the `nth` occurrence of `needle` in a text. */
function where(text: string, needle: string, nth = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} in the text`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function source(files: Record<string, string>, dir: string, rendered: string, path: YamlPath, prefer: 'key' | 'value' = 'value') {
  const tree = readKustomizeTree(dir, reader(files));
  const doc = parseChunk(rendered);
  const range = rangeOf(doc, path, prefer);
  assert.ok(range, `${path.join('.')} in the rendered text`);
  return sourceOf(tree, doc, range);
}

const BASE_CLUSTER = `apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata:
  name: workload
  labels:
    tier: platform
spec:
  topology:
    controlPlane:
      replicas: 1
      vmClass: best-effort-small
      storageClass: gold
    nodePools:
    - name: workers
      replicas: 2
      vmClass: best-effort-small
      storageClass: gold
`;

const BASE = {
  '/r/base/kustomization.yaml': 'resources:\n- cluster.yaml\n',
  '/r/base/cluster.yaml': BASE_CLUSTER,
};

/** The rendered TKC: the base with the given name, namespace and changes. */
function rendered(name: string, namespace: string, change: (t: string) => string = (t) => t): string {
  return change(BASE_CLUSTER.replace('  name: workload\n', `  name: ${name}\n  namespace: ${namespace}\n`));
}

describe('kustomize source map', () => {
  it('the document that defines a rendered object: the base document when no patch shapes it, else the kustomization', () => {
    const second = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n';
    const files = {
      '/r/base/kustomization.yaml': 'resources:\n- cluster.yaml\n- settings.yaml\n',
      '/r/base/cluster.yaml': BASE_CLUSTER,
      '/r/base/settings.yaml': `# settings\n---\n${second}`,
      '/r/dev/kustomization.yaml': 'resources:\n- ../base\nnamePrefix: dev-\nnamespace: team-a\n',
      '/r/prod/kustomization.yaml': 'resources:\n- ../base\npatches:\n- path: cp.yaml\n',
      '/r/prod/cp.yaml': 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: workload\nspec:\n  topology:\n    controlPlane:\n      replicas: 3\n',
    };
    const dev = readKustomizeTree('/r/dev', reader(files));
    const tkc = { apiVersion: 'run.tanzu.vmware.com/v1alpha3', kind: 'TanzuKubernetesCluster', metadata: { name: 'dev-workload', namespace: 'team-a' } };
    assert.deepEqual(definingDocument(dev, tkc), { file: '/r/base/cluster.yaml', line: 0, how: 'base' });
    // a document after others in its file: its own first line
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dev-settings', namespace: 'team-a' } };
    assert.deepEqual(definingDocument(dev, cm), { file: '/r/base/settings.yaml', line: 2, how: 'base' });
    // patched: no single file defines it
    const prod = readKustomizeTree('/r/prod', reader(files));
    assert.deepEqual(definingDocument(prod, { ...tkc, metadata: { name: 'workload' } }), { file: '/r/prod/kustomization.yaml', line: 0, how: 'kustomization' });
    // what no document of the tree made (a generator's output): the kustomization
    assert.deepEqual(definingDocument(dev, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'generated' } }), { file: '/r/dev/kustomization.yaml', line: 0, how: 'kustomization' });
  });

  it('a strategic-merge patch (patchesStrategicMerge) is the source of what it sets; the rest is the base line', () => {
    const patch = 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: workload\nspec:\n  topology:\n    controlPlane:\n      replicas: 2\n';
    const files = { ...BASE, '/r/prod/kustomization.yaml': 'resources:\n- ../base\npatchesStrategicMerge:\n- cp.yaml\n', '/r/prod/cp.yaml': patch };
    const out = rendered('workload', '', (t) => t.replace('      replicas: 1', '      replicas: 2').replace('  namespace: \n', ''));
    const replicas = source(files, '/r/prod', out, ['spec', 'topology', 'controlPlane', 'replicas']);
    assert.equal(replicas.file, '/r/prod/cp.yaml');
    assert.equal(replicas.how, 'patch');
    assert.deepEqual(replicas.range.start, where(patch, '2'));
    const vmClass = source(files, '/r/prod', out, ['spec', 'topology', 'controlPlane', 'vmClass']);
    assert.equal(vmClass.file, '/r/base/cluster.yaml');
    assert.equal(vmClass.how, 'base');
    assert.deepEqual(vmClass.range.start, where(BASE_CLUSTER, 'best-effort-small'));
    // the patch names its target: its metadata.name is not where the name was set
    assert.equal(source(files, '/r/prod', out, ['metadata', 'name']).file, '/r/base/cluster.yaml');
  });

  it('a strategic-merge patch on a list item is matched by name, not by index', () => {
    const base = BASE_CLUSTER.replace('    nodePools:\n', '    nodePools:\n    - name: system\n      replicas: 1\n');
    const patch = 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: workload\nspec:\n  topology:\n    nodePools:\n    - name: workers\n      vmClass: guaranteed-large\n';
    const files = { '/r/base/kustomization.yaml': 'resources:\n- cluster.yaml\n', '/r/base/cluster.yaml': base, '/r/prod/kustomization.yaml': 'resources:\n- ../base\npatches:\n- path: w.yaml\n', '/r/prod/w.yaml': patch };
    const out = base.replace('      vmClass: best-effort-small\n      storageClass: gold\n', '      vmClass: guaranteed-large\n      storageClass: gold\n');
    // the rendered list keeps both pools: workers is item 1 there, item 0 in the patch
    const second = out.replace(/vmClass: best-effort-small\n(\s+storageClass: gold\n)$/, 'vmClass: guaranteed-large\n$1');
    const at = source(files, '/r/prod', second, ['spec', 'topology', 'nodePools', 1, 'vmClass']);
    assert.equal(at.file, '/r/prod/w.yaml');
    assert.deepEqual(at.range.start, where(patch, 'guaranteed-large'));
    const system = source(files, '/r/prod', second, ['spec', 'topology', 'nodePools', 0, 'replicas']);
    assert.equal(system.file, '/r/base/cluster.yaml');
    const systemReplicas = where(base, 'replicas: 1', 1);
    assert.deepEqual(system.range.start, { ...systemReplicas, character: systemReplicas.character + 'replicas: '.length });
  });

  it('a JSON6902 patch file (patchesJson6902): the op whose path set the value, the value line', () => {
    const ops = '- op: replace\n  path: /spec/topology/nodePools/0/replicas\n  value: 7\n- op: replace\n  path: /spec/topology/nodePools/0/vmClass\n  value: guaranteed-xlarge\n';
    const files = {
      ...BASE,
      '/r/prod/kustomization.yaml': 'resources:\n- ../base\npatchesJson6902:\n- target:\n    group: run.tanzu.vmware.com\n    version: v1alpha3\n    kind: TanzuKubernetesCluster\n    name: workload\n  path: ops.yaml\n',
      '/r/prod/ops.yaml': ops,
    };
    const out = rendered('workload', '', (t) => t.replace('  namespace: \n', '').replace('      replicas: 2', '      replicas: 7').replace(/vmClass: best-effort-small\n(\s+storageClass: gold\n)$/, 'vmClass: guaranteed-xlarge\n$1'));
    const vm = source(files, '/r/prod', out, ['spec', 'topology', 'nodePools', 0, 'vmClass']);
    assert.equal(vm.file, '/r/prod/ops.yaml');
    assert.equal(vm.how, 'patch');
    assert.deepEqual(vm.range.start, where(ops, 'guaranteed-xlarge'));
    const replicas = source(files, '/r/prod', out, ['spec', 'topology', 'nodePools', 0, 'replicas']);
    assert.deepEqual(replicas.range.start, where(ops, '7'));
    // an unknown field the op added, reported at its key: the op's path
    const key = source(files, '/r/prod', out, ['spec', 'topology', 'nodePools', 0, 'vmClass'], 'key');
    assert.deepEqual(key.range.start, where(ops, '/spec/topology/nodePools/0/vmClass'));
  });

  it('an inline patch in `patches`: the line inside the kustomization, at the block\'s indentation', () => {
    const k = 'resources:\n- ../base\npatches:\n- target:\n    kind: TanzuKubernetesCluster\n  patch: |-\n    - op: add\n      path: /spec/topology/controlPlane/replicas\n      value: 4\n';
    const files = { ...BASE, '/r/prod/kustomization.yaml': k };
    const out = rendered('workload', '', (t) => t.replace('  namespace: \n', '').replace('      replicas: 1', '      replicas: 4'));
    const at = source(files, '/r/prod', out, ['spec', 'topology', 'controlPlane', 'replicas']);
    assert.equal(at.file, '/r/prod/kustomization.yaml');
    assert.equal(at.how, 'patch');
    assert.deepEqual(at.range, { start: where(k, '4'), end: { ...where(k, '4'), character: where(k, '4').character + 1 } });
    // an inline strategic-merge patch, too
    const smp = 'resources:\n- ../base\npatches:\n- patch: |\n    apiVersion: run.tanzu.vmware.com/v1alpha3\n    kind: TanzuKubernetesCluster\n    metadata:\n      name: workload\n    spec:\n      topology:\n        controlPlane:\n          replicas: 4\n';
    const inline = source({ ...BASE, '/r/prod/kustomization.yaml': smp }, '/r/prod', out, ['spec', 'topology', 'controlPlane', 'replicas']);
    assert.deepEqual(inline.range.start, where(smp, '4'));
    // a quoted patch has no lines of its own: its place is the `patch` key
    const quoted = 'resources:\n- ../base\npatches:\n- target:\n    kind: TanzuKubernetesCluster\n  patch: \'[{"op": "add", "path": "/spec/topology/controlPlane/replicas", "value": 4}]\'\n';
    const q = source({ ...BASE, '/r/prod/kustomization.yaml': quoted }, '/r/prod', out, ['spec', 'topology', 'controlPlane', 'replicas']);
    assert.equal(q.how, 'patch');
    assert.deepEqual(q.range, { start: where(quoted, 'patch:'), end: { ...where(quoted, 'patch:'), character: where(quoted, 'patch:').character + 'patch'.length } });
  });

  it('namePrefix and namespace: the object is found by the names it carried; name and namespace point at the transform', () => {
    const patch = 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: workload\nspec:\n  topology:\n    controlPlane:\n      vmClass: best-effort-large\n';
    const k = 'resources:\n- ../base\nnamePrefix: prod-\nnamespace: team-b\npatches:\n- path: p.yaml\n';
    const files = { ...BASE, '/r/prod/kustomization.yaml': k, '/r/prod/p.yaml': patch };
    const out = rendered('prod-workload', 'team-b', (t) => t.replace('      vmClass: best-effort-small\n      storageClass: gold\n    nodePools', '      vmClass: best-effort-large\n      storageClass: gold\n    nodePools'));
    const vm = source(files, '/r/prod', out, ['spec', 'topology', 'controlPlane', 'vmClass']);
    assert.equal(vm.file, '/r/prod/p.yaml', 'the patch targets the name before the prefix');
    assert.deepEqual(vm.range.start, where(patch, 'best-effort-large'));
    const name = source(files, '/r/prod', out, ['metadata', 'name']);
    assert.equal(name.how, 'transform');
    assert.deepEqual(name.range.start, where(k, 'prod-'));
    const ns = source(files, '/r/prod', out, ['metadata', 'namespace']);
    assert.deepEqual(ns.range.start, where(k, 'team-b'));
    const label = source(files, '/r/prod', out, ['metadata', 'labels', 'tier']);
    assert.equal(label.file, '/r/base/cluster.yaml');
    assert.deepEqual(label.range.start, where(BASE_CLUSTER, 'platform'));
  });

  it('an intermediate overlay: its prefix is one more name the object carried; patches of either level find it', () => {
    const files = {
      ...BASE,
      '/r/mid/kustomization.yaml': 'resources:\n- ../base\nnamePrefix: eu-\n',
      '/r/top/kustomization.yaml': 'resources:\n- ../mid\nnamePrefix: prod-\npatches:\n- path: p.yaml\n',
      '/r/top/p.yaml': 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: eu-workload\nspec:\n  topology:\n    controlPlane:\n      storageClass: silver\n',
    };
    const out = rendered('prod-eu-workload', '', (t) => t.replace('  namespace: \n', '').replace('      storageClass: gold\n    nodePools', '      storageClass: silver\n    nodePools'));
    assert.equal(source(files, '/r/top', out, ['spec', 'topology', 'controlPlane', 'storageClass']).file, '/r/top/p.yaml');
    assert.deepEqual(source(files, '/r/top', out, ['metadata', 'name']).range.start, where(files['/r/top/kustomization.yaml'], 'prod-'));
    assert.deepEqual(leafKustomizations(['/r/base', '/r/mid', '/r/top'], reader(files)), ['/r/top']);
  });

  it('a value no source holds (set by another transformer) falls back to the overlay\'s kustomization, naming the path', () => {
    const k = 'resources:\n- ../base\nreplicas:\n- name: workload\n  count: 9\n';
    const files = { ...BASE, '/r/prod/kustomization.yaml': k };
    const out = rendered('workload', '', (t) => t.replace('  namespace: \n', '').replace('      replicas: 2', '      replicas: 9'));
    const at = source(files, '/r/prod', out, ['spec', 'topology', 'nodePools', 0, 'replicas']);
    assert.equal(at.file, '/r/prod/kustomization.yaml');
    assert.equal(at.how, 'kustomization');
    assert.equal(at.untraced, 'spec.topology.nodePools[0].replicas of TanzuKubernetesCluster workload');
    assert.deepEqual(at.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 'resources:'.length } });
  });

  it('pathAt: a key or a value under an offset', () => {
    const doc = parseChunk(BASE_CLUSTER);
    const off = (needle: string, nth = 0) => doc.lines.offset(where(BASE_CLUSTER, needle, nth));
    assert.deepEqual(pathAt(doc.root, off('vmClass', 1)), { path: ['spec', 'topology', 'nodePools', 0, 'vmClass'], role: 'key' });
    assert.deepEqual(pathAt(doc.root, off('gold', 1)), { path: ['spec', 'topology', 'nodePools', 0, 'storageClass'], role: 'value' });
  });

  it('namedByOverlay: what several overlays find at one place is said once, naming them; what one finds names that one', () => {
    const range = (line: number) => ({ start: { line, character: 4 }, end: { line, character: 9 } });
    const finding = (line: number, code: string, message: string) => ({ code, severity: 'error' as const, message, range: range(line) });
    const out = namedByOverlay([
      { file: '/r/base/cluster.yaml', renderedBy: '/r/overlays/prod', finding: finding(3, 'deprecated-api', 'old') },
      { file: '/r/base/cluster.yaml', renderedBy: '/r/overlays/dev', finding: finding(3, 'deprecated-api', 'old') },
      { file: '/r/base/cluster.yaml', renderedBy: '/r/overlays/prod', finding: finding(8, 'vm-class-unavailable', 'not in team-b') },
    ], (d) => d.replace('/r/', ''));
    assert.deepEqual(out.map((f) => `${f.range.start.line} ${f.code} ${f.message}`), [
      '3 deprecated-api in overlays/dev, overlays/prod: old',
      '8 vm-class-unavailable in overlays/prod: not in team-b',
    ]);
  });

  it('a map or a list: the source that accounts for all of it, not a patch that set one field of it', () => {
    const patch = 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: workload\nspec:\n  topology:\n    controlPlane:\n      replicas: 3\n    nodePools:\n    - name: workers\n      vmClass: best-effort-large\n';
    const files = { ...BASE, '/r/prod/kustomization.yaml': 'resources:\n- ../base\npatches:\n- path: p.yaml\n', '/r/prod/p.yaml': patch };
    // a custom resource's list is replaced whole by the patch: the pool lost its storageClass and replicas
    const out = rendered('workload', '', (t) => t.replace('  namespace: \n', '').replace('      replicas: 1', '      replicas: 3')
      .replace(/ {4}nodePools:\n[\s\S]*$/, '    nodePools:\n    - name: workers\n      vmClass: best-effort-large\n'));
    // a finding at the controlPlane key (a field missing from it) is the base's: the patch set only replicas
    const cp = source(files, '/r/prod', out, ['spec', 'topology', 'controlPlane'], 'key');
    assert.equal(cp.file, '/r/base/cluster.yaml');
    assert.deepEqual(cp.range.start, where(BASE_CLUSTER, 'controlPlane'));
    // the pool as rendered is the patch's: a field missing from it is the patch's doing
    const pool = source(files, '/r/prod', out, ['spec', 'topology', 'nodePools', 0]);
    assert.equal(pool.file, '/r/prod/p.yaml');
    assert.equal(pool.range.start.line, where(patch, '- name: workers').line);
  });
});
