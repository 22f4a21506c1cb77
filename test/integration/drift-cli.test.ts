/**
 * `tanzu-gitops diff` as a real process against the real local Supervisor and real Git
 * repositories: exit 0 when nothing drifts, 1 when something does, 2 on errors (not a repository,
 * no kubeconfig, unreachable, a forbidden kind); the text and JSON outputs; the revision chosen;
 * a single file; and no Secret value in stdout or stderr, whatever the format.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import type { Ownership } from '../../src/core/reconcile/ownership';
import { workspaceOwner } from '../../src/drift/targets';
import {
  applyAs, cleanupTemp, configMap, deadKubeconfig, GIT_ENV, kubeconfigFile, runCliProcess, type CliRun, makeRepos, manifests, name, openSession, remove, synced, tempDir, tkc, write, type Repos,
} from './drift-fixtures';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
/** The workspace target's owner for the repository (both repositories below share one origin). */
let WORKSPACE: Ownership;
const GIT_SECRET = 'cli-git-S3CRET-4d1e';
const LIVE_SECRET = 'cli-live-S3CRET-90ab';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

let admin: ConnectionSession;
let kubeconfig: string;
let clean: Repos;
let drifting: Repos;
const created: KubeObject[] = [];

type Run = CliRun;

/** Runs the command line as a process (asynchronously: the test process keeps serving nothing, but stays responsive). */
function cli(...args: string[]): Promise<Run> {
  return runCliProcess(CLI, ['diff', ...args], { ...GIT_ENV, KUBECONFIG: kubeconfig });
}

function assertNoSecret(r: Run): void {
  for (const v of [GIT_SECRET, LIVE_SECRET, b64(GIT_SECRET), b64(LIVE_SECRET)]) {
    assert.ok(!r.stdout.includes(v), 'a Secret value in stdout');
    assert.ok(!r.stderr.includes(v), 'a Secret value in stderr');
  }
}

const cmSame = name('cli-same');
const cmDrift = name('cli-drift');
const cmMissing = name('cli-missing');
const secret = name('cli-secret');
const cluster = name('cli-tkc');

before(async () => {
  admin = await openSession('local-supervisor-admin');
  kubeconfig = await kubeconfigFile();
  clean = await makeRepos({ 'clusters/a.yaml': manifests(configMap(cmSame, { a: '1' }), tkc(cluster)), 'clusters/b.yaml': manifests(configMap(cmDrift, { a: '1' })) });
  drifting = await makeRepos({
    'clusters/a.yaml': manifests(configMap(cmSame, { a: '1' }), tkc(cluster)),
    'clusters/b.yaml': manifests(configMap(cmDrift, { a: '2' }), configMap(cmMissing, { a: '1' })),
    'clusters/secret.yaml': manifests({ apiVersion: 'v1', kind: 'Secret', metadata: { name: secret, namespace: 'team-a' }, stringData: { token: GIT_SECRET } }),
  });
  // Two states of one repository: the same origin, so the same owner of what the sync applied.
  execFileSync('git', ['remote', 'set-url', 'origin', clean.bare], { cwd: drifting.work });
  // as a sync of clusters/ leaves them: the repository's owner and the folder
  WORKSPACE = { kind: 'tanzu-gitops', target: await workspaceOwner(clean.repo), path: 'clusters' };
  created.push(await synced(admin, configMap(cmSame, { a: '1' }), WORKSPACE));
  created.push(await synced(admin, tkc(cluster), WORKSPACE));
  created.push(await synced(admin, configMap(cmDrift, { a: '1' }), WORKSPACE));
  created.push(await applyAs(admin, { apiVersion: 'v1', kind: 'Secret', metadata: { name: secret, namespace: 'team-a' }, data: { token: b64(LIVE_SECRET) } }));
});

after(async () => {
  await remove(admin, created);
  admin?.dispose();
  cleanupTemp();
});

