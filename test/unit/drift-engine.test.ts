/**
 * computeDrift over a fake cluster and a fake repository: which lists and dry-runs it asks for,
 * what it reuses between runs (dry-runs keyed by the applied object and the live
 * resourceVersion), versions, unreachable clusters, rendered sources, and Secret scrubbing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterError } from '../../src/cluster/errors';
import { computeDrift, DryRunStore, ownerSelector, ParseCache, type DriftSession } from '../../src/drift/engine';
import { workspaceTarget } from '../../src/drift/targets';
import type { DriftTarget } from '../../src/drift/types';
import type { ManifestSet, Repository } from '../../src/git/types';
import { yaml } from './builders';

type Obj = Record<string, unknown>;

const cm = (name: string, v: string, meta: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns-1', ...meta }, data: { v } });

function repoOf(files: Record<string, string>): Repository & { files: Record<string, string>; reads: number } {
  const r = {
    root: '/w', files, reads: 0,
    remotes: async () => [],
    state: async () => ({ label: 'working tree', commit: 'c0ffee', dirty: false }),
    fetch: async () => undefined,
    readManifests: async (): Promise<ManifestSet> => {
      r.reads++;
      return { files: Object.entries(r.files).map(([path, text]) => ({ path, text })), revision: { label: 'working tree', commit: 'c0ffee', dirty: false } };
    },
  };
  return r;
}

interface Fake {
  session: DriftSession;
  live: Map<string, Obj>;
  lists: { kind: string; version: string; namespace?: string; labelSelector?: string; fieldSelector?: string }[];
  applies: string[];
  failApply?: (obj: Obj) => ClusterError | undefined;
  unreachable?: boolean;
  /** Times every served kind was asked for. */
  discoveries: number;
}

const INFO: Record<string, { versions: string[]; namespaced: boolean }> = {
  '/ConfigMap': { versions: ['v1'], namespaced: true },
  '/Secret': { versions: ['v1'], namespaced: true },
  'run.tanzu.vmware.com/TanzuKubernetesCluster': { versions: ['v1alpha3', 'v1alpha2', 'v1alpha1'], namespaced: true },
};

function fakeCluster(): Fake {
  const f: Fake = { live: new Map(), lists: [], applies: [], discoveries: 0, session: undefined as unknown as DriftSession };
  let rv = 100;
  const keyOf = (o: Obj) => `${o.kind as string}/${(o.metadata as Obj).namespace as string}/${(o.metadata as Obj).name as string}`;
  f.session = {
    context: 'ctx', namespace: 'ns-1',
    client: {
      discovery: {
        resource: async (group: string, kind: string) => {
          if (f.unreachable) throw new ClusterError('unreachable', 'https://sv refused the connection (ECONNREFUSED)');
          const i = INFO[`${group}/${kind}`];
          return i && { group, kind, version: i.versions[0], versions: i.versions, namespaced: i.namespaced, resource: `${kind.toLowerCase()}s`, verbs: [] };
        },
        all: async () => {
          f.discoveries++;
          return Object.entries(INFO).map(([k, i]) => {
            const [group, kind] = k.split('/');
            return { group, kind, version: i.versions[0], versions: i.versions, namespaced: i.namespaced, resource: `${kind.toLowerCase()}s`, verbs: ['get', 'list', 'watch'] };
          });
        },
      },
      list: async (ref: { kind: string; version: string }, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string }) => {
        f.lists.push({
          kind: ref.kind, version: ref.version, ...(opts.namespace ? { namespace: opts.namespace } : {}),
          ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}), ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
        });
        const items = [...f.live.values()].filter((o) => o.kind === ref.kind && (!opts.namespace || (o.metadata as Obj).namespace === opts.namespace));
        return { items: items.map((o) => ({ ...o, apiVersion: ref.version === 'v1' ? 'v1' : `run.tanzu.vmware.com/${ref.version}` })) };
      },
      apply: async (obj: Obj) => {
        f.applies.push(keyOf(obj));
        const err = f.failApply?.(obj);
        if (err) throw err;
        const live = f.live.get(keyOf(obj));
        return { ...live, ...obj, metadata: { ...(live?.metadata as Obj), ...(obj.metadata as Obj), resourceVersion: String(rv++) } };
      },
    },
  } as unknown as DriftSession;
  return f;
}

/** As a sync of the workspace target left it on the server. */
function onServer(f: Fake, obj: Obj, rv = '1'): void {
  const meta = obj.metadata as Obj;
  f.live.set(`${obj.kind as string}/${meta.namespace as string}/${meta.name as string}`, {
    ...obj,
    metadata: {
      ...meta, resourceVersion: rv, uid: `u-${meta.name as string}`,
      labels: { 'tanzu-gitops.io/target': 'workspace' },
      annotations: { 'tanzu-gitops.io/tracking-id': `workspace:/${obj.kind as string}:${meta.namespace as string}/${meta.name as string}` },
    },
  });
}

