/**
 * The sync plan (core/sync/plan.ts): actions from drift statuses, order (Namespaces, CRDs, waves,
 * kinds, deletes last), prune selection (tracked only, Prune=false, Delete=confirm, clusters need
 * their name typed), guards (live rules block with file:line), stale manifests, payloads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NamespaceFacts, SupervisorFacts } from '../../src/core/live/facts';
import { gitObjectsFromText } from '../../src/core/reconcile/git-objects';
import { objectToApply, TANZU_TARGET_LABEL, TANZU_TRACKING_ANNOTATION, trackingFor, type Ownership } from '../../src/core/reconcile/ownership';
import { reconcile } from '../../src/core/reconcile/reconcile';
import type { LiveEntry, ResourceStatus } from '../../src/core/reconcile/types';
import { syncOptionsOf, syncWaveOf } from '../../src/core/sync/annotations';
import { permissionChecks, restrictPlan } from '../../src/core/sync/permissions';
import { keysOfFile, planSync, pruneRefusal, type PlanFile } from '../../src/core/sync/plan';
import type { SyncPlan } from '../../src/core/sync/types';
import { lineOf, merge, tkcV1alpha2, yaml } from './builders';

type Obj = Record<string, unknown>;

const OWNERSHIP: Ownership = { kind: 'tanzu-gitops', target: 'workspace' };
const TARGET = { name: 'workspace', namespace: 'ns-1', ownership: OWNERSHIP };

const cm = (name: string, meta: Obj = {}, data: Obj = { a: '1' }): Obj =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns-1', ...meta }, data });
const ns = (name: string, meta: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...meta } });
const crd = (name: string): Obj => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name }, spec: { group: 'example.com' } });
const wave = (n: number | string): Obj => ({ annotations: { 'argocd.argoproj.io/sync-wave': String(n) } });

/** As a sync of the target left it on the server: tracked, with server fields. */
function live(obj: Obj, extraMeta: Obj = {}): Obj {
  const meta = obj.metadata as Obj;
  const id = { group: String(obj.apiVersion).includes('/') ? String(obj.apiVersion).split('/')[0] : '', kind: String(obj.kind), namespace: String(meta.namespace ?? ''), name: String(meta.name) };
  const applied = objectToApply(obj, id, OWNERSHIP);
  return merge(applied, { metadata: { resourceVersion: '7', uid: `uid-${id.name}`, ...extraMeta } });
}

function drift(files: PlanFile[], liveObjects: LiveEntry[]): { target: typeof TARGET; resources: readonly ResourceStatus[] } {
  const git = files.flatMap((f) => gitObjectsFromText(f.path, f.text).objects);
  const result = reconcile({ git, live: liveObjects, target: { name: TARGET.name, defaultNamespace: TARGET.namespace, ownership: OWNERSHIP }, options: {} });
  return { target: TARGET, resources: result.resources };
}

const summary = (plan: SyncPlan) => plan.items.map((i) => `${i.action} ${i.kind}/${i.name}`);

function facts(over: Partial<SupervisorFacts> & { live?: Record<string, Obj> } = {}): SupervisorFacts {
  const byNamespace = new Map<string, NamespaceFacts>([
    ['ns-1', { vmClasses: new Set(['best-effort-small']), storageClasses: new Set(['vsan-default']) }],
  ]);
  const liveMap = over.live ?? {};
  return {
    context: 'sv', namespaces: new Set(['ns-1']), byNamespace, tkrs: undefined,
    liveObject: (g, k, n, name) => liveMap[`${g}/${k}/${n}/${name}`],
    defaultNamespace: 'ns-1', generation: 1, ...over,
  };
}

