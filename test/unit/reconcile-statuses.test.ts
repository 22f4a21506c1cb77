/** reconcile(): one status per resource, from Git, live objects, dry-run results and unknown kinds. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/diff/types';
import { describeChange } from '../../src/core/diff/unified';
import { gitObjectsFromText } from '../../src/core/reconcile/git-objects';
import { keyOf, identityOf } from '../../src/core/reconcile/identity';
import { ARGOCD_INSTANCE_LABEL } from '../../src/core/reconcile/ownership';
import { formatSource, isUnknownKind, reconcile, toRecord } from '../../src/core/reconcile/reconcile';
import type { GitObject, LiveEntry, ReconcileInput, ResourceStatus, Target } from '../../src/core/reconcile/types';
import { clusterTkc, merge, tkcV1alpha2, yaml } from './builders';

type Obj = Record<string, unknown>;

const TARGET: Target = { name: 'clusters', defaultNamespace: 'ns-1', ownership: { kind: 'argocd', appName: 'clusters', trackingMethod: 'label' } };

function inGit(...objects: Obj[]): GitObject[] {
  return objects.map((object, i) => ({ object, source: { file: `f${i}.yaml`, line: i * 10 } }));
}

/** As the server holds it: namespace set, tracked by the app, with server noise. */
function onServer(obj: Obj, extraMeta: Obj = {}): Obj {
  const meta = (obj.metadata ?? {}) as Obj;
  return merge(obj, {
    metadata: { namespace: meta.namespace ?? 'ns-1', labels: { ...(meta.labels as Obj), [ARGOCD_INSTANCE_LABEL]: 'clusters' }, resourceVersion: '1', uid: 'u-1', ...extraMeta },
    status: { phase: 'running' },
  });
}

function run(git: GitObject[], live: LiveEntry[], more: Partial<ReconcileInput> = {}) {
  return reconcile({ git, live, target: TARGET, options: {}, ...more });
}

const statuses = (rs: readonly ResourceStatus[]) => rs.map((r) => `${r.kind}/${r.name}:${r.status}`);

