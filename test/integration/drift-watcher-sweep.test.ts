/**
 * DriftWatcher and the kinds that left Git, against the real local Supervisor: a tracked object
 * of a kind whose last file was removed shows as Extra in the watcher's result (the sweep), and
 * leaves it when deleted on the server (the kind is watched once the sweep found it). Counts the
 * list requests a refresh and a live change make.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import { targetFromSetting } from '../../src/drift/targets';
import type { DriftTarget, TargetDrift } from '../../src/drift/types';
import { DriftWatcher } from '../../src/drift/watcher';
import { applyAs, cleanupTemp, commitAll, configMap, git, makeRepos, manifests, name, nextDrift, openSession, remove, synced, tkc, type Repos } from './drift-fixtures';

let admin: ConnectionSession;
let repos: Repos;
let watcher: DriftWatcher;
const created: KubeObject[] = [];
const target = targetFromSetting({ name: name('sweep'), path: 'apps', namespace: 'team-a' }, 'team-a') as DriftTarget;
const cm = name('s-cm');
const cluster = name('s-tkc');
/** List requests sent to the server (the watched caches' and the sweeps'). */
let lists = 0;

const status = (d: TargetDrift | undefined, n: string) => d?.resources.find((r) => r.name === n)?.status;

const next = async (check: (d: TargetDrift) => boolean, timeoutMs = 8000) => (await nextDrift(watcher, check, timeoutMs)).drift;

before(async () => {
  admin = await openSession('local-supervisor-admin');
  const client = admin.client;
  const list = client.list.bind(client);
  client.list = (...args: Parameters<typeof list>) => {
    lists++;
    return list(...args);
  };
  repos = await makeRepos({ 'apps/cms.yaml': manifests(configMap(cm, { v: '1' })), 'apps/tkc.yaml': manifests(tkc(cluster)) });
  for (const o of [configMap(cm, { v: '1' }), tkc(cluster)]) created.push(await synced(admin, o, target.ownership));
  watcher = new DriftWatcher(admin, repos.repo, [target], { debounceMs: 50, gitDebounceMs: 100, sweepIntervalMs: 0 });
  await watcher.refresh();
});

after(async () => {
  watcher?.dispose();
  await remove(admin, created);
  admin?.dispose();
  cleanupTemp();
});

describe('DriftWatcher: kinds that left Git', () => {
  it('both objects in Git are Synced', () => {
    const d = watcher.result(target.name);
    assert.equal(status(d, cm), 'Synced');
    assert.equal(status(d, cluster), 'Synced');
  });

  it('a refresh lists every other served kind once by the label; a live change lists nothing', async () => {
    const served = (await admin.client.discovery.all()).filter((i) => i.verbs.includes('list'));
    const before = lists;
    await watcher.refresh();
    const sweepLists = lists - before;
    // the two kinds Git names are watched (no list); every other served kind: one label-selected list
    assert.equal(sweepLists, served.length - 2, `${sweepLists} list requests for ${served.length} served kinds`);
    const quiet = lists;
    const wait = next((d) => d.resources.find((r) => r.name === cm)?.status === 'OutOfSync');
    await applyAs(admin, configMap(cm, { v: 'by hand' }));
    await wait;
    await watcher.whenIdle();
    assert.equal(lists - quiet, 0, 'a live change is read from the watches');
  });

  it('a TanzuKubernetesCluster whose file left Git shows as Extra, and leaves the result when deleted', async () => {
    const extra = next((d) => status(d, cluster) === 'Extra');
    git(repos.work, 'rm', '-q', 'apps/tkc.yaml');
    commitAll(repos.work, 'the cluster leaves Git');
    const d = await extra;
    const r = d.resources.find((x) => x.name === cluster);
    assert.equal(r?.kind, 'TanzuKubernetesCluster');
    assert.equal(r?.git, undefined);
    // found by the sweep, its kind is watched now: the delete shows without a refresh
    const gone = next((x) => status(x, cluster) === undefined);
    await remove(admin, [tkc(cluster)]);
    const after = await gone;
    assert.equal(status(after, cm), 'OutOfSync', 'the rest of the result is unchanged');
  });
});