const TARGET = workspaceTarget('', 'ns-1');
const statuses = (rs: readonly { name: string; status: string }[]) => Object.fromEntries(rs.map((r) => [r.name, r.status]));

describe('computeDrift (fake cluster)', () => {
  it('lists each kind in the namespaces Git names and by the owner label everywhere; dry-runs each object', async () => {
    const f = fakeCluster();
    onServer(f, cm('a', '1'));
    onServer(f, cm('b', '1'));
    onServer(f, cm('gone', '1'));
    const d = await computeDrift(f.session, repoOf({ 'a.yaml': yaml(cm('a', '1'), cm('b', '2'), cm('c', '1')) }), TARGET);
    assert.deepEqual(statuses(d.resources), { a: 'Synced', b: 'OutOfSync', c: 'Missing', gone: 'Extra' });
    // (the sweep of every served kind starts before Git is read and runs beside the lists: compared in no order)
    const inOrder = (xs: readonly object[]) => xs.map((x) => JSON.stringify(x)).sort();
    assert.deepEqual(inOrder(f.lists), inOrder([
      { kind: 'ConfigMap', version: 'v1', namespace: 'ns-1' },
      { kind: 'ConfigMap', version: 'v1', labelSelector: 'tanzu-gitops.io/target=workspace', fieldSelector: 'metadata.namespace!=ns-1' },
      // the sweep, by the owner label only, everywhere: the kinds Git does not name are taken from it
      { kind: 'ConfigMap', version: 'v1', labelSelector: 'tanzu-gitops.io/target=workspace' },
      { kind: 'Secret', version: 'v1', labelSelector: 'tanzu-gitops.io/target=workspace' },
      { kind: 'TanzuKubernetesCluster', version: 'v1alpha3', labelSelector: 'tanzu-gitops.io/target=workspace' },
    ]));
    assert.deepEqual(f.applies.sort(), ['ConfigMap/ns-1/a', 'ConfigMap/ns-1/b', 'ConfigMap/ns-1/c']);
    assert.deepEqual(d.counts, { Synced: 1, OutOfSync: 1, Missing: 1, Extra: 1, Unknown: 0 });
  });

  it('reuses dry-runs while the applied object and the live resourceVersion are the same', async () => {
    const f = fakeCluster();
    for (const n of ['a', 'b', 'c']) onServer(f, cm(n, '1'));
    const repo = repoOf({ 'a.yaml': yaml(cm('a', '1'), cm('b', '1'), cm('c', '1')) });
    const dryRuns = new DryRunStore();
    const parsed = new ParseCache();
    const first = await computeDrift(f.session, repo, TARGET, { dryRuns, parsed });
    assert.equal(first.stats?.dryRuns, 3);
    f.applies.length = 0;
    const same = await computeDrift(f.session, repo, TARGET, { dryRuns, parsed });
    assert.deepEqual([same.stats?.dryRuns, same.stats?.dryRunsReused], [0, 3]);
    // Git changes one object: only that one is asked again
    repo.files['a.yaml'] = yaml(cm('a', '1'), cm('b', '2'), cm('c', '1'));
    const git = await computeDrift(f.session, repo, TARGET, { dryRuns, parsed });
    assert.deepEqual(f.applies, ['ConfigMap/ns-1/b']);
    assert.equal(statuses(git.resources).b, 'OutOfSync');
    // the live object changes (new resourceVersion): only that one again
    f.applies.length = 0;
    onServer(f, cm('c', 'edited'), '7');
    const live = await computeDrift(f.session, repo, TARGET, { dryRuns, parsed });
    assert.deepEqual(f.applies, ['ConfigMap/ns-1/c']);
    assert.deepEqual([live.stats?.dryRuns, live.stats?.dryRunsReused], [1, 2]);
  });

  it('parses a file once for targets that share its read; a file read again is parsed again', () => {
    const text = yaml(cm('a', '1'), cm('b', '1'));
    const file = { path: 'web/a.yaml', text };
    const [one, two] = [new ParseCache(), new ParseCache()];
    const parsed = one.parseFile(file);
    assert.equal(parsed.objects.length, 2);
    assert.equal(two.parseFile(file), parsed, 'the same read: parsed once');
    assert.equal(two.parseFile({ ...file }), parsed, 'the same path and text in this cache: kept');
    assert.notEqual(new ParseCache().parseFile({ ...file }), parsed, 'another read, another cache: parsed again');
  });

  it('does not read Git again when handed the manifests', async () => {
    const f = fakeCluster();
    const repo = repoOf({ 'a.yaml': yaml(cm('a', '1')) });
    const manifests = await repo.readManifests('', { kind: 'worktree' }, { recurse: true });
    const d = await computeDrift(f.session, repo, TARGET, { manifests });
    assert.equal(repo.reads, 1);
    assert.equal(d.revision?.commit, 'c0ffee');
  });

  it('reads each object at the version Git writes; an unserved version is Unknown', async () => {
    const f = fakeCluster();
    const tkc = (name: string, version: string): Obj => ({ apiVersion: `run.tanzu.vmware.com/${version}`, kind: 'TanzuKubernetesCluster', metadata: { name, namespace: 'ns-1' }, spec: {} });
    await computeDrift(f.session, repoOf({ 'a.yaml': yaml(tkc('x', 'v1alpha2'), tkc('y', 'v1alpha2'), tkc('z', 'v1alpha1')) }), TARGET);
    assert.deepEqual(f.lists.filter((l) => l.namespace).map((l) => l.version).sort(), ['v1alpha1', 'v1alpha2']);
    assert.equal(f.lists.find((l) => l.fieldSelector && l.kind === 'TanzuKubernetesCluster')?.version, 'v1alpha2', 'the owner list at the most used version');
    const d = await computeDrift(fakeCluster().session, repoOf({ 'a.yaml': yaml(tkc('x', 'v9')) }), TARGET);
    assert.equal(d.resources[0].status, 'Unknown');
    assert.match(d.resources[0].reason ?? '', /version v9 is not served \(served: v1alpha3, v1alpha2, v1alpha1\)/);
  });

  it('an unreachable cluster: an error, and every Git object Unknown "unreachable"', async () => {
    const f = fakeCluster();
    f.unreachable = true;
    const d = await computeDrift(f.session, repoOf({ 'a.yaml': yaml(cm('a', '1'), cm('b', '1')) }), TARGET);
    assert.match(d.error ?? '', /ECONNREFUSED/);
    assert.deepEqual(d.resources.map((r) => [r.status, r.unknownCause]), [['Unknown', 'unreachable'], ['Unknown', 'unreachable']]);
    const offline = await computeDrift(undefined, repoOf({ 'a.yaml': yaml(cm('a', '1')) }), TARGET);
    assert.equal(offline.error, 'not connected to a cluster');
  });

  it('a refused dry-run keeps the server message as the reason, without the Secret values it quotes', async () => {
    const f = fakeCluster();
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns-1' }, stringData: { token: 'tok-12345-secret' } };
    f.failApply = (o) => (o.kind === 'Secret' ? new ClusterError('invalid', 'rejected', { status: 422, serverMessage: 'Secret "s" is invalid: data[token]: Invalid value: "tok-12345-secret"' }) : undefined);
    const d = await computeDrift(f.session, repoOf({ 's.yaml': yaml(secret) }), TARGET);
    const [r] = d.resources;
    assert.equal(r.status, 'Missing');
    assert.equal(r.reason, `the server's dry-run refused it: Secret "s" is invalid: data[token]: Invalid value: "***"`);
    assert.ok(!JSON.stringify(d).includes('tok-12345-secret'));
    assert.ok(!JSON.stringify(d).includes(Buffer.from('tok-12345-secret').toString('base64')));
  });

  it('a folder holding kustomization.yaml is rendered, never read as plain files: a render that fails is an unread kustomization', async () => {
    const f = fakeCluster();
    onServer(f, cm('a', '1'));
    const argo: DriftTarget = { ...TARGET, name: 'app', origin: 'argocd', path: 'env', ownership: { kind: 'argocd', appName: 'app' }, application: { name: 'app', namespace: 'argocd', repoURL: 'r', targetRevision: 'HEAD' } };
    const d = await computeDrift(f.session, repoOf({ 'env/kustomization.yaml': 'resources: [a.yaml]\n', 'env/a.yaml': yaml(cm('a', '1')) }), argo, { render: { kustomizePath: '/nonexistent/kustomize' } });
    assert.equal(d.error, undefined);
    assert.deepEqual(d.unread, [{ path: 'env/kustomization.yaml', reason: 'kustomize build: /nonexistent/kustomize was not found', rendering: true }]);
    assert.deepEqual(d.resources, [], 'a.yaml is not read on its own');
    assert.deepEqual(f.applies, []);
    // a target above it: the kustomization's folder (its resources, bases and patches) is not read as plain files
    const ws = await computeDrift(fakeCluster().session, repoOf({
      'env/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n', 'env/a.yaml': yaml(cm('a', '1')),
      'env/patches/p.yaml': yaml(cm('a', '2')), 'plain/b.yaml': yaml(cm('b', '1')),
    }), TARGET);
    assert.deepEqual(ws.resources.map((r) => r.name), ['b']);
    // ... and is named as not read, so that nothing it renders is ever this target's Extra (nor pruned),
    // yet it is no problem of this target: compared as its own, it is no warning
    assert.deepEqual(ws.unread?.map((u) => u.path), ['env/kustomization.yaml']);
    assert.match(ws.unread?.[0].reason ?? '', /a kustomization, compared as a target of its own \(diff or sync env\)/);
    assert.equal(ws.unread?.[0].separate, 'env');
    assert.deepEqual(ws.warnings, []);
  });

  it('extra: false lists no owner label and reports no Extra (a part of a target)', async () => {
    const f = fakeCluster();
    onServer(f, cm('gone', '1'));
    const d = await computeDrift(f.session, repoOf({ 'a.yaml': yaml(cm('a', '1')) }), TARGET, { extra: false });
    assert.deepEqual(statuses(d.resources), { a: 'Missing' });
    assert.equal(f.lists.some((l) => l.labelSelector), false);
  });

  it('a document with a kind and no apiVersion is not read (what it defines is not known); other YAML and JSON are left alone', async () => {
    const f = fakeCluster();
    const d = await computeDrift(f.session, repoOf({
      'a.yaml': 'kind: ConfigMap\nmetadata: {name: x}\n---\nname: chart\nversion: 1.0.0\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: chart\n',
      'package.json': '{"name": "x"}',
    }), TARGET);
    assert.deepEqual(d.resources, []);
    assert.deepEqual(d.unread, [{ path: 'a.yaml', reason: 'line 1: a ConfigMap without apiVersion: a Kubernetes object needs apiVersion, kind and metadata.name' }]);
  });

  it('a document half-written (kind cut, name emptied, a bare value) leaves its file unread: the live object it held is Unknown, never Extra', async () => {
    const texts = {
      'no kind': 'apiVersion: v1\nkin: ConfigMap\nmetadata: {name: a, namespace: ns-1}\n',
      'no name': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: ns-1}\n',
      'a bare value': 'apiVersion\n',
      'a syntax error': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n',
    };
    for (const [what, text] of Object.entries(texts)) {
      const f = fakeCluster();
      onServer(f, cm('a', '1'));
      onServer(f, cm('b', '1'));
      const d = await computeDrift(f.session, repoOf({ 'a.yaml': text, 'b.yaml': yaml(cm('b', '1')) }), TARGET);
      assert.deepEqual(statuses(d.resources), { a: 'Unknown', b: 'Synced' }, what);
      assert.equal(d.resources.find((r) => r.name === 'a')?.unknownCause, 'unread', what);
      assert.deepEqual(d.unread?.map((u) => u.path), ['a.yaml'], what);
      assert.equal(d.counts.Extra, 0, what);
    }
    // and the whole file again: the object is Synced, nothing unread
    const f = fakeCluster();
    onServer(f, cm('a', '1'));
    const d = await computeDrift(f.session, repoOf({ 'a.yaml': yaml(cm('a', '1')) }), TARGET);
    assert.deepEqual(statuses(d.resources), { a: 'Synced' });
    assert.equal(d.unread, undefined);
  });

  it('a kind Git no longer names: the target\'s objects of it are found by the sweep of every served kind and are Extra', async () => {
    const f = fakeCluster();
    onServer(f, cm('a', '1'));
    const cluster = { apiVersion: 'run.tanzu.vmware.com/v1alpha3', kind: 'TanzuKubernetesCluster', metadata: { name: 'dropped', namespace: 'ns-1' }, spec: {} };
    onServer(f, cluster);
    const meta = f.live.get('TanzuKubernetesCluster/ns-1/dropped')?.metadata as Obj;
    meta.annotations = { 'tanzu-gitops.io/tracking-id': 'workspace:run.tanzu.vmware.com/TanzuKubernetesCluster:ns-1/dropped' };
    const repo = repoOf({ 'a.yaml': yaml(cm('a', '1')) });
    const d = await computeDrift(f.session, repo, TARGET);
    assert.deepEqual(statuses(d.resources), { a: 'Synced', dropped: 'Extra' });
    assert.equal(d.resources.find((r) => r.name === 'dropped')?.kind, 'TanzuKubernetesCluster');
    assert.equal(f.discoveries, 1);
    // a sweep source of the caller's (the editor's watcher, which watches a kind where it found
    // some) is asked only for the kinds Git does not name, once Git is read
    const swept: string[] = [];
    const own = { list: async (ref: { group: string; kind: string; version: string }, scope: { labelSelector?: string }) => {
      swept.push(ref.kind);
      return f.session.client.list(ref, scope).then((r) => r.items);
    } };
    const watched = await computeDrift(f.session, repo, TARGET, { sweep: own });
    assert.deepEqual(statuses(watched.resources), { a: 'Synced', dropped: 'Extra' });
    assert.deepEqual(swept.sort(), ['Secret', 'TanzuKubernetesCluster']);
    // without the sweep (the editor's watched view) only the kinds Git names are looked at
    const discoveries = f.discoveries;
    const narrow = await computeDrift(f.session, repo, TARGET, { sweep: false });
    assert.deepEqual(statuses(narrow.resources), { a: 'Synced' });
    assert.equal(f.discoveries, discoveries);
  });

  it('the sweep lists while Git is still being read (a render is the longest step), and a Git failure leaves it harmless', async () => {
    const f = fakeCluster();
    onServer(f, cm('a', '1'));
    const base = repoOf({ 'a.yaml': yaml(cm('a', '1')) });
    let sweptDuringRead = false;
    const slow: Repository = {
      ...base,
      readManifests: async (...args) => {
        // the read ends once the sweep has listed, or after 5 s: whichever comes first
        for (let waited = 0; waited < 5000 && !sweptDuringRead; waited += 10) {
          await new Promise((r) => setTimeout(r, 10));
          sweptDuringRead = f.lists.some((l) => l.labelSelector && !l.fieldSelector);
        }
        return base.readManifests(...args);
      },
    };
    const d = await computeDrift(f.session, slow, TARGET);
    assert.ok(sweptDuringRead, 'the sweep listed before Git was read');
    assert.deepEqual(statuses(d.resources), { a: 'Synced' });
    // Git fails: the comparison ends with Git's error; the sweep already started settles unseen
    const failing: Repository = { ...base, readManifests: async () => { throw new Error('fatal: not a git repository'); } };
    const failed = await computeDrift(f.session, failing, TARGET);
    assert.match(failed.error ?? '', /^Git: fatal: not a git repository/);
  });

  it('a file that could not be read (Git\'s reason, or a YAML syntax error): no Extra, the tracked objects are Unknown and the files listed', async () => {
    const f = fakeCluster();
    onServer(f, cm('a', '1'));
    onServer(f, cm('from-link', '1'));
    const files = { 'a.yaml': yaml(cm('a', '1')), 'broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n' };
    const repo: Repository = {
      ...repoOf(files),
      readManifests: async () => ({
        files: Object.entries(files).map(([path, text]) => ({ path, text })),
        revision: { label: 'working tree', commit: 'c0ffee', dirty: false },
        unread: [{ path: 'link.yaml', reason: 'symbolic link to /etc/x.yaml, outside the repository (/w): not followed' }],
      }),
    };
    const d = await computeDrift(f.session, repo, TARGET);
    assert.deepEqual(statuses(d.resources), { a: 'Synced', 'from-link': 'Unknown' });
    const r = d.resources.find((x) => x.name === 'from-link');
    assert.equal(r?.unknownCause, 'unread');
    assert.match(r?.reason ?? '', /2 files could not be read \(link\.yaml, broken\.yaml\) and may define it: not pruned/);
    assert.equal(r?.diff, undefined);
    assert.deepEqual(d.unread?.map((u) => u.path), ['link.yaml', 'broken.yaml']);
    assert.match(d.unread![1].reason, /^line 1: /);
    assert.equal(d.counts.Extra, 0);
  });

  it('the target of another context is not compared against this one', async () => {
    const d = await computeDrift(fakeCluster().session, repoOf({}), { ...TARGET, context: 'prod' });
    assert.match(d.error ?? '', /compares against context "prod"; connected to "ctx"/);
  });
});

describe('engine helpers', () => {
  it('the owner selector follows the tracking', () => {
    assert.equal(ownerSelector({ kind: 'tanzu-gitops', target: 'dev' }), 'tanzu-gitops.io/target=dev');
    assert.equal(ownerSelector({ kind: 'argocd', appName: 'a', trackingMethod: 'label' }), 'app.kubernetes.io/instance=a');
    assert.equal(ownerSelector({ kind: 'argocd', appName: 'a' }), 'app.kubernetes.io/instance=a');
    assert.equal(ownerSelector({ kind: 'argocd', appName: 'a', trackingMethod: 'annotation' }), undefined);
  });
});
