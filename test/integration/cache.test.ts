/**
 * ResourceCache against the real local Supervisor, including the server stopped in the middle of
 * a list and of a watch (frozen with SIGSTOP, and killed and started again) and 410 Gone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ResourceCache, type CacheChange, type ResourceCacheOptions } from '../../src/cluster/cache';
import { ClusterClient, type KubeObject } from '../../src/cluster/client';
import { Connection } from '../../src/cluster/connection';
import { ClusterError } from '../../src/cluster/errors';
import { loadKubeconfig, type Kubeconfig } from '../../src/cluster/kubeconfig';
import { freezeApiserver, killApiserver, sleep, supervisor, until } from './supervisor';

const NS = 'tg-integration';
const OTHER_NS = 'tg-integration-other';
const LABEL = 'tanzu-gitops.dev/test';
const CM = { group: '', kind: 'ConfigMap' } as const;
let kubeconfig: Kubeconfig;
let writer: ClusterClient;
const opened: Connection[] = [];
const caches: ResourceCache[] = [];

async function connect(requestTimeoutMs = 1500, log?: (l: string) => void): Promise<ClusterClient> {
  const c = await Connection.open({ kubeconfig, context: 'local-supervisor-admin', allowExec: false, requestTimeoutMs, log });
  opened.push(c);
  return new ClusterClient(c);
}

function cache(client: ClusterClient, options: ResourceCacheOptions = {}): ResourceCache {
  const c = new ResourceCache(client, CM, { namespace: NS, labelSelector: `${LABEL}=cache`, backoff: { initialMs: 200, maxMs: 1500 }, watchTimeoutSeconds: 60, ...options });
  caches.push(c);
  return c;
}

const cm = (name: string, data: Record<string, string> = { v: '1' }, ns = NS): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { [LABEL]: 'cache' } }, data });

async function put(name: string, data?: Record<string, string>, ns?: string): Promise<void> {
  await writer.apply(cm(name, data, ns), { fieldManager: 'tanzu-gitops-test', force: true });
}

async function names(client: ClusterClient): Promise<string[]> {
  return (await client.list(CM, { namespace: NS, labelSelector: `${LABEL}=cache` })).items.map((o) => o.metadata?.name ?? '').sort();
}

function cachedNames(c: ResourceCache): string[] {
  return c.items().map((o) => o.metadata?.name ?? '').sort();
}

/** Reads the errors a cache goes through. */
function errorsOf(c: ResourceCache): ClusterError[] {
  const seen: ClusterError[] = [];
  c.onDidChangeState((s) => { if (s === 'backoff' && c.lastError) seen.push(c.lastError); });
  return seen;
}

before(async () => {
  const sv = await supervisor();
  kubeconfig = loadKubeconfig({ paths: [sv.kubeconfig] });
  writer = await connect(10_000);
  for (const ns of [NS, OTHER_NS]) await writer.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { fieldManager: 'tanzu-gitops-test' });
  for (const ns of [NS, OTHER_NS]) {
    for (const o of (await writer.list(CM, { namespace: ns, labelSelector: `${LABEL}=cache` })).items) {
      await writer.delete({ ...CM, namespace: ns, name: o.metadata?.name ?? '' });
    }
  }
  for (let i = 0; i < 12; i++) await put(`seed-${String(i).padStart(2, '0')}`);
});

after(() => {
  for (const c of caches) c.dispose();
  for (const c of opened) c.dispose();
});