describe('tanzu-gitops diff', () => {
  it('exit 0 when nothing drifts; the summary names context, namespace and revision', async () => {
    const r = await cli('--namespace', 'team-a', join(clean.work, 'clusters'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /3 resources compared with context "local-supervisor-admin" \(namespace team-a\) at the working tree of main at [0-9a-f]{7}: 0 OutOfSync, 0 Missing, 0 Extra, 0 Unknown, 3 Synced/);
  });

  it('exit 1 with a unified diff per drifting resource (live ---, Git +++); Secret values masked', async () => {
    const r = await cli('--namespace=team-a', join(drifting.work, 'clusters'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, new RegExp(`^--- live/ConfigMap/team-a/${cmDrift}\\n\\+\\+\\+ git/ConfigMap/team-a/${cmDrift}$`, 'm'));
    assert.match(r.stdout, /^-\s+a: "1"\n\+\s+a: "2"$/m);
    assert.match(r.stdout, new RegExp(`^\\+\\+\\+ git/ConfigMap/team-a/${cmMissing}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^\\+\\+\\+ git/Secret/team-a/${secret}$`, 'm'));
    assert.match(r.stdout, /^-\s+token: \+{8,}$/m);
    assert.ok(!r.stdout.includes(cmSame), 'Synced resources print nothing');
    assert.match(r.stderr, /1 OutOfSync|2 OutOfSync/);
    assertNoSecret(r);
  });

  it('json: every resource as {group, version, kind, namespace, name, status, diff} (+ tracked when live, its target and revision); no Secret value', async () => {
    const r = await cli('--format', 'json', '--namespace', 'team-a', join(drifting.work, 'clusters'));
    assert.equal(r.code, 1, r.stderr);
    const arr = JSON.parse(r.stdout) as Record<string, string>[];
    const keys = ['group', 'version', 'kind', 'namespace', 'name', 'status', 'diff'];
    for (const rec of arr) {
      assert.deepEqual(Object.keys(rec).slice(0, keys.length), keys);
      assert.equal('tracked' in rec, rec.status !== 'Missing', `tracked only when live: ${JSON.stringify(rec)}`);
      // each record names the target and the commit it was compared at
      assert.equal(typeof rec.target, 'string');
      assert.match((rec.revision as unknown as { commit?: string })?.commit ?? '', /^[0-9a-f]{40}$/);
    }
    assert.deepEqual(Object.fromEntries(arr.map((x) => [x.name, x.tracked])), { [secret]: false, [cmSame]: true, [cmDrift]: true, [cmMissing]: undefined, [cluster]: true });
    const st = Object.fromEntries(arr.map((x) => [x.name, x.status]));
    assert.deepEqual(st, { [secret]: 'OutOfSync', [cmSame]: 'Synced', [cmDrift]: 'OutOfSync', [cmMissing]: 'Missing', [cluster]: 'Synced' });
    const tk = arr.find((x) => x.name === cluster);
    assert.deepEqual([tk?.group, tk?.version, tk?.kind, tk?.namespace, tk?.diff], ['run.tanzu.vmware.com', 'v1alpha2', 'TanzuKubernetesCluster', 'team-a', '']);
    assert.equal(r.stderr, '', 'json: nothing else to say');
    assertNoSecret(r);
  });

  it('--revision HEAD ignores uncommitted changes; the default (worktree) shows them; a single file is a path too', async () => {
    write(clean.work, 'clusters/a.yaml', manifests(configMap(cmSame, { a: 'edited' }), tkc(cluster)));
    const head = await cli('--namespace', 'team-a', '--revision', 'HEAD', join(clean.work, 'clusters'));
    assert.equal(head.code, 0, head.stderr);
    assert.match(head.stderr, / at HEAD \(main\) at [0-9a-f]{7}:/);
    const worktree = await cli('--namespace', 'team-a', join(clean.work, 'clusters', 'a.yaml'));
    assert.equal(worktree.code, 1, worktree.stderr);
    assert.match(worktree.stderr, /with uncommitted changes/);
    assert.match(worktree.stdout, /^\+\s+a: edited$/m);
    const remote = await cli('--namespace', 'team-a', '--revision', 'main', join(clean.work, 'clusters'));
    assert.equal(remote.code, 0, remote.stderr);
    assert.match(remote.stderr, / at origin\/main at /);
  });

  it('exit 2 for a forbidden kind (Unknown), naming what was not compared', async () => {
    const repos = await makeRepos({ 'x.yaml': manifests(configMap(name('cli-b'), { a: '1' }, 'team-b')) });
    const r = await cli('--context', 'local-supervisor-dev', repos.work);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /not compared: ConfigMap\/team-b\/tg-drift-.*: forbidden: User "dev" may not list configmaps in namespace "team-b"/);
  });

  it('exit 2 with a clear message: not a Git repository, no kubeconfig, unreachable, a bad option', async () => {
    const plain = tempDir('plain');
    const notRepo = await cli(plain);
    assert.equal(notRepo.code, 2);
    assert.match(notRepo.stderr, /is not inside a Git working tree/);
    const noKc = await cli('--kubeconfig', join(plain, 'missing-kubeconfig'), clean.work);
    assert.equal(noKc.code, 2);
    assert.match(noKc.stderr, /kubeconfig file .*missing-kubeconfig .*does not exist/);
    const dead = await cli('--kubeconfig', await deadKubeconfig(), clean.work);
    assert.equal(dead.code, 2);
    assert.match(dead.stderr, /refused the connection/);
    const missing = await cli(join(plain, 'nope'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope: no such file or folder/);
    const bad = await cli('--format', 'yaml', clean.work);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be text or json, not "yaml"/);
  });
});
