/** Drift targets: from Argo CD Applications (matched by repoURL), from the setting, and the workspace fallback. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterError } from '../../src/cluster/errors';
import { ignoreDifferencesOf, targetFromApplication, withSettings } from '../../src/argocd/applications';
import { namespaceAllowed, settingsFrom } from '../../src/argocd/settings';
import { discoverTargets, pathScope, sourceOf, targetForPath, targetFromSetting, type TargetSession } from '../../src/drift/targets';
import type { Remote, Repository } from '../../src/git/types';
import { normalizeRepoUrl } from '../../src/git/remote-url';

type Obj = Record<string, unknown>;

const remote = (n: string, url: string): Remote => ({ name: n, url, normalized: normalizeRepoUrl(url) });
const REMOTES = [remote('origin', 'git@github.com:acme/clusters.git')];

function app(source: Obj | undefined, spec: Obj = {}, meta: Obj = {}): Obj {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'clusters', namespace: 'argocd', ...meta },
    spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'team-a' }, ...(source ? { source } : {}), ...spec },
  };
}

const src = (more: Obj = {}): Obj => ({ repoURL: 'https://github.com/acme/clusters', path: 'envs/dev', targetRevision: 'main', ...more });

describe('targets from Argo CD Applications', () => {
  it('matches the repoURL in any spelling of the same repository, and takes path, revision, namespace, directory options', () => {
    for (const url of ['https://github.com/acme/clusters', 'https://github.com/acme/clusters.git', 'ssh://git@github.com/acme/clusters.git', 'https://GitHub.com/ACME/Clusters/']) {
      const t = targetFromApplication(app(src({ repoURL: url })), REMOTES);
      assert.ok(t, url);
      assert.equal(t.origin, 'argocd');
      assert.equal(t.path, 'envs/dev');
      assert.deepEqual(t.source, { kind: 'revision', revision: 'main', remote: 'origin' });
      assert.equal(t.namespace, 'team-a');
      assert.deepEqual(t.directory, { recurse: false });
      assert.deepEqual(t.ownership, { kind: 'argocd', appName: 'clusters' });
      assert.equal(t.unsupported, undefined);
    }
    assert.equal(targetFromApplication(app(src({ repoURL: 'https://github.com/acme/other' })), REMOTES), undefined);
    assert.equal(targetFromApplication(app(undefined), REMOTES), undefined);
  });

  it('HEAD or no targetRevision: the remote default branch; directory options as written; the matching remote named', () => {
    const remotes = [remote('upstream', 'https://github.com/acme/clusters.git'), remote('fork', 'https://github.com/me/clusters.git')];
    const t = targetFromApplication(app(src({ targetRevision: undefined, directory: { recurse: true, include: '{a,b}/*.yaml', exclude: '*-test.yaml' } })), remotes);
    assert.deepEqual(t?.source, { kind: 'revision', revision: 'HEAD', remote: 'upstream' });
    assert.equal(t?.application?.targetRevision, 'HEAD');
    assert.deepEqual(t?.directory, { recurse: true, include: '{a,b}/*.yaml', exclude: '*-test.yaml' });
    assert.equal(targetFromApplication(app(src(), { destination: { server: 'https://kubernetes.default.svc' } }), REMOTES)?.namespace, 'default');
  });

  it('ignoreDifferences as plain values; entries without a kind are left out', () => {
    const t = targetFromApplication(app(src(), {
      ignoreDifferences: [
        { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', jsonPointers: ['/spec/topology/nodePools/0/replicas'] },
        { kind: 'ConfigMap', name: 'x', namespace: 'y', jqPathExpressions: ['.data'], managedFieldsManagers: ['kube-controller-manager'] },
        { group: 'apps', jsonPointers: ['/spec'] },
      ],
    }), REMOTES);
    assert.deepEqual(t?.ignoreDifferences, [
      { kind: 'TanzuKubernetesCluster', group: 'run.tanzu.vmware.com', jsonPointers: ['/spec/topology/nodePools/0/replicas'] },
      { kind: 'ConfigMap', name: 'x', namespace: 'y', jqPathExpressions: ['.data'], managedFieldsManagers: ['kube-controller-manager'] },
    ]);
    assert.deepEqual(ignoreDifferencesOf('nonsense'), []);
  });

  it('Helm and Kustomize folders: compared, with the Application\'s options for rendering', () => {
    const h = targetFromApplication(app(src({ helm: { releaseName: 'platform', valueFiles: ['v.yaml'], parameters: [{ name: 'a', value: '1' }] } })), REMOTES);
    assert.equal(h?.unsupported, undefined);
    assert.deepEqual([h?.render?.releaseName, h?.render?.helm?.valueFiles, h?.render?.helm?.parameters], ['platform', ['v.yaml'], [{ name: 'a', value: '1', forceString: false }]]);
    const k = targetFromApplication(app(src({ kustomize: { namePrefix: 'x-', images: ['nginx:1'] } })), REMOTES);
    assert.equal(k?.unsupported, undefined);
    assert.deepEqual([k?.render?.kustomize?.namePrefix, k?.render?.kustomize?.images], ['x-', ['nginx:1']]);
    assert.equal(targetFromApplication(app(src()), REMOTES)?.render, undefined);
  });

  it('Helm repositories, plugin, multi-source and hydrator: a target that says why it is not compared', () => {
    const cases: [Obj, RegExp][] = [
      [app(src({ chart: 'tkc', path: undefined })), /the Helm chart "tkc"/],
      [app(src({ plugin: { name: 'envsubst' } })), /config management plugin "envsubst"/],
      [app(undefined, { sources: [src(), src({ repoURL: 'https://charts.example.com', chart: 'x' })] }), /has 2 sources \(spec.sources\)/],
      [app(src(), { sourceHydrator: { drySource: {} } }), /source hydrator/],
    ];
    for (const [a, message] of cases) {
      const t = targetFromApplication(a, REMOTES);
      assert.ok(t, `never dropped: ${message}`);
      assert.match(t.unsupported ?? '', message);
    }
    // one entry in spec.sources is one source; the Supervisor's own URL is in-cluster
    assert.equal(targetFromApplication(app(undefined, { sources: [src()] }), REMOTES)?.unsupported, undefined);
    assert.equal(targetFromApplication(app(src(), { destination: { server: 'https://10.0.0.9:6443/', namespace: 'x' } }), REMOTES, 'https://10.0.0.9:6443')?.unsupported, undefined);
    assert.equal(targetFromApplication(app(src(), { destination: { name: 'in-cluster', namespace: 'x' } }), REMOTES)?.unsupported, undefined);
  });

  it('another cluster than the Supervisor: compared, with its destination (server or name); the Supervisor itself has none', () => {
    const byServer = targetFromApplication(app(src(), { destination: { server: 'https://10.0.0.9:6443', namespace: 'x' } }), REMOTES, 'https://10.0.0.1:6443');
    assert.equal(byServer?.unsupported, undefined);
    assert.deepEqual(byServer?.destination, { server: 'https://10.0.0.9:6443', label: 'https://10.0.0.9:6443' });
    assert.equal(byServer?.namespace, 'x');
    const byName = targetFromApplication(app(src(), { destination: { name: 'team-a-prod' } }), REMOTES);
    assert.deepEqual(byName?.destination, { name: 'team-a-prod', label: 'team-a-prod' });
    for (const dest of [{ server: 'https://kubernetes.default.svc' }, { server: 'https://10.0.0.9:6443/' }, { name: 'in-cluster' }, {}]) {
      assert.equal(targetFromApplication(app(src(), { destination: { ...dest, namespace: 'x' } }), REMOTES, 'https://10.0.0.9:6443')?.destination, undefined, JSON.stringify(dest));
    }
  });

  it("reads Argo CD's settings: tracking method (annotation by default since Argo CD 3), instance label key, ignoreDifferences customizations, application.namespaces", () => {
    assert.equal(settingsFrom('argocd', { 'application.resourceTrackingMethod': 'label' }, undefined).trackingMethod, 'label');
    assert.equal(settingsFrom('argocd', { 'application.resourceTrackingMethod': 'annotation+label' }, undefined).trackingMethod, 'annotation+label');
    assert.equal(settingsFrom('argocd', {}, undefined).trackingMethod, 'annotation', 'argocd-cm without the key: the default');
    assert.equal(settingsFrom('argocd', undefined, undefined).trackingMethod, undefined, 'no argocd-cm: unknown');
    const bogus = settingsFrom('argocd', { 'application.resourceTrackingMethod': 'bogus' }, undefined);
    assert.deepEqual([bogus.trackingMethod, bogus.warnings.length], ['annotation', 1]);
    assert.match(bogus.warnings[0], /"bogus" is not label, annotation or annotation\+label/);
    assert.equal(settingsFrom('argocd', {}, undefined).instanceLabelKey, 'app.kubernetes.io/instance');
    const s = settingsFrom('argocd', {
      'application.instanceLabelKey': 'argocd.example.com/app',
      'resource.customizations.ignoreDifferences.apps_Deployment': 'jsonPointers:\n- /spec/replicas\n',
      'resource.customizations.ignoreDifferences.ConfigMap': 'jqPathExpressions:\n- .data.generated\n',
      'resource.customizations.ignoreDifferences.all': 'managedFieldsManagers:\n- kube-controller-manager\n',
      'resource.customizations.ignoreDifferences.a_b_c': 'jsonPointers: [/x]',
      'resource.customizations.health.apps_Deployment': 'hs = {}',
    }, { 'application.namespaces': 'team-*, apps' });
    assert.equal(s.instanceLabelKey, 'argocd.example.com/app');
    assert.deepEqual(s.ignoreDifferences, [
      { group: '', kind: 'ConfigMap', jqPathExpressions: ['.data.generated'] },
      { group: '*', kind: '*', managedFieldsManagers: ['kube-controller-manager'] },
      { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
    ], 'in the order of their keys');
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0], /ignoreDifferences\.a_b_c: "a_b_c" is neither <group>_<kind>, <kind> nor all/);
    assert.deepEqual(s.applicationNamespaces, ['team-*', 'apps']);
    assert.deepEqual(['team-a', 'apps', 'other'].map((n) => namespaceAllowed(n, s.applicationNamespaces)), [true, true, false]);
  });

  it('settings applied to an Application: its tracking, the customizations before its own entries, <namespace>_<name> outside Argo CD\'s namespace', () => {
    const settings = settingsFrom('argocd', { 'application.resourceTrackingMethod': 'label', 'application.instanceLabelKey': 'team/app', 'resource.customizations.ignoreDifferences.all': 'jsonPointers: [/metadata/labels/x]' }, undefined);
    const own = [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }];
    const t = withSettings(targetFromApplication(app(src(), { ignoreDifferences: own }), REMOTES)!, settings);
    assert.deepEqual(t.ownership, { kind: 'argocd', appName: 'clusters', trackingMethod: 'label', instanceLabelKey: 'team/app' });
    assert.deepEqual(t.ignoreDifferences.map((e) => e.kind), ['*', 'Deployment']);
    const elsewhere = withSettings(targetFromApplication(app(src(), {}, { namespace: 'team-a' }), REMOTES)!, settings);
    assert.equal(elsewhere.ownership.kind === 'argocd' && elsewhere.ownership.appName, 'team-a_clusters');
    assert.equal(withSettings(targetFromApplication(app(src()), REMOTES)!, undefined).ownership.kind === 'argocd', true);
  });
});

describe('targets from the setting', () => {
  it('name, path, context, namespace, revision; defaults', () => {
    const t = targetFromSetting({ name: 'dev', path: 'clusters/dev', context: 'sv', revision: 'HEAD' }, 'team-a');
    assert.ok(typeof t !== 'string');
    assert.deepEqual(t, {
      name: 'dev', origin: 'setting', path: 'clusters/dev', source: { kind: 'head' }, directory: { recurse: true }, context: 'sv',
      namespace: 'team-a', ignoreDifferences: [], ownership: { kind: 'tanzu-gitops', target: 'dev' },
    });
    assert.deepEqual(sourceOf(undefined), { kind: 'worktree' });
    assert.deepEqual(sourceOf('worktree'), { kind: 'worktree' });
    assert.deepEqual(sourceOf('release-1'), { kind: 'revision', revision: 'release-1' });
  });

  it('says what is wrong with an entry', () => {
    assert.match(targetFromSetting('x', 'ns') as string, /must be an object/);
    assert.match(targetFromSetting({ path: 'a' }, 'ns') as string, /needs a name/);
    assert.match(targetFromSetting({ name: 'a', path: 3 }, 'ns') as string, /path must be a string/);
    assert.match(targetFromSetting({ name: 'a', namespace: 3 }, 'ns') as string, /namespace must be a string/);
    assert.match(targetFromSetting({ name: 'a', recurse: 'yes' }, 'ns') as string, /recurse must be true or false/);
  });
});

describe('discoverTargets', () => {
  const repo = (remotes: Remote[] = REMOTES): Repository => ({
    root: '/w', remotes: async () => remotes, state: async () => ({ label: 'working tree', commit: '', dirty: false }),
    fetch: async () => undefined, readManifests: async () => { throw new Error('not used'); },
  });

  function session(options: { apps?: Obj[]; forbiddenAll?: boolean; forbiddenIn?: string[]; served?: boolean; cm?: Record<string, Obj> }): TargetSession & { listed: string[] } {
    const listed: string[] = [];
    const s = {
      context: 'ctx', namespace: 'team-a', listed,
      client: {
        connection: { server: 'https://sv:6443' },
        discovery: { resource: async () => (options.served === false ? undefined : { namespaced: true }) },
        list: async (_ref: unknown, opts: { namespace?: string }) => {
          listed.push(opts.namespace ?? '*');
          if (!opts.namespace && options.forbiddenAll) throw new ClusterError('forbidden', 'no');
          if (opts.namespace && options.forbiddenIn?.includes(opts.namespace)) throw new ClusterError('forbidden', 'no');
          const apps = (options.apps ?? []).filter((a) => !opts.namespace || (a.metadata as Obj).namespace === opts.namespace);
          return { items: apps };
        },
        get: async (ref: { namespace: string }) => {
          const cm = options.cm?.[ref.namespace];
          if (!cm) throw new ClusterError('notFound', 'none');
          return cm;
        },
      },
    };
    return s as unknown as TargetSession & { listed: string[] };
  }

  it('Applications of this repository, with the tracking method of argocd-cm; the workspace target beside them leaves their folders out', async () => {
    const s = session({
      apps: [app(src()), app(src({ repoURL: 'https://github.com/acme/other' }), {}, { name: 'other' }), app(src({ chart: 'tkc', path: undefined }), {}, { name: 'helm' }),
        app(src({ path: './envs/{prod}' }), {}, { name: 'prod' })],
      cm: { argocd: { data: { 'application.resourceTrackingMethod': 'annotation' } } },
    });
    const { targets, warnings } = await discoverTargets({ repo: repo(), session: s });
    assert.deepEqual(targets.map((t) => [t.name, t.unsupported ? 'unsupported' : 'ok']), [['clusters', 'ok'], ['helm', 'unsupported'], ['prod', 'ok'], ['workspace', 'ok']]);
    assert.deepEqual(targets[0].ownership, { kind: 'argocd', appName: 'clusters', trackingMethod: 'annotation' });
    // a chart of a Helm repository is no folder of this repository: it claims none
    assert.deepEqual(targets[3].directory, { recurse: true, exclude: '{envs/dev/*,envs/\\{prod\\}/*}' });
    assert.deepEqual(warnings, []);
    const inside = await discoverTargets({ repo: repo(), session: s, workspacePath: '/w/envs/dev/a' });
    assert.deepEqual(inside.targets.map((t) => t.name), ['clusters', 'helm', 'prod'], 'a workspace folder inside an Application\'s is the Application\'s');
  });

  it('lists per namespace when not allowed in all, and says where it could not look', async () => {
    const s = session({ apps: [app(src(), {}, { namespace: 'team-a' })], forbiddenAll: true, forbiddenIn: ['argocd'] });
    const { targets, warnings } = await discoverTargets({ repo: repo(), session: s });
    assert.deepEqual(s.listed.sort(), ['*', 'argocd', 'team-a']);
    assert.deepEqual(targets.map((t) => t.name), ['clusters', 'workspace']);
    assert.equal(targets[0].ownership.kind === 'argocd' && targets[0].ownership.trackingMethod, undefined, 'no argocd-cm: either method');
    assert.deepEqual(warnings, ['Argo CD Applications could not be listed in namespace argocd (forbidden): Applications there are not compared.']);
  });

  it('settings targets beside Applications; names stay unique; bad entries are warnings', async () => {
    const s = session({ apps: [app(src())] });
    const { targets, warnings } = await discoverTargets({ repo: repo(), session: s, settings: [{ name: 'clusters', path: 'x' }, { path: 'nameless' }] });
    assert.deepEqual(targets.map((t) => `${t.origin}:${t.name}`), ['argocd:clusters', 'setting:clusters (2)']);
    assert.deepEqual(warnings, ['tanzuGitops.targets[1]: a target needs a name']);
  });

  it('no Argo CD (kind not served), no settings, no session: the workspace target', async () => {
    const none = await discoverTargets({ repo: repo(), session: session({ served: false }) });
    assert.deepEqual(none.targets.map((t) => [t.name, t.origin, t.namespace, t.path, t.source.kind]), [['workspace', 'workspace', 'team-a', '', 'worktree']]);
    assert.deepEqual(none.targets[0].ownership, { kind: 'tanzu-gitops', target: 'repo-github.com/acme/clusters', path: '' }, 'one owner per repository, from its origin, and the path');
    const local = await discoverTargets({ repo: repo([]), namespace: 'ns-9' });
    assert.deepEqual(local.targets[0].ownership, { kind: 'tanzu-gitops', target: 'repo-w', path: '' }, 'no remote: the folder\'s name');
    const offline = await discoverTargets({ repo: repo(), workspacePath: 'clusters', namespace: 'ns-9' });
    assert.deepEqual([offline.targets[0].path, offline.targets[0].namespace], ['clusters', 'ns-9']);
    const noRemote = await discoverTargets({ repo: repo([]), session: session({ apps: [app(src())] }) });
    assert.equal(noRemote.targets[0].origin, 'workspace', 'a repository without remotes has no Application');
  });
});

describe('targetForPath: one way from a folder or a file to a target, for the command line and the editor', () => {
  const repo = { root: '/w/repo', remotes: async () => REMOTES };
  const owner = { kind: 'tanzu-gitops', target: 'repo-github.com/acme/clusters', path: '' };

  it('a folder: the folder recursively, tracked under the repository and the folder; its Extra are its own', async () => {
    const top = await targetForPath({ repo, path: '/w/repo', namespace: 'ns-1' });
    assert.deepEqual([top.folder, top.extra, top.target.path, top.target.directory, top.target.ownership], ['', true, '', { recurse: true }, owner]);
    const sub = await targetForPath({ repo, path: '/w/repo/clusters/prod', namespace: 'ns-1', source: { kind: 'head' } });
    assert.deepEqual([sub.folder, sub.extra, sub.target.name, sub.target.origin, sub.target.source], ['clusters/prod', true, 'workspace', 'workspace', { kind: 'head' }]);
    assert.deepEqual(sub.target.ownership, { ...owner, path: 'clusters/prod' });
    assert.deepEqual(await targetForPath({ repo, path: 'clusters/prod', namespace: 'ns-1', source: { kind: 'head' } }), sub, 'relative to the root: the same');
  });

  it('a file: its folder narrowed to that one name, never Extra', async () => {
    const f = await targetForPath({ repo, path: '/w/repo/clusters/a[1].yaml', file: true, namespace: 'ns-1' });
    assert.deepEqual([f.folder, f.extra, f.target.path, f.target.directory], ['clusters', false, 'clusters', { recurse: false, include: 'a\\[1\\].yaml' }]);
    // a part of the repository's top target: what its sync applies records the top folder, as the editor's target does
    assert.deepEqual(f.target.ownership, { ...(await targetForPath({ repo, path: '/w/repo', namespace: 'ns-1' })).target.ownership, path: '' });
    assert.equal(f.target.ownership.kind === 'tanzu-gitops' && f.target.ownership.path, '');
    const atTop = await targetForPath({ repo, path: '/w/repo/a.yaml', file: true, namespace: 'ns-1' });
    assert.equal(atTop.folder, '');
    assert.deepEqual(pathScope('/w/repo', '/w/repo/clusters/a[1].yaml', true), { folder: f.folder, directory: f.target.directory });
  });

  it('a name (--target): tracked under it, with no remote looked up; Extra for its folder', async () => {
    const lookups: number[] = [];
    const named = await targetForPath({ repo: { root: '/w/repo', remotes: async () => { lookups.push(1); return REMOTES; } }, path: '/w/repo/apps', namespace: 'ns-1', name: ' team-x ' });
    assert.deepEqual([named.target.name, named.target.origin, named.target.ownership, named.extra], ['team-x', 'setting', { kind: 'tanzu-gitops', target: 'team-x' }, true]);
    assert.equal(lookups.length, 0);
  });

  it('a path outside the repository is refused, naming both', async () => {
    await assert.rejects(targetForPath({ repo, path: '/w/other', namespace: 'ns-1' }), /\/w\/other is outside the repository \/w\/repo/);
    assert.throws(() => pathScope('/w/repo', '../x.yaml', true), /outside the repository/);
  });
});
