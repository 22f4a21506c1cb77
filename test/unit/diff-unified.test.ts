/** Texts, unified diffs, changed paths and the one-line description. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changesBetween, formatPath } from '../../src/core/diff/changes';
import { compareResource } from '../../src/core/diff/compare';
import type { Change, KubeObject } from '../../src/core/diff/types';
import { describeChange, describeOne, orderLike, renderDiff, shortPath, toYaml, trackingKeys, trackingNote, unifiedDiff } from '../../src/core/diff/unified';
import { clusterTkc, tkcV1alpha2 } from './builders';

type Obj = Record<string, unknown>;

describe('YAML texts', () => {
  it('apiVersion, kind, metadata (name, namespace, labels, annotations), spec, then the rest', () => {
    const obj = { zeta: 1, spec: { b: 1, a: 2 }, metadata: { annotations: { x: 'y' }, uid: 'u', labels: { l: 'v' }, namespace: 'n', name: 'a' }, kind: 'K', apiVersion: 'v1', data: { k: 'v' } };
    assert.equal(toYaml(obj), [
      'apiVersion: v1', 'kind: K', 'metadata:', '  name: a', '  namespace: n', '  labels:', '    l: v', '  annotations:', '    x: y', '  uid: u',
      'spec:', '  b: 1', '  a: 2', 'zeta: 1', 'data:', '  k: v', '',
    ].join('\n'));
  });

  it("keys in the Git object's order where it has them (both sides alike), list items matched by name", () => {
    const git = { spec: { pools: [{ name: 'b', vmClass: 'x', replicas: 1 }, { name: 'a', vmClass: 'y', replicas: 2 }], z: 1, a: 1 } };
    const live = { spec: { a: 1, z: 1, extra: true, pools: [{ replicas: 2, vmClass: 'y', name: 'a' }, { tkr: 't', replicas: 1, name: 'b', vmClass: 'x' }] } };
    assert.deepEqual(orderLike(live, git), { spec: { pools: [{ name: 'a', vmClass: 'y', replicas: 2 }, { name: 'b', vmClass: 'x', replicas: 1, tkr: 't' }], z: 1, a: 1, extra: true } });
    assert.deepEqual(Object.keys((orderLike(live, git) as Obj).spec as Obj), ['pools', 'z', 'a', 'extra']);
  });

  it('is empty for no object', () => {
    assert.equal(toYaml(undefined), '');
  });
});

describe('unified diff', () => {
  it('live as a (---), Git as b (+++); empty when equal', () => {
    const d = unifiedDiff('Secret/ns/s', 'a: 1\nb: 2\n', 'a: 1\nb: 3\n');
    assert.equal(d, '--- live/Secret/ns/s\n+++ git/Secret/ns/s\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n');
    assert.equal(unifiedDiff('x', 'a\n', 'a\n'), '');
  });

  it('honours the context lines', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}: ${i}`).join('\n') + '\n';
    const b = a.replace('l10: 10', 'l10: x');
    assert.equal(unifiedDiff('x', a, b, 1).split('\n').filter((l) => l.startsWith(' ')).length, 2);
    assert.equal(unifiedDiff('x', a, b).split('\n').filter((l) => l.startsWith(' ')).length, 6);
  });

  it('renderDiff gives texts, diff and paths together', () => {
    const d = renderDiff('n', { a: 1 }, { a: 2 });
    assert.equal(d.liveText, 'a: 1\n');
    assert.equal(d.gitText, 'a: 2\n');
    assert.deepEqual(d.changedPaths, ['a']);
    assert.match(d.unified, /^-a: 1$/m);
  });
});

describe('changed paths', () => {
  it('names map keys, quoted when not plain words', () => {
    const c = changesBetween({ metadata: { labels: { 'app.kubernetes.io/name': 'a', x: '1' } } }, { metadata: { labels: { 'app.kubernetes.io/name': 'b', x: '1' } } });
    assert.deepEqual(c, [{ path: 'metadata.labels["app.kubernetes.io/name"]', kind: 'changed', live: 'a', git: 'b' }]);
  });

  it('names list items by name when every item has a unique one, else by index', () => {
    const a = clusterTkc();
    const b = clusterTkc({ topology: { variables: [{ name: 'storageClass', value: 'vsan-default' }, { name: 'vmClass', value: 'best-effort-large' }] } });
    assert.deepEqual(changesBetween(a, b).map((c) => c.path), ['spec.topology.variables', 'spec.topology.variables[name=vmClass].value']);
    assert.equal(changesBetween(a, b)[0].kind, 'reordered');
    const taints = changesBetween({ t: [{ key: 'a', effect: 'NoSchedule' }] }, { t: [{ key: 'a', effect: 'NoExecute' }, { key: 'b' }] });
    assert.deepEqual(taints.map((c) => [c.path, c.kind]), [['t[0].effect', 'changed'], ['t[1]', 'added']]);
    const dupNames = changesBetween({ t: [{ name: 'a', v: 1 }, { name: 'a', v: 2 }] }, { t: [{ name: 'a', v: 1 }, { name: 'a', v: 3 }] });
    assert.deepEqual(dupNames.map((c) => c.path), ['t[1].v']);
  });

  it('a list of scalars is one leaf; a map only on one side is reported by its leaves; a list item whole', () => {
    assert.deepEqual(changesBetween({ cidrs: ['a', 'b'] }, { cidrs: ['b', 'a'] }), [{ path: 'cidrs', kind: 'changed', live: ['a', 'b'], git: ['b', 'a'] }]);
    assert.deepEqual(changesBetween({ m: {} }, { m: { a: { b: 1, c: 'x' } } }).map((c) => [c.path, c.kind, c.git]), [['m.a.b', 'added', 1], ['m.a.c', 'added', 'x']]);
    const pool = changesBetween({ pools: [{ name: 'a' }, { name: 'gpu', replicas: 2 }] }, { pools: [{ name: 'a' }] });
    assert.deepEqual(pool, [{ path: 'pools[name=gpu]', kind: 'removed' }]);
  });

  it('type changes and nulls are changes', () => {
    assert.deepEqual(changesBetween({ a: null }, { a: 1 }), [{ path: 'a', kind: 'changed', live: null, git: 1 }]);
    assert.deepEqual(changesBetween({ a: { b: 1 } }, { a: 'x' }), [{ path: 'a', kind: 'changed', git: 'x' }]);
    assert.deepEqual(changesBetween({ a: 1 }, { a: 1 }), []);
  });

  it('formats paths', () => {
    assert.equal(formatPath([{ key: 'spec' }, { key: 'pools' }, { name: 'w' }, { key: 'replicas' }, { index: 0 }]), 'spec.pools[name=w].replicas[0]');
    assert.equal(formatPath([{ key: 'a b' }]), '["a b"]');
  });
});

describe('describeChange', () => {
  const withChanges = (...changes: Change[]) => ({ status: 'OutOfSync', diff: { changes, changedPaths: changes.map((c) => c.path) } });

  it('shortens paths to their last parts, keeping the list item', () => {
    assert.equal(shortPath('spec.topology.controlPlane.replicas'), 'controlPlane.replicas');
    assert.equal(shortPath('spec.topology.nodePools[name=workers].replicas'), 'nodePools[workers].replicas');
    assert.equal(shortPath('spec.topology.nodePools[name=workers].labels.team'), 'nodePools[workers].labels.team');
    assert.equal(shortPath('spec.topology.variables[name=vmClass].value'), 'variables[vmClass].value');
    assert.equal(shortPath('metadata.labels["app.kubernetes.io/name"]'), 'labels.app.kubernetes.io/name');
    assert.equal(shortPath('spec.taints[0].effect'), 'taints[0].effect');
    assert.equal(shortPath('replicas'), 'replicas');
  });

  it('says what changed, first change and how many more', () => {
    assert.equal(describeChange(withChanges({ path: 'spec.topology.controlPlane.replicas', kind: 'changed', live: 3, git: 1 })), 'controlPlane.replicas 3 → 1');
    assert.equal(describeChange(withChanges(
      { path: 'spec.topology.controlPlane.replicas', kind: 'changed', live: 3, git: 1 },
      { path: 'spec.a', kind: 'changed', live: 1, git: 2 },
      { path: 'spec.b', kind: 'changed', live: 1, git: 2 },
    )), 'controlPlane.replicas 3 → 1; 2 more');
  });

  it('each kind of change in words; values shortened; masks hidden', () => {
    assert.equal(describeOne({ path: 'metadata.labels.env', kind: 'added', git: 'dev' }), 'labels.env (none) → dev');
    assert.equal(describeOne({ path: 'metadata.labels.team', kind: 'removed', live: 'a' }), 'labels.team a → (none)');
    assert.equal(describeOne({ path: 'spec.pools[name=gpu]', kind: 'added' }), 'pools[gpu] only in Git');
    assert.equal(describeOne({ path: 'spec.pools[name=gpu]', kind: 'removed' }), 'pools[gpu] only live');
    assert.equal(describeOne({ path: 'spec.pools', kind: 'reordered', live: ['a', 'b'], git: ['b', 'a'] }), 'spec.pools order differs');
    assert.equal(describeOne({ path: 'data.password', kind: 'changed', live: '+++++++++', git: '++++++++' }), 'data.password changed (values hidden)');
    assert.equal(describeOne({ path: 'data.token', kind: 'added', git: '++++++++' }), 'data.token (none) → (hidden)');
    assert.equal(describeOne({ path: 'a', kind: 'changed' }), 'a changed');
    assert.equal(describeOne({ path: 'a', kind: 'changed', live: '', git: 'x'.repeat(60) }), `a "" → ${'x'.repeat(39)}…`);
    assert.equal(describeOne({ path: 'cidrs', kind: 'changed', live: ['10.0.0.0/8'], git: ['10.0.0.0/8', '192.168.0.0/16'] }), 'cidrs [10.0.0.0/8] → [10.0.0.0/8, 192.168.0.0/16]');
    assert.equal(describeOne({ path: 'a', kind: 'changed', live: false, git: null }), 'a false → null');
  });

  it('one line for the other statuses', () => {
    assert.equal(describeChange({ status: 'Synced' }), 'in sync');
    assert.equal(describeChange({ status: 'Missing' }), 'not on the cluster');
    assert.equal(describeChange({ status: 'Missing', reason: 'the server refused it' }), 'not on the cluster; the server refused it');
    assert.equal(describeChange({ status: 'Extra' }), 'not in Git: a prune would delete it');
    assert.equal(describeChange({ status: 'Unknown', reason: 'forbidden: x' }), 'forbidden: x');
    assert.equal(describeChange({ status: 'OutOfSync', diff: { changedPaths: ['spec.a.b'] } }), 'a.b changed');
  });
});

describe('compareResource', () => {
  const ref = { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', namespace: 'ns-1', name: 'tkc-1' };

  it('renders only when the sides differ, unless asked', () => {
    const same = compareResource({ ref, name: 'n', git: tkcV1alpha2(), live: tkcV1alpha2() });
    assert.equal(same.equal, true);
    assert.equal(same.diff, undefined);
    const forced = compareResource({ ref, name: 'n', git: tkcV1alpha2(), live: tkcV1alpha2(), alwaysRender: true });
    assert.equal(forced.diff?.unified, '');
    assert.equal(forced.diff?.gitText, forced.diff?.liveText);
  });

  it('orders both texts after the Git object as written', () => {
    const git: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { z: '1', a: '2' } };
    const live: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '3', z: '1' } };
    const c = compareResource({ ref: { group: '', kind: 'ConfigMap', namespace: 'ns-1', name: 'c' }, name: 'n', git, live, orderRef: git });
    assert.match(c.diff?.liveText ?? '', /z: "1"\n {2}a: "3"/);
  });

  describe('tracking metadata', () => {
    const cmRef = { group: '', kind: 'ConfigMap', namespace: 'ns-1', name: 'c' };
    const TARGET = 'metadata.labels["tanzu-gitops.io/target"]';
    const ID = 'metadata.annotations["tanzu-gitops.io/tracking-id"]';
    const paths = new Set([TARGET, ID]);
    const tracking = { labels: { 'tanzu-gitops.io/target': 'tmp-repo-1a2b' }, annotations: { 'tanzu-gitops.io/tracking-id': '/tmp/repo:/ConfigMap:ns-1/c' } };
    const cm = (data: Obj, meta: Obj = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns-1', ...meta }, data });
    const applied = (data: Obj, labels: Obj = {}) => cm(data, { labels: { ...labels, ...tracking.labels }, annotations: tracking.annotations });

    it('leaves tracking out of both texts and lists what a sync adds apart; the labels Git holds stay', () => {
      const c = compareResource({ ref: cmRef, name: 'n', git: applied({ a: '2' }, { team: 'a' }), live: cm({ a: '1' }, { labels: { team: 'a' } }), trackingPaths: paths, orderRef: cm({ a: '2' }, { labels: { team: 'a' } }) });
      assert.equal(c.equal, false);
      const d = c.diff!;
      assert.doesNotMatch(d.gitText + d.liveText + d.unified, /tanzu-gitops\.io|\/tmp/);
      assert.match(d.gitText, /labels:\n {4}team: a\n/);
      assert.deepEqual(d.changedPaths, ['data.a']);
      assert.deepEqual(d.tracking?.map((t) => [t.kind, t.path]), [['added', TARGET], ['added', ID]]);
      // one hunk, of the data only
      assert.deepEqual(d.unified.split('\n').filter((l) => /^[-+][^-+]/.test(l)), ['-  a: "1"', '+  a: "2"']);
      assert.equal(describeChange({ status: 'OutOfSync', diff: d }), 'data.a 1 → 2', 'the real change, not the tracking');
    });

    it('a live object already tracked: tracking in neither text, nothing listed', () => {
      const c = compareResource({ ref: cmRef, name: 'n', git: applied({ a: '2' }), live: applied({ a: '1' }), trackingPaths: paths });
      assert.doesNotMatch(c.diff!.gitText + c.diff!.liveText, /tanzu-gitops\.io/);
      assert.equal(c.diff!.tracking, undefined);
    });

    it('equal apart from tracking: untracked, and no diff unless asked; asked, equal texts', () => {
      const c = compareResource({ ref: cmRef, name: 'n', git: applied({ a: '1' }), live: cm({ a: '1' }), trackingPaths: paths });
      assert.deepEqual([c.equal, c.untracked, c.diff], [true, true, undefined]);
      const shown = compareResource({ ref: cmRef, name: 'n', git: applied({ a: '1' }), live: cm({ a: '1' }), trackingPaths: paths, alwaysRender: true });
      assert.equal(shown.diff?.gitText, shown.diff?.liveText);
      assert.equal(shown.diff?.unified, '');
    });

    it('a create lists the tracking it sets; its Git side is as written', () => {
      const c = compareResource({ ref: cmRef, name: 'n', git: applied({ a: '1' }), trackingPaths: paths });
      assert.equal(c.diff?.liveText, '');
      assert.doesNotMatch(c.diff?.gitText ?? '', /tanzu-gitops\.io/);
      assert.deepEqual(c.diff?.tracking?.map((t) => t.path), [TARGET, ID]);
    });

    it('names the keys, never their values', () => {
      const changes: Change[] = [
        { path: TARGET, kind: 'added', git: 'x' },
        { path: ID, kind: 'changed', live: '/tmp/a:/ConfigMap:ns-1/c', git: '/tmp/b:/ConfigMap:ns-1/c' },
        { path: 'metadata.labels.owner', kind: 'added', git: 'y' },
      ];
      assert.deepEqual(trackingKeys(changes), ['label tanzu-gitops.io/target', 'annotation tanzu-gitops.io/tracking-id', 'label owner']);
      const note = trackingNote(changes, false);
      assert.equal(note, 'Tracking metadata is left out of both sides: a sync also adds label tanzu-gitops.io/target, label owner and changes annotation tanzu-gitops.io/tracking-id.');
      assert.doesNotMatch(note, /\/tmp|x\b/);
      assert.equal(trackingNote(changes.slice(0, 1), true), 'Live differs from Git only in tracking metadata: a sync adds label tanzu-gitops.io/target.');
      assert.equal(trackingNote([], true), '');
      assert.equal(trackingNote(undefined, false), '');
    });
  });
});