describe('sync plan: actions and order', () => {
  it('Missing -> create, OutOfSync -> update, Synced -> unchanged; nothing is sent for unchanged', () => {
    const files = [{ path: 'a.yaml', text: yaml(cm('new'), cm('changed', {}, { a: '2' }), cm('same')) }];
    const plan = planSync(drift(files, [live(cm('changed')), live(cm('same'))]), { files, facts: facts() });
    assert.deepEqual(summary(plan).sort(), ['create ConfigMap/new', 'unchanged ConfigMap/same', 'update ConfigMap/changed']);
    assert.deepEqual(plan.counts, { create: 1, update: 1, unchanged: 1, delete: 0, apply: 0, conflict: 0 });
    assert.equal(plan.blocked, false);
    assert.equal(plan.empty, false);
    assert.deepEqual([...plan.payloads.keys()].sort(), ['/ConfigMap/ns-1/changed', '/ConfigMap/ns-1/new']);
    assert.equal(plan.items.find((i) => i.name === 'changed')?.diff?.changedPaths[0], 'data.a');
  });

  it('Synced but not tracked yet -> update: the payload adds the tracking (adoption), noted', () => {
    const files = [{ path: 'a.yaml', text: yaml(cm('seeded')) }];
    const plan = planSync(drift(files, [merge(cm('seeded'), { metadata: { resourceVersion: '3' } })]), { files, facts: facts() });
    assert.deepEqual(summary(plan), ['update ConfigMap/seeded']);
    const [item] = plan.items;
    assert.equal(item.status, 'Synced');
    assert.equal(item.note, 'equal to Git; adopted: the tracking is added');
    const meta = plan.payloads.get('/ConfigMap/ns-1/seeded')?.metadata as Obj;
    assert.deepEqual(meta.labels, { [TANZU_TARGET_LABEL]: 'workspace' });
    assert.equal(plan.empty, false);
  });

  it('Namespaces, then CRDs, then waves lower first, kinds in order within a wave, deletes last', () => {
    const files = [{
      path: 'all.yaml',
      text: yaml(
        tkcV1alpha2({}, { name: 'late', annotations: { 'argocd.argoproj.io/sync-wave': '5' } }),
        cm('w0'),
        tkcV1alpha2({}, { name: 'w0-tkc' }),
        cm('early', wave(-1)),
        crd('widgets.example.com'),
        ns('ns-1', wave(3)),
        cm('w5', wave(5)),
      ),
    }];
    const gone = live(cm('gone', wave(2)));
    const goneNs = live(ns('old-ns'));
    const plan = planSync(drift(files, [gone, goneNs]), { files, facts: facts(), prune: true });
    assert.deepEqual(plan.waves.map((w) => w.label), ['Namespaces', 'CRDs', 'wave -1', 'wave 0', 'wave 5', 'prune']);
    assert.deepEqual(summary(plan), [
      'create Namespace/ns-1',
      'create CustomResourceDefinition/widgets.example.com',
      'create ConfigMap/early',
      'create ConfigMap/w0',
      'create TanzuKubernetesCluster/w0-tkc',
      'create ConfigMap/w5',
      'create TanzuKubernetesCluster/late',
      'delete ConfigMap/gone',
      'delete Namespace/old-ns',
    ]);
    assert.equal(plan.items.find((i) => i.name === 'ns-1')?.wave, 3, 'the wave is kept, Namespaces still go first');
  });

  it('sync-wave: integers only (a sign allowed); anything else is wave 0 with a warning', () => {
    assert.equal(syncWaveOf(cm('x', wave('-3'))).wave, -3);
    assert.equal(syncWaveOf(cm('x', wave('+2'))).wave, 2);
    assert.equal(syncWaveOf(cm('x')).wave, 0);
    const bad = syncWaveOf(cm('x', wave('1.5')));
    assert.equal(bad.wave, 0);
    assert.match(bad.problem ?? '', /not an integer/);
    const files = [{ path: 'a.yaml', text: yaml(cm('odd', wave('soon'))) }];
    const plan = planSync(drift(files, []), { files, facts: facts() });
    assert.ok(plan.warnings.some((w) => /^a\.yaml:1: argocd\.argoproj\.io\/sync-wave: "soon" is not an integer/.test(w)), plan.warnings.join('\n'));
  });

  it('sync-options: comma-separated, spaces ignored', () => {
    const o = syncOptionsOf(cm('x', { annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true, Prune=false ,Delete=confirm' } }));
    assert.deepEqual([...o], [['ServerSideApply', 'true'], ['Prune', 'false'], ['Delete', 'confirm']]);
  });

  it('a kind the server does not serve yet (its CRD comes with the sync) or may not list is applied as is', () => {
    const files = [{ path: 'w.yaml', text: yaml({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'ns-1' } }) }];
    const git = gitObjectsFromText('w.yaml', files[0].text).objects;
    const r = reconcile({ git, live: [{ group: 'example.com', kind: 'Widget', reason: 'not-served', message: 'no CRD' }], target: { name: 'workspace', defaultNamespace: 'ns-1', ownership: OWNERSHIP }, options: {} });
    const plan = planSync({ target: TARGET, resources: r.resources }, { files, facts: facts() });
    assert.deepEqual(summary(plan), ['apply Widget/w1']);
    assert.match(plan.items[0].note ?? '', /live state not known \(kind not served by the cluster: no CRD\)/);
    assert.equal(plan.blocked, false);
  });

  it('a dry-run refused because the namespace does not exist yet is expected when the sync creates that namespace', () => {
    const files = [{ path: 'a.yaml', text: yaml(ns('fresh'), cm('in-fresh', { namespace: 'fresh' }), cm('elsewhere', { namespace: 'gone' })) }];
    const git = gitObjectsFromText('a.yaml', files[0].text).objects;
    const dryRunErrors = new Map([
      ['/ConfigMap/fresh/in-fresh', 'namespaces "fresh" not found'],
      ['/ConfigMap/gone/elsewhere', 'namespaces "gone" not found'],
    ]);
    const r = reconcile({ git, live: [], dryRunErrors, target: { name: 'workspace', defaultNamespace: 'ns-1', ownership: OWNERSHIP }, options: {} });
    const plan = planSync({ target: TARGET, resources: r.resources }, { files });
    const notes = Object.fromEntries(plan.items.map((i) => [i.name, i.note ?? '']));
    assert.equal(notes['in-fresh'], 'its namespace fresh is created by this sync first');
    assert.match(notes.elsewhere, /the server's dry-run refused it: namespaces "gone" not found/);
  });

  it('only: a file\'s resources (Sync Current File)', () => {
    const files = [{ path: 'a.yaml', text: yaml(cm('a1')) }, { path: 'b.yaml', text: yaml(cm('b1'), cm('b2')) }];
    const d = drift(files, []);
    const plan = planSync(d, { files, facts: facts(), only: keysOfFile(d.resources, 'b.yaml') });
    assert.deepEqual(summary(plan), ['create ConfigMap/b1', 'create ConfigMap/b2']);
  });
});

describe('sync plan: prune', () => {
  const files = [{ path: 'a.yaml', text: yaml(cm('kept-in-git')) }];

  it('without prune nothing is deleted; the Extra objects are listed as kept', () => {
    const plan = planSync(drift(files, [live(cm('extra'))]), { files, facts: facts() });
    assert.equal(plan.counts.delete, 0);
    assert.deepEqual(plan.kept.map((k) => `${k.name}: ${k.reason}`), ['extra: not in Git; prune not chosen']);
  });

  it('deletes only what carries this target\'s label AND a tracking annotation naming the object', () => {
    const untracked = merge(cm('untracked'), { metadata: { resourceVersion: '1' } });
    const otherTarget = live(cm('other'));
    ((otherTarget.metadata as Obj).labels as Obj)[TANZU_TARGET_LABEL] = 'another-target';
    const copied = live(cm('copied'));
    ((copied.metadata as Obj).annotations as Obj)[TANZU_TRACKING_ANNOTATION] = 'workspace:/ConfigMap:ns-1/original';
    const noAnnotation = live(cm('label-only'));
    delete ((noAnnotation.metadata as Obj).annotations as Obj)[TANZU_TRACKING_ANNOTATION];
    const owned = live(cm('owned'), { ownerReferences: [{ kind: 'Deployment', name: 'x', uid: 'u' }] });
    const tracked = live(cm('tracked'));
    const plan = planSync(drift(files, [untracked, otherTarget, copied, noAnnotation, owned, tracked]), { files, facts: facts(), prune: true });
    assert.deepEqual(summary(plan).filter((s) => s.startsWith('delete')), ['delete ConfigMap/tracked']);
    const reasons = Object.fromEntries(plan.kept.map((k) => [k.name, k.reason]));
    assert.deepEqual(Object.keys(reasons).sort(), ['label-only'], 'the others are not even Extra (reconcile does not list them)');
    assert.match(reasons['label-only'], /annotation tanzu-gitops\.io\/tracking-id does not name this target and object/);
    assert.ok(!plan.items.some((i) => ['untracked', 'other', 'copied', 'owned'].includes(i.name)));
  });

  it('Prune=false is honoured; Delete=confirm and Prune=confirm need confirmation; a Namespace too', () => {
    const plan = planSync(drift(files, [
      live(cm('no-prune', { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false' } })),
      live(cm('confirm-delete', { annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true,Delete=confirm' } })),
      live(cm('confirm-prune', { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=confirm' } })),
      live(ns('old-ns')),
      live(cm('plain')),
    ]), { files, facts: facts(), prune: true });
    assert.deepEqual(plan.kept.map((k) => `${k.name}: ${k.reason}`), ['no-prune: argocd.argoproj.io/sync-options: Prune=false']);
    const deletes = Object.fromEntries(plan.items.filter((i) => i.action === 'delete').map((i) => [i.name, i.needsConfirmation ?? '']));
    assert.deepEqual(deletes, { 'confirm-delete': 'Delete=confirm', 'confirm-prune': 'Prune=confirm', plain: '', 'old-ns': 'deleting a Namespace deletes everything in it' });
    assert.equal(plan.destructive.length, 0);
  });

  it('deleting a TanzuKubernetesCluster or Cluster is destructive: its name must be typed', () => {
    const tkc = live(tkcV1alpha2({}, { name: 'prod-cluster' }));
    const cluster = live({ apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name: 'cc-9', namespace: 'ns-1' }, spec: {} });
    const plan = planSync(drift(files, [tkc, cluster]), { files, facts: facts(), prune: true });
    assert.deepEqual(plan.destructive.map((i) => `${i.kind}/${i.name}:${i.destructive?.confirmText}`).sort(), ['Cluster/cc-9:cc-9', 'TanzuKubernetesCluster/prod-cluster:prod-cluster']);
    assert.match(plan.destructive[0].destructive?.message ?? '', /deletes the cluster and its nodes\. Type ".*" to confirm/);
  });

  it('a file that could not be read blocks the plan (with its path and why) and nothing is deleted; its tracked objects are kept', () => {
    const d = drift(files, [live(cm('maybe-in-the-link'))]);
    const unreadResources = d.resources.map((r) => (r.status === 'Extra' ? { ...r, status: 'Unknown' as const, unknownCause: 'unread' as const, reason: 'a file could not be read (link.yaml) and may define it: not pruned' } : r));
    const plan = planSync({ ...d, resources: unreadResources, unread: [{ path: 'link.yaml', reason: 'symbolic link to /etc/x.yaml, outside the repository (/w): not followed' }] }, { files, facts: facts(), prune: true });
    assert.equal(plan.blocked, true);
    assert.deepEqual(plan.blockers.map((b) => `${b.code} ${b.file}`), ['unread link.yaml']);
    assert.match(plan.blockers[0].message, /^link\.yaml: could not be read: symbolic link to \/etc\/x\.yaml, outside the repository .*nothing is synced or pruned/);
    assert.equal(plan.counts.delete, 0);
    assert.deepEqual(plan.kept.map((k) => k.name), ['maybe-in-the-link']);
    // a syntax error is its own yaml-syntax blocker, not a second one
    const broken = [...files, { path: 'b.yaml', text: 'kind: ConfigMap\nmetadata: {name: x\n' }];
    const withSyntax = planSync({ ...drift(broken, []), unread: [{ path: 'b.yaml', reason: 'line 1: ...' }] }, { files: broken, facts: facts(), prune: true });
    assert.deepEqual(withSyntax.blockers.map((b) => `${b.code} ${b.file}`), ['yaml-syntax b.yaml']);
  });

  it('one target per path: a folder\'s target prunes what it applied there only; objects of earlier builds (no path) belong to the whole repository', () => {
    const at = (path: string): Ownership => ({ kind: 'tanzu-gitops', target: 'workspace', path });
    const appliedBy = (obj: Obj, path: string | undefined): Obj => {
      const meta = obj.metadata as Obj;
      const own: Ownership = path === undefined ? OWNERSHIP : at(path);
      return merge(objectToApply(obj, { group: '', kind: 'ConfigMap', namespace: String(meta.namespace), name: String(meta.name) }, own), { metadata: { resourceVersion: '7' } });
    };
    const liveObjects = [appliedBy(cm('apps-gone'), 'apps'), appliedBy(cm('clusters-gone'), 'clusters'), appliedBy(cm('legacy-gone'), undefined), appliedBy(cm('top-gone'), '')];
    assert.equal((liveObjects[0].metadata as { annotations: Obj }).annotations['tanzu-gitops.io/path'], 'apps');
    assert.equal((liveObjects[3].metadata as { annotations: Obj }).annotations['tanzu-gitops.io/path'], '.');
    const planFor = (path: string) => {
      const target = { ...TARGET, ownership: at(path) };
      const git = files.flatMap((f) => gitObjectsFromText(f.path, f.text).objects);
      const r = reconcile({ git, live: liveObjects, target: { name: target.name, defaultNamespace: target.namespace, ownership: target.ownership }, options: {} });
      return planSync({ target, resources: r.resources }, { files, facts: facts(), prune: true });
    };
    const deletes = (p: SyncPlan) => p.items.filter((i) => i.action === 'delete').map((i) => i.name).sort();
    assert.deepEqual(deletes(planFor('apps')), ['apps-gone']);
    assert.deepEqual(deletes(planFor('clusters')), ['clusters-gone']);
    assert.deepEqual(deletes(planFor('')), ['legacy-gone', 'top-gone']);
    assert.match(pruneRefusal(liveObjects[1] as never, { group: '', kind: 'ConfigMap', namespace: 'ns-1', name: 'clusters-gone' }, at('apps')) ?? '', /applied by the target of clusters, not this one \(apps\)/);
    assert.match(pruneRefusal(liveObjects[2] as never, { group: '', kind: 'ConfigMap', namespace: 'ns-1', name: 'legacy-gone' }, at('apps')) ?? '', /applied for the whole repository/);
  });

  it('an object Argo CD tracks (its annotation or instance label) is never this target\'s, even with this target\'s tracking', () => {
    const byAnnotation = live(cm('argo-ann', { annotations: { 'argocd.argoproj.io/tracking-id': 'app:/ConfigMap:ns-1/argo-ann' } }));
    const byLabel = live(cm('argo-label', { labels: { 'app.kubernetes.io/instance': 'app' } }));
    const plan = planSync(drift(files, [byAnnotation, byLabel, live(cm('ours'))]), { files, facts: facts(), prune: true });
    assert.deepEqual(plan.items.filter((i) => i.action === 'delete').map((i) => i.name), ['ours']);
    assert.match(pruneRefusal(byLabel as never, { group: '', kind: 'ConfigMap', namespace: 'ns-1', name: 'argo-label' }, OWNERSHIP) ?? '', /tracked by Argo CD \(label app\.kubernetes\.io\/instance\): Argo CD prunes it/);
    assert.match(pruneRefusal(byAnnotation as never, { group: '', kind: 'ConfigMap', namespace: 'ns-1', name: 'argo-ann' }, OWNERSHIP) ?? '', /tracked by Argo CD \(annotation argocd\.argoproj\.io\/tracking-id\)/);
  });

  it('an Argo CD target\'s objects are never pruned by a direct sync, and the plan says why', () => {
    const argo: Ownership = { kind: 'argocd', appName: 'app', trackingMethod: 'label' };
    const extra = merge(cm('argo-extra'), { metadata: { labels: { 'app.kubernetes.io/instance': 'app' } } });
    const git = gitObjectsFromText('a.yaml', files[0].text).objects;
    const r = reconcile({ git, live: [extra], target: { name: 'app', defaultNamespace: 'ns-1', ownership: argo }, options: {} });
    const plan = planSync({ target: { name: 'app', namespace: 'ns-1', ownership: argo }, resources: r.resources }, { files, facts: facts(), prune: true });
    assert.equal(plan.counts.delete, 0);
    assert.match(plan.kept[0].reason, /tracked by Argo CD/);
    assert.ok(plan.warnings.some((w) => /is an Argo CD Application: a direct sync competes with Argo CD/.test(w)));
  });
});

describe('sync plan: guards', () => {
  const liveTkc = tkcV1alpha2();

  it('scale-in 3 -> 1 of a live cluster and an immutable CIDR block the plan, each at its file:line', () => {
    const text = yaml(cm('fine'), tkcV1alpha2({ topology: { controlPlane: { replicas: 1 } }, settings: { network: { services: { cidrBlocks: ['10.100.0.0/16'] } } } }));
    const files = [{ path: 'clusters/tkc.yaml', text }];
    const plan = planSync(drift(files, [live(liveTkc)]), { files, facts: facts({ live: { 'run.tanzu.vmware.com/TanzuKubernetesCluster/ns-1/tkc-1': liveTkc } }) });
    assert.equal(plan.blocked, true);
    const found = plan.blockers.map((b) => `${b.code}@${b.file}:${(b.line ?? -1) + 1}`).sort();
    assert.deepEqual(found, [
      `control-plane-scale-in@clusters/tkc.yaml:${lineOf(text, 'replicas: 1') + 1}`,
      `immutable-field@clusters/tkc.yaml:${lineOf(text, 'cidrBlocks', lineOf(text, 'services:')) + 1}`,
    ]);
    assert.ok(plan.blockers.every((b) => b.key === 'run.tanzu.vmware.com/TanzuKubernetesCluster/ns-1/tkc-1'));
  });

  it('an unavailable VM class, an unassigned storage class and any offline error block too', () => {
    const text = yaml(tkcV1alpha2({ topology: { controlPlane: { vmClass: 'huge', storageClass: 'gold', replicas: 2 } } }));
    const files = [{ path: 'tkc.yaml', text }];
    const plan = planSync(drift(files, []), { files, facts: facts() });
    assert.deepEqual([...new Set(plan.blockers.map((b) => b.code))].sort(), ['control-plane-replicas', 'storage-class-unassigned', 'vm-class-unavailable']);
  });

  it('a document that does not change is not guarded (a Synced cluster whose class went away is left alone)', () => {
    const tkc = tkcV1alpha2({ topology: { controlPlane: { vmClass: 'retired' } } });
    const files = [{ path: 'tkc.yaml', text: yaml(tkc) }];
    const plan = planSync(drift(files, [live(tkc)]), { files, facts: facts() });
    assert.deepEqual(summary(plan), ['unchanged TanzuKubernetesCluster/tkc-1']);
    assert.equal(plan.blocked, false);
    assert.equal(plan.empty, true);
  });

  it('namespace-unknown blocks, except for a namespace the plan creates', () => {
    const inNew = tkcV1alpha2({}, { namespace: 'brand-new' });
    const byNs = new Map<string, NamespaceFacts>([['brand-new', { vmClasses: new Set(['best-effort-small']), storageClasses: new Set(['vsan-default']) }]]);
    const withNs = [{ path: 'a.yaml', text: yaml(ns('brand-new'), inNew) }];
    const f = facts({ byNamespace: byNs });
    assert.equal(planSync(drift(withNs, []), { files: withNs, facts: f }).blocked, false);
    const without = [{ path: 'a.yaml', text: yaml(inNew) }];
    const blocked = planSync(drift(without, []), { files: without, facts: f });
    assert.deepEqual(blocked.blockers.map((b) => b.code), ['namespace-unknown']);
  });

  it('without facts only the offline rules run, and a warning says so', () => {
    const files = [{ path: 'tkc.yaml', text: yaml(tkcV1alpha2({ topology: { controlPlane: { vmClass: 'huge' } } })) }];
    const plan = planSync(drift(files, []), { files });
    assert.equal(plan.blocked, false);
    assert.ok(plan.warnings.some((w) => /live rules did not run/.test(w)));
  });

  it('broken YAML, a document without a name, and a resource defined twice block', () => {
    const files = [
      { path: 'bad.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n' },
      { path: 'noname.yaml', text: yaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }) },
      { path: 'one.yaml', text: yaml(cm('twice')) },
      { path: 'two.yaml', text: yaml(cm('twice')) },
    ];
    const plan = planSync(drift(files, []), { files, facts: facts() });
    assert.deepEqual(plan.blockers.map((b) => `${b.code}@${b.file ?? ''}`).sort(), ['defined-twice@one.yaml', 'not-compared@noname.yaml', 'yaml-syntax@bad.yaml']);
    assert.match(plan.blockers.find((b) => b.code === 'defined-twice')?.message ?? '', /defined twice in Git: one\.yaml:1 and two\.yaml:1/);
  });

  it('manifests changed since the comparison: blocked as stale', () => {
    const before = [{ path: 'a.yaml', text: yaml(cm('a')) }];
    const after = [{ path: 'a.yaml', text: yaml(cm('a'), cm('b')) }];
    const plan = planSync(drift(before, []), { files: after, facts: facts() });
    assert.deepEqual(plan.blockers.map((b) => b.code), ['stale']);
  });

  it('a drift that could not be computed blocks with its error', () => {
    const plan = planSync({ target: TARGET, resources: [], error: 'the Supervisor refused the connection' }, { files: [], facts: facts() });
    assert.equal(plan.blocked, true);
    assert.match(plan.blockers[0].message, /could not be compared: the Supervisor refused the connection/);
  });

  it('protected contexts are flagged', () => {
    const files = [{ path: 'a.yaml', text: yaml(cm('a')) }];
    assert.equal(planSync(drift(files, []), { files, context: 'prod', protectedContexts: ['prod'] }).protected, true);
    assert.equal(planSync(drift(files, []), { files, context: 'lab', protectedContexts: ['prod'] }).protected, false);
  });
});

describe('sync plan: payloads', () => {
  it('carry the tracking label and annotation and the namespace; a Secret value never shows in the plan', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, stringData: { password: 'hunter2-very-secret' } };
    const files = [{ path: 'a.yaml', text: yaml(secret, cm('c1')) }];
    const plan = planSync(drift(files, []), { files, facts: facts() });
    const payload = plan.payloads.get('/Secret/ns-1/s1') as Obj;
    assert.equal((payload.stringData as Obj).password, 'hunter2-very-secret', 'the payload is what is sent');
    const meta = payload.metadata as { namespace: string; labels: Obj; annotations: Obj };
    assert.equal(meta.namespace, 'ns-1');
    const t = trackingFor({ group: '', kind: 'Secret', namespace: 'ns-1', name: 's1' }, OWNERSHIP);
    assert.deepEqual(meta.labels, t.labels);
    assert.deepEqual(meta.annotations, t.annotations);
    assert.doesNotMatch(JSON.stringify(plan), /hunter2/);
  });
});

describe('sync plan: conflicts and permissions', () => {
  const files = [{ path: 'a.yaml', text: yaml(cm('contested', {}, { a: '2' }), cm('new'), cm('free', {}, { a: '3' })) }];
  const statuses = () => drift(files, [live(cm('contested')), live(cm('free'))]).resources;

  it('a resource whose dry run found fields of another manager is a conflict that blocks, naming field and owner; forced, an update', () => {
    const resources = statuses().map((r) => (r.name === 'contested' ? { ...r, conflicts: [{ field: '.data.a', manager: 'someone-else' }] } : r));
    const plan = planSync({ target: TARGET, resources }, { files, facts: facts() });
    assert.equal(plan.items.find((i) => i.name === 'contested')?.action, 'conflict');
    assert.equal(plan.counts.conflict, 1);
    assert.equal(plan.blocked, true);
    assert.deepEqual(plan.blockers.map((b) => b.code), ['conflict']);
    assert.match(plan.blockers[0].message, /ConfigMap ns-1\/contested: \.data\.a \(owned by "someone-else"\) is owned by another field manager.*--force-conflicts/);
    assert.deepEqual([plan.blockers[0].file, plan.blockers[0].line], ['a.yaml', 0]);

    const forced = planSync({ target: TARGET, resources }, { files, facts: facts(), forceConflicts: true });
    assert.equal(forced.blocked, false);
    const item = forced.items.find((i) => i.name === 'contested');
    assert.equal(item?.action, 'update');
    assert.match(item?.note ?? '', /forced: takes over \.data\.a \(owned by "someone-else"\)/);
  });

  it('asks only what the dry runs did not prove; a dry run 403 is a denial with its verb', () => {
    const resources = statuses().map((r) => (r.name === 'new' ? { ...r, compared: 'offline' as const, forbidden: 'User "dev" cannot create resource "configmaps" in API group "" in the namespace "ns-1"' } : { ...r, compared: 'dry-run' as const }));
    const plan = planSync({ target: TARGET, resources }, { files, facts: facts() });
    const { checks, denied } = permissionChecks(plan, resources);
    assert.deepEqual(checks, []);
    assert.deepEqual(denied.map((d) => `${d.verb} ${d.kind} ${d.namespace}`), ['create ConfigMap ns-1']);
    // nothing proven: create and patch are asked once for the kind and namespace
    const offline = statuses().map((r) => ({ ...r, compared: 'offline' as const }));
    assert.deepEqual(permissionChecks(planSync({ target: TARGET, resources: offline }, { files, facts: facts() }), offline).checks.map((c) => c.verb).sort(), ['create', 'patch']);
  });

  it('a denial blocks the plan as a whole, per verb, kind and namespace; partial skips those items and says so', () => {
    const plan = planSync({ target: TARGET, resources: statuses() }, { files, facts: facts() });
    const denial = { verb: 'patch', group: '', kind: 'ConfigMap', namespace: 'ns-1', reason: 'no RBAC policy matched' };
    const blocked = restrictPlan(plan, [denial, { ...denial, namespace: 'elsewhere' }], false);
    assert.equal(blocked.blocked, true);
    assert.equal(blocked.blockers.length, 1, 'a denial that concerns no item is not a blocker');
    assert.match(blocked.blockers[0].message, /^Not permitted to patch ConfigMap in namespace ns-1 \(3 resources: .*\): no RBAC policy matched\. .*--partial/);
    const partial = restrictPlan(plan, [{ ...denial, verb: 'create' }], true);
    assert.equal(partial.blocked, false);
    assert.equal(partial.partial, true);
    assert.deepEqual(partial.items.filter((i) => i.skip).map((i) => i.name), ['new']);
    assert.match(partial.warnings.join('\n'), /Partial sync: not permitted to create ConfigMap in namespace ns-1; skipped 1 resource: new\./);
  });
});
