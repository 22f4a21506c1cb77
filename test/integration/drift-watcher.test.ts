/**
 * DriftWatcher against the real local Supervisor and a real Git repository: the result follows a
 * live change (watched caches) and a Git commit (the repository watch) within about a second,
 * a saved file (notifyFilesChanged), coalesces bursts, reuses the dry-runs of what did not
 * change, and gives every cache back when disposed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import { targetFromSetting } from '../../src/drift/targets';
import type { DriftTarget, TargetDrift } from '../../src/drift/types';
import { DriftWatcher } from '../../src/drift/watcher';
import { applyAs, cleanupTemp, commitAll, configMap, makeRepos, manifests, name, nextDrift, openSession, remove, synced, tkc, write, type Repos } from './drift-fixtures';

let admin: ConnectionSession;
let repos: Repos;
let watcher: DriftWatcher;
const created: KubeObject[] = [];
const results: TargetDrift[] = [];
const target = targetFromSetting({ name: name('watch'), path: 'apps', namespace: 'team-a' }, 'team-a') as DriftTarget;
const cmA = name('w-a');
const cmB = name('w-b');
const cluster = name('w-tkc');

const status = (d: TargetDrift | undefined, n: string) => d?.resources.find((r) => r.name === n)?.status;

const next = (check: (d: TargetDrift) => boolean, timeoutMs = 5000) => nextDrift(watcher, check, timeoutMs);

before(async () => {
  admin = await openSession('local-supervisor-admin');
  repos = await makeRepos({ 'apps/cms.yaml': manifests(configMap(cmA, { v: '1' }), configMap(cmB, { v: '1' })), 'apps/tkc.yaml': manifests(tkc(cluster)) });
  for (const o of [configMap(cmA, { v: '1' }), configMap(cmB, { v: '1' }), tkc(cluster)]) created.push(await synced(admin, o, target.ownership));
  watcher = new DriftWatcher(admin, repos.repo, [target], { debounceMs: 50, gitDebounceMs: 100 });
  watcher.onDidChange((d) => results.push(d));
  await watcher.refresh();
});

after(async () => {
  watcher?.dispose();
  await remove(admin, created);
  admin?.dispose();
  cleanupTemp();
});

describe('DriftWatcher', () => {
  it('computes every target on refresh(), watching the kinds it holds', () => {
    const d = watcher.result(target.name);
    assert.ok(d);
    assert.deepEqual(d.counts, { Synced: 3, OutOfSync: 0, Missing: 0, Extra: 0, Unknown: 0 }, JSON.stringify(d.resources.map((r) => [r.name, r.status, r.diff?.unified])));
    assert.equal(watcher.results.length, 1);
    // ConfigMap and TKC in team-a, and each by the owner label in all namespaces
    assert.equal(admin.caches.length, 4, admin.caches.map((c) => c.label).join(', '));
  });

  it('recomputes after a live change, asking the server to dry-run only the changed object', async () => {
    const wait = next((d) => status(d, cmA) === 'OutOfSync');
    await applyAs(admin, configMap(cmA, { v: 'changed by hand' }));
    const { drift, ms } = await wait;
    assert.ok(ms < 2000, `took ${ms} ms`);
    assert.deepEqual(drift.resources.find((r) => r.name === cmA)?.diff?.changedPaths, ['data.v']);
    assert.equal(drift.stats?.dryRuns, 1, JSON.stringify(drift.stats));
    assert.equal((drift.stats?.dryRunsReused ?? 0) + (drift.stats?.dryRunsSkipped ?? 0), 2, 'the others: kept or spared');
    assert.equal(drift.stats?.gitMs, 0, 'Git not read again for a live change');
  });

  it('recomputes after a Git commit (the repository watch), reading the new manifests', async () => {
    const wait = next((d) => status(d, cmA) === 'Synced' && status(d, cmB) === 'OutOfSync');
    write(repos.work, 'apps/cms.yaml', manifests(configMap(cmA, { v: 'changed by hand' }), configMap(cmB, { v: '2' })));
    commitAll(repos.work, 'follow the change; bump b');
    const { drift, ms } = await wait;
    assert.ok(ms < 3000, `took ${ms} ms`);
    assert.equal(drift.revision?.dirty, false);
  });

  it('recomputes after a saved file (notifyFilesChanged), once for a burst of events', async () => {
    const before = results.length;
    const wait = next((d) => status(d, cmB) === 'Synced');
    write(repos.work, 'apps/cms.yaml', manifests(configMap(cmA, { v: 'changed by hand' }), configMap(cmB, { v: '1' })));
    for (let i = 0; i < 5; i++) watcher.notifyFilesChanged([`${repos.work}/apps/cms.yaml`]);
    watcher.notifyFilesChanged(['/somewhere/else.yaml']);
    await wait;
    await watcher.whenIdle();
    assert.equal(results.length - before, 1, 'five notifications, one recompute');
  });

  it('shows an object deleted on the server as Missing, and one created with its label as Extra', async () => {
    const extra = name('w-extra');
    const wait = next((d) => status(d, cmB) === 'Missing' && status(d, extra) === 'Extra');
    await remove(admin, [configMap(cmB, {})]);
    created.push(await synced(admin, configMap(extra, { v: '1' }), target.ownership));
    await wait;
  });

  it('gives back every cache when disposed', () => {
    watcher.dispose();
    assert.equal(admin.caches.length, 0);
  });
});