describe('ResourceCache', () => {
  it('lists, then follows the watch: additions, changes and deletions after the list', async () => {
    const c = cache(await connect()).start();
    const changes: CacheChange[] = [];
    c.onDidChange((e) => changes.push(e));
    assert.equal(await c.whenSynced(10_000), true);
    assert.equal(c.size, 12);
    assert.equal(changes.filter((e) => e.type === 'ADDED').length, 12);
    assert.equal(changes.at(-1)?.type, 'SYNCED');
    await until('watching', () => c.state === 'watching');
    changes.length = 0;
    await put('live-1');
    await put('seed-00', { v: '2' });
    await writer.delete({ ...CM, namespace: NS, name: 'live-1' });
    await until('three watch events', () => changes.length >= 3);
    assert.deepEqual(changes.map((e) => `${e.type} ${e.object?.metadata?.name}`), ['ADDED live-1', 'MODIFIED seed-00', 'DELETED live-1']);
    assert.deepEqual((c.get(NS, 'seed-00')?.data as Record<string, string>).v, '2');
    assert.equal(c.get(NS, 'live-1'), undefined);
    assert.equal(c.stats.lists, 1);
    c.dispose();
    assert.equal(c.state, 'disposed');
  });

  it('watch: false lists once and keeps that (a one-shot reader): no watch, no request after the list', async () => {
    const client = await connect();
    const c = cache(client, { watch: false }).start();
    assert.equal(await c.whenSynced(10_000), true);
    assert.equal(c.size, 12);
    await until('settled', () => c.state === 'idle');
    await put('after-list');
    await sleep(300);
    assert.equal(c.get(NS, 'after-list'), undefined, 'no watch: what changed after the list is not seen');
    assert.deepEqual({ lists: c.stats.lists, watches: c.stats.watches }, { lists: 1, watches: 0 });
    assert.equal(client.connection.activeRequests, 0);
    await writer.delete({ ...CM, namespace: NS, name: 'after-list' });
    c.dispose();
  });

  it('server frozen in the middle of a paginated list: a timeout, then the list works when it answers again', async () => {
    let pages = 0;
    let thaw: (() => void) | undefined;
    const client = await connect(1200, (line) => {
      if (/configmaps\?.*limit=3/.test(line) && ++pages === 2) thaw = freezeApiserver();
    });
    try {
      const started = Date.now();
      const e = await client.list(CM, { namespace: NS, labelSelector: `${LABEL}=cache`, pageSize: 3 }).then(() => undefined, (err: unknown) => err);
      assert.ok(thaw, 'the server was frozen after page 2');
      assert.ok(e instanceof ClusterError, String(e));
      assert.equal(e.kind, 'timeout');
      assert.match(e.message, /did not answer GET \/api\/v1\/namespaces\/tg-integration\/configmaps\?.*continue=.*no answer within 1\.2 s/);
      assert.ok(Date.now() - started < 5000);
    } finally {
      thaw?.();
    }
    const again = await client.list(CM, { namespace: NS, labelSelector: `${LABEL}=cache`, pageSize: 3 });
    assert.equal(again.items.length, 12);
    assert.equal(again.pages, 4);
  });

  it('server frozen during a watch: the quiet watch is given up, and the cache catches up when it answers', async () => {
    const c = cache(await connect(1000), { idleTimeoutMs: 1500 }).start();
    const errors = errorsOf(c);
    assert.equal(await c.whenSynced(10_000), true);
    await until('watching', () => c.state === 'watching');
    const thaw = freezeApiserver();
    try {
      await until('a timeout while frozen', () => errors.some((e) => e.kind === 'timeout'), 10_000);
    } finally {
      thaw();
    }
    await put('after-freeze');
    await until('the change made after the freeze', () => !!c.get(NS, 'after-freeze'), 15_000);
    assert.equal(c.stats.lists, 1, 'resumed from its resourceVersion, no new list');
    assert.ok(c.stats.watches >= 2);
    assert.deepEqual(cachedNames(c), await names(writer));
  });

  it('server killed in the middle of a list and of a watch, then started again: caches recover and catch up', async () => {
    const watching = cache(await connect()).start();
    assert.equal(await watching.whenSynced(10_000), true);
    await until('watching', () => watching.state === 'watching');
    const watchErrors = errorsOf(watching);

    let pages = 0;
    let stopped: Awaited<ReturnType<typeof killApiserver>> | undefined;
    let killing: Promise<void> | undefined;
    const lister = await connect(3000, (line) => {
      if (/configmaps\?.*limit=2/.test(line) && ++pages === 2) killing = killApiserver().then((s) => { stopped = s; });
    });
    try {
      const e = await lister.list(CM, { namespace: NS, labelSelector: `${LABEL}=cache`, pageSize: 2 }).then(() => undefined, (err: unknown) => err);
      await killing;
      assert.ok(stopped, 'the server was killed after page 2');
      assert.ok(e instanceof ClusterError, String(e));
      assert.ok(e.kind === 'unreachable' || e.kind === 'timeout', `${e.kind}: ${e.message}`);
      await until('the watch noticed', () => watchErrors.some((x) => x.kind === 'unreachable'), 10_000);
      // a cache started while the server is down keeps trying
      const late = cache(await connect()).start();
      const lateErrors = errorsOf(late);
      await until('the late cache failed once', () => lateErrors.length > 0, 10_000);
      assert.equal(lateErrors[0].kind, 'unreachable');
      assert.equal(lateErrors[0].code, 'ECONNREFUSED');
      assert.equal(late.synced, false);

      await stopped.restart();
      stopped = undefined;
      await put('after-restart');
      await writer.delete({ ...CM, namespace: NS, name: 'seed-11' });
      const expected = await names(writer);
      assert.ok(expected.includes('after-restart') && !expected.includes('seed-11'));
      await until('both caches caught up', () => JSON.stringify(cachedNames(watching)) === JSON.stringify(expected) && JSON.stringify(cachedNames(late)) === JSON.stringify(expected), 20_000);
      assert.equal(late.synced, true);
    } finally {
      await killing;
      await stopped?.restart();
    }
  });

  it('410 Gone: a watch resumed from a resourceVersion the server no longer keeps lists again', async () => {
    const said: string[] = [];
    const c = cache(await connect(), { log: (l) => said.push(l) }).start();
    assert.equal(await c.whenSynced(10_000), true);
    await until('watching', () => c.state === 'watching');
    const changes: CacheChange[] = [];
    c.onDidChange((e) => changes.push(e));
    // history moves on where this cache does not look; then a restart starts the server's window after it
    for (let i = 0; i < 3; i++) await put(`elsewhere-${i}`, { v: String(Date.now()) }, OTHER_NS);
    const stopped = await killApiserver();
    await stopped.restart();
    await until('a 410 and a new list', () => c.stats.gone >= 1 && c.stats.lists >= 2, 20_000);
    assert.ok(said.some((l) => /too old resource version: \d+ \(\d+\); listing again/.test(l)), said.join('\n'));
    await until('watching again', () => c.state === 'watching', 10_000);
    assert.ok(changes.some((e) => e.type === 'SYNCED'), 'the new list says so');
    // resourceVersion "1" is long gone on this server as well
    const before = c.stats.gone;
    c.forceResume('1');
    await until('another 410 and list', () => c.stats.gone > before && c.stats.lists >= 3, 10_000);
    await until('watching again', () => c.state === 'watching', 10_000);
    await put('after-gone');
    await until('a change after the new list', () => !!c.get(NS, 'after-gone'), 10_000);
    assert.deepEqual(cachedNames(c), await names(writer));
  });

  it('dispose ends the watch in flight and hears nothing more', async () => {
    const client = await connect();
    const c = cache(client).start();
    assert.equal(await c.whenSynced(10_000), true);
    await until('watching', () => c.state === 'watching');
    assert.equal(client.connection.activeRequests, 1);
    let heard = 0;
    c.onDidChange(() => heard++);
    c.dispose();
    await until('no request in flight', () => client.connection.activeRequests === 0, 5000);
    await put('after-dispose');
    await sleep(500);
    assert.equal(heard, 0);
    assert.equal(c.state, 'disposed');
  });
});
