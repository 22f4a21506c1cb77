/**
 * The Supervisor stopped in the middle of a sync (its kube-apiserver killed after the third
 * resource, then started again): the report says which resources were applied and which not,
 * nothing is pruned, and the same sync run again completes the work. Also: cancellation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConnectionSession } from '../../src/cluster/session';
import { executePlan, prepareSync } from '../../src/sync';
import {
  CM, NS, cleanupTemp, commitAll, configMap, deleteTracked, ensureNamespace, getOrUndefined, makeRepo, manifests, name, openSession, targetOf, write,
} from './sync-fixtures';
import { killApiserver, type Stopped } from './supervisor';

let session: ConnectionSession;
const targets: string[] = [];

before(async () => {
  session = await openSession('local-supervisor-admin');
  await ensureNamespace(session);
});

after(async () => {
  await deleteTracked(session, targets, [CM]);
  session.dispose();
  cleanupTemp();
});

describe('faults', () => {
  it('the kube-apiserver killed after the third resource: partial report, nothing pruned; after a restart the second sync completes', async () => {
    const t = targetOf(name('killed'));
    targets.push(t.name);
    const extra = name('k-extra');
    const names = Array.from({ length: 8 }, (_, i) => name(`k-${i}`));
    const { root, repo } = await makeRepo({ 'x.yaml': manifests(configMap(extra, { v: '1' })) });
    assert.equal((await executePlan(session, (await prepareSync(session, repo, t)).plan)).outcome, 'succeeded');
    write(root, 'x.yaml', manifests(...names.map((n) => configMap(n, { v: '1' }))));
    commitAll(root, 'eight, and the extra one gone');

    const { plan } = await prepareSync(session, repo, t, { prune: true });
    assert.equal(plan.counts.create, 8);
    assert.equal(plan.counts.delete, 1);

    let applied = 0;
    let killing: Promise<Stopped> | undefined;
    let stopped: Stopped | undefined;
    try {
      const report = await executePlan(session, plan, {
        concurrency: 1,
        onProgress: (p) => {
          // killApiserver sends SIGKILL before its first await: the server is gone before the next request
          if (p.type === 'done' && p.result?.outcome === 'applied' && ++applied === 3) killing = killApiserver();
        },
      });
      stopped = await killing;
      assert.ok(stopped, 'the server was killed');
      assert.equal(report.outcome, 'failed');
      assert.ok(report.interrupted, 'the report says the server stopped answering');
      const by = (o: string) => report.results.filter((r) => r.outcome === o).map((r) => r.name);
      assert.deepEqual(by('applied'), names.slice(0, 3));
      assert.deepEqual(by('failed'), [names[3]], 'the one in flight');
      assert.equal(report.results.find((r) => r.name === names[3])?.error, 'unreachable');
      assert.deepEqual(by('skipped'), [...names.slice(4), extra]);
      assert.match(report.results.find((r) => r.name === extra)?.message ?? '', /not pruned/);
      assert.equal(report.pruneRan, false);
      assert.match(report.message, new RegExp(`Applied before that: ${names.slice(0, 3).join(', ')}\\. Nothing was pruned\\. Sync again`));

      await stopped.restart();
      stopped = undefined;
      assert.ok(await getOrUndefined(session, { ...CM, namespace: NS, name: extra }), 'the extra object is still there');

      const again = await prepareSync(session, repo, t, { prune: true });
      assert.equal(again.plan.blocked, false, JSON.stringify(again.plan.blockers));
      assert.deepEqual(again.plan.items.map((i) => `${i.name}:${i.action}`), [
        ...names.slice(0, 3).map((n) => `${n}:unchanged`),
        ...names.slice(3).map((n) => `${n}:create`),
        `${extra}:delete`,
      ]);
      const second = await executePlan(session, again.plan);
      assert.equal(second.outcome, 'succeeded', second.message);
      assert.equal(second.counts.applied, 5);
      assert.equal(second.counts.deleted, 1);
      for (const n of names) assert.ok(await getOrUndefined(session, { ...CM, namespace: NS, name: n }), n);
      assert.equal(await getOrUndefined(session, { ...CM, namespace: NS, name: extra }), undefined);
    } finally {
      stopped ??= await killing;
      await stopped?.restart();
    }
  });

  it('cancelled between resources: what runs finishes, nothing new starts, nothing is pruned', async () => {
    const t = targetOf(name('cancel'));
    targets.push(t.name);
    const names = Array.from({ length: 5 }, (_, i) => name(`c-${i}`));
    const { repo } = await makeRepo({ 'c.yaml': manifests(...names.map((n) => configMap(n, { v: '1' }))) });
    const { plan } = await prepareSync(session, repo, t, { prune: true });
    const ac = new AbortController();
    const report = await executePlan(session, plan, { concurrency: 1, signal: ac.signal, onProgress: (p) => { if (p.type === 'done' && p.done === 2) ac.abort(); } });
    assert.equal(report.outcome, 'cancelled');
    assert.deepEqual(report.results.map((r) => r.outcome), ['applied', 'applied', 'skipped', 'skipped', 'skipped']);
    assert.equal(await getOrUndefined(session, { ...CM, namespace: NS, name: names[2] }), undefined);
  });
});
