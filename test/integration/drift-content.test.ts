/**
 * Drift judged on content, against the real local Supervisor: objects that another tool put there
 * exactly as Git has them (kubectl server-side apply by another field manager, client-side
 * `kubectl apply` with its last-applied annotation, an object carrying Argo CD's tracking) are
 * Synced and "not tracked yet", with no hunk; a real difference is still OutOfSync; the next
 * sync adopts them, after which they are tracked. The command line runs as a process.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import { runSync } from '../../src/cli/sync';
import { TANZU_TARGET_LABEL, TANZU_TRACKING_ANNOTATION, targetLabelValue } from '../../src/core/reconcile/ownership';
import type { ResourceRecord } from '../../src/core/reconcile/reconcile';
import { workspaceOwner } from '../../src/drift/targets';
import { cleanupTemp, configMap, GIT_ENV, runCliProcess, type CliRun, kubeconfigFile, makeRepos, manifests, name, openSession, remove, tempDir, tkc, type Repos } from './drift-fixtures';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const KUBECTL = process.env.KUBECTL || 'kubectl';

let admin: ConnectionSession;
let kubeconfig: string;
let repos: Repos;
let owner: string;
const created: KubeObject[] = [];

const cmSsa = name('c-ssa');
const tkcSsa = name('c-tkc');
const cmCsa = name('c-csa');
const cmArgo = name('c-argo');
const cmDiff = name('c-diff');

const git = {
  cmSsa: configMap(cmSsa, { a: '1', b: 'two' }, 'team-a', { labels: { app: 'web' } }),
  tkcSsa: tkc(tkcSsa),
  cmCsa: configMap(cmCsa, { a: '1' }),
  cmArgo: configMap(cmArgo, { a: '1' }),
  cmDiff: configMap(cmDiff, { a: 'in-git' }),
};

/** kubectl as a person runs it, on the Supervisor's admin context, with a file of `objects`. */
function kubectl(args: readonly string[], ...objects: KubeObject[]): string {
  const file = join(tempDir('kubectl'), 'objects.yaml');
  writeFileSync(file, manifests(...objects));
  return execFileSync(KUBECTL, ['--kubeconfig', kubeconfig, '--context', 'local-supervisor-admin', ...args, '-f', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

type Run = CliRun;

function diff(...args: string[]): Promise<Run> {
  return runCliProcess(CLI, ['diff', ...args], { ...GIT_ENV, KUBECONFIG: kubeconfig });
}

async function diffJson(): Promise<Map<string, ResourceRecord>> {
  const r = await diff('--format', 'json', '--namespace', 'team-a', join(repos.work, 'clusters'));
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return new Map((JSON.parse(r.stdout) as ResourceRecord[]).map((x) => [x.name, x]));
}

before(async () => {
  admin = await openSession('local-supervisor-admin');
  kubeconfig = await kubeconfigFile();
  repos = await makeRepos({ 'clusters/apps.yaml': manifests(git.cmSsa, git.tkcSsa, git.cmCsa, git.cmArgo, git.cmDiff) });
  owner = await workspaceOwner(repos.repo);
  created.push(git.cmSsa, git.tkcSsa, git.cmCsa, git.cmArgo, git.cmDiff);
  kubectl(['apply', '--server-side', '--field-manager=someone-else'], git.cmSsa, git.tkcSsa);
  kubectl(['apply'], git.cmCsa);
  // As Argo CD left it: its own tracking annotation, which Git does not hold.
  const argoMeta = { annotations: { 'argocd.argoproj.io/tracking-id': `platform:/ConfigMap:team-a/${cmArgo}` } };
  kubectl(['apply', '--server-side', '--field-manager=argocd-controller'], configMap(cmArgo, { a: '1' }, 'team-a', argoMeta));
  kubectl(['apply', '--server-side', '--field-manager=someone-else'], configMap(cmDiff, { a: 'on-the-cluster' }));
});

after(async () => {
  await remove(admin, created);
  admin?.dispose();
  cleanupTemp();
});

describe('drift judged on content', () => {
  it('objects another tool applied as Git has them: Synced, tracked false, no diff; a real difference: OutOfSync', async () => {
    const recs = await diffJson();
    for (const n of [cmSsa, tkcSsa, cmCsa, cmArgo]) {
      const r = recs.get(n);
      assert.deepEqual([r?.status, r?.tracked, r?.diff], ['Synced', false, ''], n);
    }
    const d = recs.get(cmDiff);
    assert.deepEqual([d?.status, d?.tracked], ['OutOfSync', false]);
    assert.match(d?.diff ?? '', /^-\s+a: on-the-cluster\n\+\s+a: in-git$/m);
  });

  it('text: only the real difference prints a hunk; the summary counts what is not tracked yet', async () => {
    const r = await diff('--namespace', 'team-a', join(repos.work, 'clusters'));
    assert.equal(r.code, 1, r.stderr);
    for (const n of [cmSsa, tkcSsa, cmCsa, cmArgo]) assert.ok(!r.stdout.includes(n), `${n} has no hunk`);
    assert.match(r.stdout, new RegExp(`^--- live/ConfigMap/team-a/${cmDiff}$`, 'm'));
    assert.match(r.stderr, /1 OutOfSync, 0 Missing, 0 Extra, 0 Unknown, 4 Synced \(4 not tracked yet: the next sync adopts them\)/);
  });

  it('the next sync adopts them (tracking added, other managers\' fields kept); then they are tracked', async () => {
    let out = '';
    let err = '';
    const code = await runSync(['--kubeconfig', kubeconfig, '--context', 'local-supervisor-admin', '--namespace', 'team-a', '--yes', '--force-conflicts', join(repos.work, 'clusters')], (s) => { out += s; }, (s) => { err += s; });
    assert.equal(code, 0, `${out}\n${err}`);
    for (const n of [cmSsa, tkcSsa, cmCsa, cmArgo]) assert.match(out, new RegExp(`^ {2}update {4}\\S*/team-a/${n} {2}\\(clusters/apps\\.yaml:\\d+; equal to Git; adopted: the tracking is added\\)$`, 'm'), n);
    assert.match(out, new RegExp(`^ {2}update {4}ConfigMap/team-a/${cmDiff} {2}\\(clusters/apps\\.yaml:\\d+; forced: takes over \\.data\\.a \\(owned by "someone-else"\\)\\)$`, 'm'));
    assert.equal(out.match(/^applied .*: updated$/gm)?.length, 5);
    const live = await admin.client.get({ group: '', kind: 'ConfigMap', namespace: 'team-a', name: cmArgo });
    assert.equal(live.metadata?.labels?.[TANZU_TARGET_LABEL], targetLabelValue(owner));
    const annotations = live.metadata?.annotations as Record<string, string> | undefined;
    assert.equal(annotations?.[TANZU_TRACKING_ANNOTATION], `${owner}:/ConfigMap:team-a/${cmArgo}`);
    assert.equal(annotations?.['argocd.argoproj.io/tracking-id'], `platform:/ConfigMap:team-a/${cmArgo}`, 'Argo CD\'s annotation is another manager\'s: kept');

    const recs = await diffJson();
    for (const n of [cmSsa, tkcSsa, cmCsa, cmArgo, cmDiff]) {
      const r = recs.get(n);
      assert.deepEqual([r?.status, r?.tracked, r?.diff], ['Synced', true, ''], n);
    }
  });
});
