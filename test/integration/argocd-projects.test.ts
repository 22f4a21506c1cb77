/**
 * Argo CD's AppProject rules on the local Supervisor: an Application whose project does not
 * permit its source repository (sourceRepos), its destination (destinations), or a kind it
 * deploys (clusterResourceWhitelist) is refused, as Argo CD refuses it: the direct sync's plan is
 * blocked naming the project and the rule, `sync --argocd-app` requests nothing, and `diff
 * --argocd-app` reports it. The AppProjects and Applications are written as Argo CD's users write
 * them (kubectl apply, server-side, field manager argocd).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import { discoverTargets } from '../../src/drift/targets';
import type { DriftTarget } from '../../src/drift/types';
import { prepareSync } from '../../src/sync';
import { checkProject, placeOf } from '../../src/argocd';
import { applyAs, configMap, GIT_ENV, kubeconfigFile, makeRepos, manifests, name, openSession, remove, runCliProcess, type Repos } from './drift-fixtures';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
let admin: ConnectionSession;
let repos: Repos;
const created: KubeObject[] = [];
const p = { source: name('p-source'), dest: name('p-dest'), kind: name('p-kind'), open: name('p-open') };
const a = { source: name('a-source'), dest: name('a-dest'), kind: name('a-kind'), open: name('a-open') };
const obj = { cm: name('cm'), role: name('role') };
const ALL = [{ server: '*', namespace: '*' }];

function project(projectName: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: projectName, namespace: 'argocd' }, spec };
}

function application(appName: string, projectName: string, path: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: appName, namespace: 'argocd' },
    spec: { project: projectName, destination: { server: 'https://kubernetes.default.svc', namespace: 'team-a' }, source: { repoURL: `file://${repos.bare}`, path, targetRevision: 'HEAD' } },
  };
}

let targets: DriftTarget[];
const targetOf = (appName: string) => {
  const t = targets.find((x) => x.application?.name === appName);
  assert.ok(t, targets.map((x) => x.name).join(', '));
  return t;
};
const projectBlockers = async (appName: string) =>
  (await prepareSync(admin, repos.repo, targetOf(appName))).plan.blockers.filter((b) => b.code.startsWith('argocd-project'));

before(async () => {
  admin = await openSession('local-supervisor-admin');
  repos = await makeRepos({
    'plain/objects.yaml': manifests(configMap(obj.cm, { a: '1' })),
    'cluster/objects.yaml': manifests(
      configMap(obj.cm, { a: '1' }),
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: obj.role }, rules: [] },
    ),
  });
  for (const o of [
    project(p.source, { sourceRepos: ['https://git.example.com/platform/*'], destinations: ALL, clusterResourceWhitelist: [{ group: '*', kind: '*' }] }),
    project(p.dest, { sourceRepos: ['*'], destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'team-b' }] }),
    project(p.kind, { sourceRepos: ['*'], destinations: ALL, clusterResourceWhitelist: [{ group: 'storage.k8s.io', kind: 'StorageClass' }] }),
    project(p.open, { sourceRepos: ['*'], destinations: ALL, clusterResourceWhitelist: [{ group: '*', kind: '*' }] }),
  ]) created.push(await applyAs(admin, o, 'argocd'));
  for (const o of [
    application(a.source, p.source, 'plain'),
    application(a.dest, p.dest, 'plain'),
    application(a.kind, p.kind, 'cluster'),
    application(a.open, p.open, 'cluster'),
  ]) created.push(await applyAs(admin, o, 'argocd'));
  targets = (await discoverTargets({ repo: repos.repo, session: admin })).targets;
});

after(async () => {
  await remove(admin, created);
  admin?.dispose();
});

describe("a direct sync of an Application is blocked by its project's rules", () => {
  it('argocd-project-source: the repository is not in sourceRepos', async () => {
    const blockers = await projectBlockers(a.source);
    assert.deepEqual(blockers.map((b) => b.code), ['argocd-project-source']);
    assert.match(blockers[0].message, new RegExp(`application repo file://${repos.bare} is not permitted in project '${p.source}' \\(its sourceRepos: https://git.example.com/platform/\\*\\)`));
  });

  it('argocd-project-destination: the destination namespace is not in destinations', async () => {
    const blockers = await projectBlockers(a.dest);
    assert.deepEqual(blockers.map((b) => b.code), ['argocd-project-destination', 'argocd-project-destination']);
    assert.match(blockers[0].message, new RegExp(`destination server 'https://kubernetes.default.svc' and namespace 'team-a' do not match any of the allowed destinations in project '${p.dest}'`));
    assert.equal(blockers[1].key, `/ConfigMap/team-a/${obj.cm}`);
    assert.match(blockers[1].message, new RegExp(`namespace team-a is not permitted in project '${p.dest}'`));
  });

  it('argocd-project-kind: a cluster-scoped kind not in clusterResourceWhitelist; the namespaced ConfigMap beside it passes', async () => {
    const blockers = await projectBlockers(a.kind);
    assert.deepEqual(blockers.map((b) => [b.code, b.key]), [['argocd-project-kind', `rbac.authorization.k8s.io/ClusterRole//${obj.role}`]]);
    assert.match(blockers[0].message, new RegExp(`resource rbac.authorization.k8s.io:ClusterRole is not permitted in project ${p.kind} \\(its clusterResourceWhitelist \\(storage.k8s.io:StorageClass\\)`));
  });

  it('a project that permits all three blocks nothing', async () => {
    assert.deepEqual(await projectBlockers(a.open), []);
  });
});

describe('a destination given by name is resolved through Argo CD\'s cluster Secrets before the destination rule', () => {
  const TEAM_SERVER = 'https://team-cluster.example.com:6443';
  const clusterName = name('team-cluster');
  const byName = (destination: Record<string, string>) => placeOf({ spec: { source: { repoURL: `file://${repos.bare}` }, destination: { namespace: 'team-a', ...destination } } });

  it('a name whose Secret holds a server the project lists passes; an unknown name, or one the project does not allow, is refused with Argo CD\'s message', async () => {
    const projectName = name('p-named');
    const made: KubeObject[] = [];
    try {
      // the cluster Secret as `argocd cluster add` leaves it, and a project that lists servers only
      made.push(await applyAs(admin, {
        apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
        metadata: { name: clusterName, namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
        stringData: { name: clusterName, server: TEAM_SERVER, config: JSON.stringify({ bearerToken: 'not-a-real-token', tlsClientConfig: { insecure: true } }) },
      }, 'argocd-server'));
      made.push(await applyAs(admin, project(projectName, { sourceRepos: ['*'], destinations: [{ server: TEAM_SERVER, namespace: 'team-*' }] }), 'argocd'));

      const named = await checkProject(admin.client, projectName, 'argocd', byName({ name: clusterName }), [{ group: '', kind: 'ConfigMap', namespace: 'team-a', name: obj.cm }]);
      assert.deepEqual(named, { findings: [], warnings: [] });

      const unknown = await checkProject(admin.client, projectName, 'argocd', byName({ name: 'no-such-cluster' }), []);
      assert.deepEqual(unknown.findings.map((f) => `${f.rule}: ${f.message}`), ['argocd-project-destination: unable to find destination server: there are no clusters with this name: no-such-cluster']);

      // in-cluster has no Secret here: Argo CD's in-cluster server, which this project does not list
      const inCluster = await checkProject(admin.client, projectName, 'argocd', byName({ name: 'in-cluster' }), []);
      assert.equal(inCluster.findings.length, 1, JSON.stringify(inCluster));
      assert.match(inCluster.findings[0].message, /^application destination server 'https:\/\/kubernetes\.default\.svc' and namespace 'team-a' do not match any of the allowed destinations/);

      const both = await checkProject(admin.client, projectName, 'argocd', byName({ name: clusterName, server: TEAM_SERVER }), []);
      assert.deepEqual(both.findings.map((f) => f.message), [`application destination can't have both name and server defined: ${clusterName} ${TEAM_SERVER}`]);
    } finally {
      await remove(admin, made);
    }
  });
});

describe('the command line refuses as Argo CD does', () => {
  const cli = async (...args: string[]) => runCliProcess(CLI, args, { ...GIT_ENV, KUBECONFIG: await kubeconfigFile() });

  it('sync --argocd-app: blocked with the rule and the resource; with --yes nothing is requested', async () => {
    const plan = await cli('sync', '--argocd-app', a.kind, join(repos.work, 'cluster'));
    assert.equal(plan.code, 1, plan.stderr);
    assert.match(plan.stdout, new RegExp(`argocd-project-kind: ClusterRole.rbac.authorization.k8s.io ${obj.role}: resource rbac.authorization.k8s.io:ClusterRole is not permitted in project ${p.kind}`));
    assert.match(plan.stderr, /blocked: Argo CD's project rules refuse this sync .* nothing was requested/);
    const run = await cli('sync', '--argocd-app', a.source, '--yes');
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /argocd-project-source: application repo/);
    const app = await admin.client.get({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: a.source });
    assert.equal(app.operation, undefined, 'no operation was set');
  });

  it('diff --argocd-app: the refused resource carries project {rule, message}; the Application-level rule is an entry of its own; exit 1', async () => {
    const run = await cli('diff', '--argocd-app', a.dest, '-o', 'json', repos.work);
    assert.equal(run.code, 1, run.stderr);
    const records = JSON.parse(run.stdout) as Array<{ name?: string; status?: string; project?: { rule: string; message: string } }>;
    const cm = records.find((r) => r.name === obj.cm);
    assert.equal(cm?.project?.rule, 'argocd-project-destination');
    const appLevel = records.filter((r) => !r.name && r.project);
    assert.deepEqual(appLevel.map((r) => r.project?.rule), ['argocd-project-destination']);
    const open = await cli('diff', '--argocd-app', a.open, repos.work);
    assert.doesNotMatch(open.stderr, /Argo CD project:/);
  });
});
