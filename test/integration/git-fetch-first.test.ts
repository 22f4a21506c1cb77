/**
 * A remote revision is compared as the remote has it now, with two real Git repositories (a bare
 * "remote" and the workspace's clone) and a colleague's clone that pushes: `diff --revision main`
 * fetches first, so a commit pushed since is seen without a manual fetch; the drift watcher's
 * refresh after fetchFirst (what the drift view's Refresh does) sees it too; and when the remote
 * cannot be reached the comparison still runs, with a warning that the ref may be stale and how
 * old the last fetch is. Against the real local Supervisor; the command line runs as a process.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import type { ResourceRecord } from '../../src/core/reconcile/reconcile';
import { targetFromSetting } from '../../src/drift/targets';
import type { DriftTarget, TargetDrift } from '../../src/drift/types';
import { DriftWatcher } from '../../src/drift/watcher';
import { fetchFirst } from '../../src/git/freshness';
import {
  applyAs, cleanupTemp, commitAll, configMap, git, GIT_ENV, kubeconfigFile, makeRepos, manifests, name, nextDrift, openSession, remove, runCliProcess, tempDir, write, type Repos,
} from './drift-fixtures';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

let admin: ConnectionSession;
let kubeconfig: string;
let repos: Repos;
let colleague: string;
const created: KubeObject[] = [];
const cm = name('fetch-first');

/** A colleague's change, committed in another clone and pushed to the remote; its commit. */
function push(value: string): string {
  write(colleague, 'apps/config.yaml', manifests(configMap(cm, { a: value })));
  const commit = commitAll(colleague, `a is ${value}`);
  git(colleague, 'push', '-q', 'origin', 'main');
  return commit;
}

async function diffJson(...extra: string[]): Promise<{ code: number | null; stderr: string; record?: ResourceRecord & { revision?: { commit?: string } } }> {
  const r = await runCliProcess(CLI, ['diff', '--format', 'json', '--namespace', 'team-a', '--revision', 'main', ...extra, join(repos.work, 'apps')], { ...GIT_ENV, KUBECONFIG: kubeconfig });
  const records = r.stdout.trim() ? JSON.parse(r.stdout) as (ResourceRecord & { revision?: { commit?: string } })[] : [];
  return { code: r.code, stderr: r.stderr, record: records.find((x) => x.name === cm) };
}

before(async () => {
  admin = await openSession('local-supervisor-admin');
  kubeconfig = await kubeconfigFile();
  repos = await makeRepos({ 'apps/config.yaml': manifests(configMap(cm, { a: '1' })) });
  colleague = join(tempDir('colleague'), 'c');
  git(tempDir('clone'), 'clone', '-q', repos.bare, colleague);
  created.push(await applyAs(admin, configMap(cm, { a: '1' }), 'someone-else'));
});

after(async () => {
  await remove(admin, created);
  admin?.dispose();
  cleanupTemp();
});

describe('a remote revision is fetched first', () => {
  it('diff --revision main sees a commit pushed since, without a manual fetch', async () => {
    const before = await diffJson();
    assert.equal(before.record?.status, 'Synced', before.stderr);
    const pushed = push('2');
    assert.notEqual(git(repos.work, 'rev-parse', 'refs/remotes/origin/main'), pushed, 'the clone has not fetched it');
    const after = await diffJson();
    assert.equal(after.code, 1, after.stderr);
    assert.equal(after.record?.status, 'OutOfSync');
    assert.match(after.record?.diff ?? '', /^\+\s+a: "2"$/m);
    assert.equal(after.record?.revision?.commit, pushed);
    assert.equal(git(repos.work, 'rev-parse', 'refs/remotes/origin/main'), pushed, 'origin/main moved by the fetch');
    assert.doesNotMatch(after.stderr, /warning/);
  });

  it('the drift watcher, refreshed after fetchFirst as the drift view\'s Refresh does, compares the pushed commit', async () => {
    const target = { ...(targetFromSetting({ name: name('fetch-watch'), path: 'apps', namespace: 'team-a', revision: 'main' }, 'team-a') as DriftTarget) };
    // no watch of .git: only the refresh computes again
    const watcher = new DriftWatcher(admin, repos.repo, [target], { debounceMs: 10, watchGit: false });
    try {
      await watcher.refresh();
      const first = watcher.results.find((r) => r.target.name === target.name) as TargetDrift;
      const pushed = push('3');
      assert.notEqual(first.revision?.commit, pushed);
      const fetched = await fetchFirst(repos.repo, watcher.targets.map((t) => t.source));
      assert.deepEqual(fetched, { fetched: ['origin'], warnings: [] });
      const seen = nextDrift(watcher, (d) => d.target.name === target.name && d.revision?.commit === pushed, 30_000);
      await watcher.refresh();
      const { drift } = await seen;
      const r = drift.resources.find((x) => x.name === cm);
      assert.equal(r?.status, 'OutOfSync');
      assert.match(r?.diff?.unified ?? '', /^\+\s+a: "3"$/m);
    } finally {
      watcher.dispose();
    }
  });

  it('the remote out of reach: compared as last fetched, with a warning that says it may be stale and how old the fetch is', async () => {
    git(repos.work, 'remote', 'set-url', 'origin', join(tempDir('gone'), 'nothing-here.git'));
    push('4');
    const r = await diffJson();
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^tanzu-gitops diff: warning: git fetch origin \(.*nothing-here\.git\) failed.*; main of origin compared as the repository has it \(last fetched (just now|\d+ minutes? ago)\): it may be stale$/m);
    assert.match(r.record?.diff ?? '', /^\+\s+a: "3"$/m, 'the last fetched commit, not the one pushed since');
    const fetched = await fetchFirst(repos.repo, [{ kind: 'revision', revision: 'main' }]);
    assert.deepEqual(fetched.fetched, []);
    assert.equal(fetched.warnings.length, 1);
    assert.deepEqual(await fetchFirst(repos.repo, [{ kind: 'worktree' }, { kind: 'revision', revision: git(repos.work, 'rev-parse', 'HEAD') }]), { fetched: [], warnings: [] }, 'nothing follows a remote branch: no fetch is tried');
  });
});