describe('reconcile statuses', () => {
  it('Synced when equal after normalisation; OutOfSync with the diff when not', () => {
    const tkc = tkcV1alpha2();
    const same = run(inGit(tkc), [onServer(tkc)]);
    assert.deepEqual(statuses(same.resources), ['TanzuKubernetesCluster/tkc-1:Synced']);
    assert.equal(same.resources[0].diff, undefined, 'no diff for Synced');
    assert.equal(same.resources[0].compared, 'offline');

    const changed = run(inGit(tkcV1alpha2({ topology: { controlPlane: { replicas: 1 } } })), [onServer(tkc)]);
    const [r] = changed.resources;
    assert.equal(r.status, 'OutOfSync');
    assert.deepEqual(r.diff?.changedPaths, ['spec.topology.controlPlane.replicas']);
    assert.match(r.diff?.unified ?? '', /^-\s+replicas: 3$/m);
    assert.match(r.diff?.unified ?? '', /^\+\s+replicas: 1$/m);
  });

  it('Missing when not live, with the Git side as the diff', () => {
    const [r] = run(inGit(tkcV1alpha2()), []).resources;
    assert.equal(r.status, 'Missing');
    assert.equal(r.live, undefined);
    assert.equal(r.diff?.liveText, '');
    assert.match(r.diff?.gitText ?? '', /^kind: TanzuKubernetesCluster$/m);
  });

  it('Extra only when owned by the target; live objects neither in Git nor owned are not listed', () => {
    const owned = onServer(tkcV1alpha2({}, { name: 'gone' }));
    const foreign = merge(tkcV1alpha2({}, { name: 'foreign' }), { metadata: { namespace: 'ns-1' } });
    const otherApp = merge(tkcV1alpha2({}, { name: 'other' }), { metadata: { labels: { [ARGOCD_INSTANCE_LABEL]: 'other' } } });
    const res = run([], [owned, foreign, otherApp]);
    assert.deepEqual(statuses(res.resources), ['TanzuKubernetesCluster/gone:Extra']);
    assert.equal(res.resources[0].diff?.gitText, '');
    assert.match(res.resources[0].diff?.unified ?? '', /^-kind: TanzuKubernetesCluster$/m);
  });

  it('Unknown for Git objects of a kind that could not be listed, with the reason; per namespace when given', () => {
    const live: LiveEntry[] = [
      { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', namespace: 'ns-2', reason: 'forbidden', message: 'no list in ns-2' },
      { group: 'cluster.x-k8s.io', kind: 'Cluster', reason: 'not-served', message: 'no such kind' },
      { group: '', kind: 'ConfigMap', reason: 'unreachable', message: '' },
    ];
    const git = inGit(
      tkcV1alpha2({}, { name: 'in-ns-2', namespace: 'ns-2' }),
      tkcV1alpha2({}, { name: 'in-ns-1' }),
      clusterTkc(),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } },
    );
    const res = run(git, live);
    const by = new Map(res.resources.map((r) => [r.name, r]));
    assert.equal(by.get('in-ns-2')?.status, 'Unknown');
    assert.equal(by.get('in-ns-2')?.reason, 'forbidden: no list in ns-2');
    assert.equal(by.get('in-ns-2')?.unknownCause, 'forbidden');
    assert.equal(by.get('in-ns-1')?.status, 'Missing', 'the kind is listed in ns-1');
    assert.equal(by.get('cc-1')?.reason, 'kind not served by the cluster: no such kind');
    assert.equal(by.get('cm')?.reason, 'cluster unreachable');
    assert.equal(by.get('cm')?.unknownCause, 'unreachable');
    assert.equal(res.warnings.length, 3, 'each unlisted kind: Extra objects of it cannot be seen');
    assert.ok(isUnknownKind(live[0]));
    assert.ok(!isUnknownKind(tkcV1alpha2()));
  });

  it('Unknown for the same identity twice in Git, naming both places (1-based lines)', () => {
    const a = tkcV1alpha2();
    const b = { ...tkcV1alpha2({}, { namespace: undefined }), apiVersion: 'run.tanzu.vmware.com/v1alpha3' };
    const [r] = run(inGit(a, b), [onServer(a)]).resources;
    assert.equal(r.status, 'Unknown');
    assert.equal(r.unknownCause, 'defined-twice');
    assert.equal(r.reason, 'defined twice in Git: f0.yaml:1 and f1.yaml:11');
    assert.ok(r.live, 'the live object is still shown');
    assert.equal(r.diff, undefined, 'never compared against either');
    const three = run(inGit(a, a, a), []).resources[0];
    assert.equal(three.reason, 'defined 3 times in Git: f0.yaml:1, f1.yaml:11 and f2.yaml:21');
  });

  it('sorts by kind order, then namespace, then name; unknown kinds last', () => {
    const obj = (apiVersion: string, kind: string, name: string, namespace = 'ns-1'): Obj => ({ apiVersion, kind, metadata: { name, namespace } });
    const git = inGit(
      obj('argoproj.io/v1alpha1', 'Application', 'app'),
      obj('example.com/v1', 'Widget', 'w'),
      obj('run.tanzu.vmware.com/v1alpha2', 'TanzuKubernetesCluster', 'b', 'ns-2'),
      obj('run.tanzu.vmware.com/v1alpha2', 'TanzuKubernetesCluster', 'b'),
      obj('run.tanzu.vmware.com/v1alpha2', 'TanzuKubernetesCluster', 'a'),
      obj('v1', 'Secret', 's'),
      obj('v1', 'Namespace', 'ns-1'),
      obj('example.com/v1', 'Gadget', 'g'),
    );
    const order = run(git, []).resources.map((r) => `${r.kind}/${r.namespace}/${r.name}`);
    assert.deepEqual(order, [
      'Namespace//ns-1', 'Secret/ns-1/s',
      'TanzuKubernetesCluster/ns-1/a', 'TanzuKubernetesCluster/ns-1/b', 'TanzuKubernetesCluster/ns-2/b',
      'Application/ns-1/app', 'Gadget/ns-1/g', 'Widget/ns-1/w',
    ]);
  });

  it('warns about Git documents without an identity instead of dropping them silently', () => {
    const res = run([{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-' } }, source: { file: 'a.yaml', line: 4 } }], []);
    assert.deepEqual(res.resources, []);
    assert.deepEqual(res.warnings, ['a.yaml:5: not compared: a Kubernetes object needs apiVersion, kind and metadata.name.']);
  });

  it('names an apiVersion with more than one / instead of pairing it with anything', () => {
    const res = run([{ object: { apiVersion: 'a/b/c', kind: 'ConfigMap', metadata: { name: 'x' } }, source: { file: 'a.yaml', line: 0 } }], []);
    assert.deepEqual(res.resources, []);
    assert.deepEqual(res.warnings, ['a.yaml:1: not compared: apiVersion "a/b/c" is neither a version nor group/version.']);
  });

  it('compares the dry-run result with live when given, and says so', () => {
    const git = tkcV1alpha2();
    const live = onServer(merge(git, { spec: { settings: { network: { serviceDomain: 'cluster.local', defaulted: true } } } }));
    const key = keyOf(identityOf(git)!);
    const desiredSame = merge(live, { metadata: { resourceVersion: '2' } });
    const [same] = run(inGit(git), [live], { desired: new Map([[key, desiredSame]]) }).resources;
    assert.equal(same.status, 'Synced');
    assert.equal(same.compared, 'dry-run');
    // The dry-run decides, not Git's text: a desired object that differs is OutOfSync even where Git says nothing.
    const desiredOther = merge(live, { spec: { settings: { network: { defaulted: false } } } });
    const [other] = run(inGit(git), [live], { desired: new Map([[key, desiredOther]]) }).resources;
    assert.equal(other.status, 'OutOfSync');
    assert.deepEqual(other.diff?.changedPaths, ['spec.settings.network.defaulted']);
  });

  it('a refused dry-run: compared offline, the server message kept as the reason', () => {
    const git = tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } } });
    const key = keyOf(identityOf(git)!);
    const [r] = run(inGit(git), [onServer(tkcV1alpha2())], { desired: new Map(), dryRunErrors: new Map([[key, 'control plane can only be either 1 or 3 nodes']]) }).resources;
    assert.equal(r.status, 'OutOfSync');
    assert.equal(r.compared, 'offline');
    assert.equal(r.reason, "the server's dry-run refused it: control plane can only be either 1 or 3 nodes");
  });

  it('pairs by the scope the caller gives (cluster-scoped objects match whatever namespace Git wrote)', () => {
    const vmc = (meta: Obj): Obj => ({ apiVersion: 'vmoperator.vmware.com/v1alpha1', kind: 'VirtualMachineClass', metadata: { name: 'best-effort-small', ...meta }, spec: { hardware: { cpus: 2 } } });
    const liveVmc = vmc({ labels: { [ARGOCD_INSTANCE_LABEL]: 'clusters' } });
    const isNamespaced = (_g: string, k: string) => (k === 'VirtualMachineClass' ? false : undefined);
    const res = run(inGit(vmc({ namespace: 'ns-1' })), [liveVmc], { isNamespaced });
    assert.deepEqual(statuses(res.resources), ['VirtualMachineClass/best-effort-small:Synced']);
    assert.equal(res.resources[0].namespace, '');
  });

  it('takes the version from Git, the key without it', () => {
    const git = { ...tkcV1alpha2(), apiVersion: 'run.tanzu.vmware.com/v1alpha3' };
    const [r] = run(inGit(git), []).resources;
    assert.equal(r.version, 'v1alpha3');
    assert.equal(r.key, 'run.tanzu.vmware.com/TanzuKubernetesCluster/ns-1/tkc-1');
  });

  it('keeps the Git object as written and the live object as served (for Open in Git / Open Live)', () => {
    const git = tkcV1alpha2({}, { namespace: undefined });
    const live = onServer(tkcV1alpha2());
    const [r] = run(inGit(git), [live]).resources;
    assert.deepEqual(r.git?.object, git);
    assert.deepEqual(r.git?.source, { file: 'f0.yaml', line: 0 });
    assert.deepEqual(r.live, live);
  });

  it('uses a live Argo CD tracking id that already names the object (Argo CD writes cluster-scoped ids its own way)', () => {
    const target: Target = { ...TARGET, ownership: { kind: 'argocd', appName: 'clusters', trackingMethod: 'annotation' } };
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };
    const live = { ...ns, metadata: { name: 'team-a', annotations: { 'argocd.argoproj.io/tracking-id': 'clusters:/Namespace:argocd/team-a' } } };
    const res = reconcile({ git: inGit(ns), live: [live], target, options: {} });
    assert.deepEqual(statuses(res.resources), ['Namespace/team-a:Synced']);
  });

  it('equal apart from the tracking a sync adds: Synced, not tracked yet, no diff; the tracked twin is tracked', () => {
    const tanzu: Target = { name: 'repo-a', defaultNamespace: 'ns-1', ownership: { kind: 'tanzu-gitops', target: 'repo-a' } };
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', labels: { app: 'x' } }, data: { a: '1' } };
    // As another manager left it: no tracking, the last-applied annotation of client-side kubectl.
    const seeded = { ...cm, metadata: { name: 'cm', namespace: 'ns-1', labels: { app: 'x' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, resourceVersion: '7' } };
    const [offline] = reconcile({ git: inGit(cm), live: [seeded], target: tanzu, options: {} }).resources;
    assert.equal(offline.status, 'Synced');
    assert.equal(offline.tracked, false);
    assert.equal(offline.diff, undefined);
    assert.equal(toRecord(offline).tracked, false);

    // With the dry-run: desired carries the tracking, live does not.
    const key = keyOf(identityOf(cm, { defaultNamespace: 'ns-1' })!);
    const desired = merge(seeded, { metadata: { labels: { 'tanzu-gitops.io/target': 'repo-a' }, annotations: { 'tanzu-gitops.io/tracking-id': 'repo-a:/ConfigMap:ns-1/cm' } } });
    const [dry] = reconcile({ git: inGit(cm), live: [seeded], desired: new Map([[key, desired]]), target: tanzu, options: {} }).resources;
    assert.deepEqual([dry.status, dry.tracked, dry.compared, dry.diff], ['Synced', false, 'dry-run', undefined]);

    // Tracked already: Synced and tracked.
    const [tracked] = reconcile({ git: inGit(cm), live: [desired], desired: new Map([[key, desired]]), target: tanzu, options: {} }).resources;
    assert.deepEqual([tracked.status, tracked.tracked], ['Synced', true]);

    // A real difference besides the tracking: OutOfSync, not tracked; the hunks show the real
    // difference only, the tracking a sync adds is listed apart and is in neither text.
    const [differs] = reconcile({ git: inGit({ ...cm, data: { a: '2' } }), live: [seeded], target: tanzu, options: {} }).resources;
    assert.deepEqual([differs.status, differs.tracked], ['OutOfSync', false]);
    assert.deepEqual(differs.diff?.changedPaths, ['data.a']);
    assert.deepEqual(differs.diff?.tracking?.map((c) => [c.kind, c.path]).sort(), [['added', 'metadata.annotations["tanzu-gitops.io/tracking-id"]'], ['added', 'metadata.labels["tanzu-gitops.io/target"]']]);
    assert.doesNotMatch(`${differs.diff?.gitText}${differs.diff?.liveText}${differs.diff?.unified}`, /tanzu-gitops\.io/);
    assert.match(differs.diff?.unified ?? '', /^-\s+a: "1"$/m);
    assert.match(differs.diff?.gitText ?? '', /labels:\n\s+app: x\n/, 'the labels Git holds stay');

    // Tracked by another target (a different label value): not adoption but a change of owner.
    const other = merge(seeded, { metadata: { labels: { 'tanzu-gitops.io/target': 'repo-b' } } });
    const [taken] = reconcile({ git: inGit(cm), live: [other], target: tanzu, options: {} }).resources;
    assert.equal(taken.status, 'OutOfSync');
    assert.equal(taken.diff?.unified, '', 'no hunk: the texts leave tracking out');
    assert.deepEqual(taken.diff?.tracking?.map((c) => [c.kind, c.path, c.live]), [
      ['changed', 'metadata.labels["tanzu-gitops.io/target"]', 'repo-b'],
      ['added', 'metadata.annotations["tanzu-gitops.io/tracking-id"]', undefined],
    ]);
    assert.equal(describeChange(taken), 'tracking only: label tanzu-gitops.io/target, annotation tanzu-gitops.io/tracking-id');

    // Argo CD's label tracking: the same rule for its instance label.
    const [argo] = run(inGit(cm), [seeded]).resources;
    assert.deepEqual([argo.status, argo.tracked, argo.diff], ['Synced', false, undefined]);
    // Not in Git and not tracked: not listed (Extra means tracked by this target only).
    assert.deepEqual(reconcile({ git: [], live: [seeded], target: tanzu, options: {} }).resources, []);
  });

  it('gives the command line its JSON record', () => {
    const [r] = run(inGit(tkcV1alpha2({ topology: { controlPlane: { replicas: 1 } } })), [onServer(tkcV1alpha2())]).resources;
    const rec = toRecord(r);
    assert.deepEqual(Object.keys(rec), ['group', 'version', 'kind', 'namespace', 'name', 'status', 'diff', 'tracked', 'health']);
    assert.equal(rec.tracked, true);
    // phase running and no Ready condition: Healthy, as Argo CD reads the phase
    assert.equal(rec.health?.status, 'Healthy');
    assert.equal(rec.status, 'OutOfSync');
    assert.match(rec.diff, /^--- live\/TanzuKubernetesCluster/);
    assert.equal(toRecord({ ...r, status: 'Unknown', reason: 'forbidden: x', diff: undefined }).reason, 'forbidden: x');
  });

  it('formats sources 1-based', () => {
    assert.equal(formatSource({ file: 'clusters/a.yaml', line: 0 }), 'clusters/a.yaml:1');
  });
});

describe('Git objects from a file', () => {
  it('one per document, at its first content line; Lists expanded; unreadable documents reported', () => {
    const text = [
      '# clusters of team a',
      yaml(tkcV1alpha2()).trimEnd(),
      '---',
      '# the second one',
      yaml(tkcV1alpha2({}, { name: 'tkc-2' })).trimEnd(),
      '---',
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}',
      '---',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: broken\n',
      '---',
      '- just\n- a list',
      '',
    ].join('\n');
    const { objects, problems } = gitObjectsFromText('a.yaml', text);
    const names = objects.map((o) => `${((o.object as KubeObject).metadata as Obj).name}@${o.source.line}`);
    const lines = text.split('\n');
    assert.equal(lines[1], 'apiVersion: run.tanzu.vmware.com/v1alpha2');
    const second = lines.indexOf('apiVersion: run.tanzu.vmware.com/v1alpha2', 2);
    const list = lines.indexOf('kind: List') - 1;
    assert.deepEqual(names, ['tkc-1@1', `tkc-2@${second}`, `a@${list}`, `b@${list}`]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^a\.yaml:\d+: not compared: YAML syntax/);
  });
});
