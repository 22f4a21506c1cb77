/**
 * What prune deletes, against the real local Supervisor and real Git repositories: never the
 * objects of a file that could not be read (a link leaving the repository, a file over 5 MB, a
 * syntax error), always those of a kind that left Git (a cluster only with its typed
 * confirmation), a delete answered 404 counted as done; links inside the repository followed by
 * sync, diff and validate alike. One target per path: a folder's prune deletes what that folder's
 * sync applied only, objects of earlier builds belong to the whole repository, Argo CD's to it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConnectionSession } from '../../src/cluster/session';
import { runDiff } from '../../src/cli/diff';
import { runValidate } from '../../src/cli/main';
import { runSync } from '../../src/cli/sync';
import { objectToApply, TANZU_PATH_ANNOTATION, TANZU_TARGET_LABEL } from '../../src/core/reconcile/ownership';
import { workspaceOwner } from '../../src/drift/targets';
import { executePlan, prepareSync } from '../../src/sync';
import {
  CM, NS, RUN, TKC, cleanupTemp, commitAll, configMap, deleteTracked, ensureNamespace, getOrUndefined, git, kubeconfigPath, makeRepo, manifests, name,
  openSession, remove, targetOf, tkc, write,
} from './sync-fixtures';

let admin: ConnectionSession;
const targets: string[] = [];

type Run = { code: number; out: string; err: string };

async function run(fn: typeof runSync, argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await fn(argv, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

const sync = (...argv: string[]) => run(runSync, ['--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', ...argv]);
const diff = (...argv: string[]) => run(runDiff, ['--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', ...argv]);

function target(label: string): string {
  const t = name(label);
  targets.push(t);
  return t;
}

const outside = join(__dirname, `prune-outside-${process.pid}`);

before(async () => {
  admin = await openSession();
  await ensureNamespace(admin);
  mkdirSync(outside, { recursive: true });
});

after(async () => {
  await deleteTracked(admin, targets, [CM, TKC]);
  admin.dispose();
  rmSync(outside, { recursive: true, force: true });
  cleanupTemp();
});

describe('prune only what was read', () => {
  it('a manifest turned into a link that leaves the repository, or grown over 5 MB: the plan is blocked (exit 1), names the file and why, and nothing is pruned', async () => {
    const t = target('unread');
    const [a, b] = [name('ur-a'), name('ur-b')];
    const { root } = await makeRepo({ 'a.yaml': manifests(configMap(a, { v: '1' })), 'b.yaml': manifests(configMap(b, { v: '1' })) });
    assert.equal((await sync('--target', t, '--yes', root)).code, 0);

    // b.yaml now a link to a file outside the repository (kubectl would read it; we do not)
    writeFileSync(join(outside, 'b.yaml'), manifests(configMap(b, { v: '1' })));
    remove(root, 'b.yaml');
    symlinkSync(join(outside, 'b.yaml'), join(root, 'b.yaml'));
    commitAll(root, 'b is a link');
    const linked = await sync('--target', t, '--yes', '--prune', root);
    assert.equal(linked.code, 1, linked.out + linked.err);
    assert.match(linked.out, /b\.yaml: could not be read: symbolic link to .*outside the repository .*not followed.*nothing is synced or pruned/);
    assert.match(linked.err, /blocked: nothing was sent/);
    assert.ok(await getOrUndefined(admin, { ...CM, namespace: NS, name: b }), 'not pruned');
    const linkedDiff = await diff('--target', t, '--format', 'json', root);
    assert.equal(linkedDiff.code, 2, linkedDiff.err);
    const records = JSON.parse(linkedDiff.out) as { file?: string; name?: string; status: string; reason?: string }[];
    assert.deepEqual(records.find((r) => r.file === 'b.yaml')?.status, 'Unknown');
    assert.equal(records.find((r) => r.name === b)?.status, 'Unknown', 'never Extra');
    assert.ok(!records.some((r) => r.status === 'Extra'));

    // b.yaml over 5 MB
    remove(root, 'b.yaml');
    write(root, 'b.yaml', `${manifests(configMap(b, { v: '1' }))}# ${'x'.repeat(5 * 1024 * 1024)}\n`);
    commitAll(root, 'b is large');
    const large = await sync('--target', t, '--yes', '--prune', '--format', 'json', root);
    assert.equal(large.code, 1, large.err);
    const plan = (JSON.parse(large.out) as { plan: { blocked: boolean; blockers: { code: string; file?: string; message: string }[]; items: { action: string }[] } }).plan;
    assert.equal(plan.blocked, true);
    assert.deepEqual(plan.blockers.map((x) => `${x.code} ${x.file}`), ['unread b.yaml']);
    assert.match(plan.blockers[0].message, /larger than 5 MB/);
    assert.ok(!plan.items.some((i) => i.action === 'delete'));
    assert.ok(await getOrUndefined(admin, { ...CM, namespace: NS, name: b }), 'not pruned');
  });

  it('diff exits 2 on a YAML syntax error and lists the file (text and JSON); sync --prune deletes nothing', async () => {
    const t = target('syntax');
    const [a, b] = [name('sx-a'), name('sx-b')];
    const { root } = await makeRepo({ 'a.yaml': manifests(configMap(a, { v: '1' })), 'b.yaml': manifests(configMap(b, { v: '1' })) });
    assert.equal((await sync('--target', t, '--yes', root)).code, 0);
    write(root, 'b.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${b}, namespace: ${NS}\ndata:\n  v: "2"\n`);
    const text = await diff('--target', t, root);
    assert.equal(text.code, 2, text.err);
    assert.match(text.err, /could not be read: b\.yaml: line 1: /);
    assert.match(text.err, /could not be read\n?$|1 file could not be read/);
    const json = await diff('--target', t, '--format', 'json', root);
    assert.equal(json.code, 2);
    const records = JSON.parse(json.out) as { file?: string; name?: string; status: string; reason?: string }[];
    assert.match(records.find((r) => r.file === 'b.yaml')?.reason ?? '', /^could not be read: line 1: /);
    assert.equal(records.find((r) => r.name === b)?.status, 'Unknown');
    const pruned = await sync('--target', t, '--yes', '--prune', root);
    assert.equal(pruned.code, 1);
    assert.match(pruned.out, /yaml-syntax/);
    assert.ok(await getOrUndefined(admin, { ...CM, namespace: NS, name: b }));
  });

  it('links inside the repository are followed by sync, diff and validate alike (files and folders); validate refuses a link that leaves the repository (exit 2)', async () => {
    const t = target('links');
    const [own, shared, deep] = [name('ln-own'), name('ln-shared'), name('ln-deep')];
    const { root } = await makeRepo({
      'apps/own.yaml': manifests(configMap(own, { v: '1' })),
      'common/shared.yaml': manifests(configMap(shared, { v: '1' })),
      'common/more/deep.yaml': manifests(configMap(deep, { v: '1' })),
    });
    symlinkSync('../common/shared.yaml', join(root, 'apps/shared.yaml'));
    symlinkSync('../common/more', join(root, 'apps/more'));
    commitAll(root, 'links');
    const apps = join(root, 'apps');
    const synced = await sync('--target', t, '--yes', apps);
    assert.equal(synced.code, 0, synced.out + synced.err);
    for (const n of [own, shared, deep]) assert.equal((await admin.client.get({ ...CM, namespace: NS, name: n })).metadata?.labels?.[TANZU_TARGET_LABEL], t, n);
    const same = await diff('--target', t, apps);
    assert.equal(same.code, 0, same.out + same.err);
    assert.match(same.err, /3 resources compared .*3 Synced/);

    const checked = await run(runValidate, [apps]);
    assert.equal(checked.code, 0, checked.err);
    assert.match(checked.err, /^3 files checked: 0 errors/m);
    writeFileSync(join(outside, 'away.yaml'), manifests(configMap('away', { v: '1' })));
    symlinkSync(join(outside, 'away.yaml'), join(apps, 'away.yaml'));
    const refused = await run(runValidate, [apps]);
    assert.equal(refused.code, 2, refused.err);
    assert.match(refused.err, /cannot read .*apps\/away\.yaml: symbolic link to .*outside the repository.*not followed/);
  });
});

describe('prune sees every kind the target applied', () => {
  it('a ConfigMap kind and a TanzuKubernetesCluster that left Git are Extra in diff and pruned by sync --prune, the cluster only with --confirm', async () => {
    const t = target('dropped');
    const [keep, cm, cluster] = [name('dk-keep'), name('dk-cm'), name('dk-tkc')];
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: keep, namespace: NS }, stringData: { k: 'not-a-secret-value' } };
    const { root } = await makeRepo({ 'keep.yaml': manifests(secret), 'cm.yaml': manifests(configMap(cm, { v: '1' })), 'tkc.yaml': manifests(tkc(cluster)) });
    const first = await sync('--target', t, '--yes', root);
    assert.equal(first.code, 0, first.out + first.err);
    remove(root, 'cm.yaml');
    remove(root, 'tkc.yaml');
    commitAll(root, 'the ConfigMap and the cluster leave Git');

    const extra = await diff('--target', t, '--format', 'json', root);
    assert.equal(extra.code, 1, extra.err);
    const statuses = (JSON.parse(extra.out) as { kind: string; name: string; status: string }[]).map((r) => `${r.kind}/${r.name}:${r.status}`).sort();
    assert.deepEqual(statuses, [`ConfigMap/${cm}:Extra`, `Secret/${keep}:Synced`, `TanzuKubernetesCluster/${cluster}:Extra`]);

    const unconfirmed = await sync('--target', t, '--yes', '--prune', root);
    assert.equal(unconfirmed.code, 1, 'the cluster delete was not confirmed');
    assert.match(unconfirmed.out, new RegExp(`deleted {3}ConfigMap/${NS}/${cm}: deleted`));
    assert.match(unconfirmed.out, new RegExp(`skipped {3}TanzuKubernetesCluster\\.run\\.tanzu\\.vmware\\.com/${NS}/${cluster}: kept: deleting TanzuKubernetesCluster ${cluster} deletes a cluster`));
    assert.equal(await getOrUndefined(admin, { ...CM, namespace: NS, name: cm }), undefined);
    assert.ok(await getOrUndefined(admin, { ...TKC, namespace: NS, name: cluster }));

    const confirmed = await sync('--target', t, '--yes', '--prune', '--confirm', cluster, root);
    assert.equal(confirmed.code, 0, confirmed.out + confirmed.err);
    assert.equal(await getOrUndefined(admin, { ...TKC, namespace: NS, name: cluster }), undefined);
    assert.ok(await getOrUndefined(admin, { group: '', kind: 'Secret', namespace: NS, name: keep }));
    await admin.client.delete({ group: '', kind: 'Secret', namespace: NS, name: keep });
  });
});

describe('a delete answered 404 is done', () => {
  it('an object deleted by someone else between the plan\'s check and the delete: deleted (already gone), the sync succeeds', async () => {
    const t = target('gone');
    const [a, b] = [name('g-a'), name('g-b')];
    const { root, repo } = await makeRepo({ 'a.yaml': manifests(configMap(a, { v: '1' }), configMap(b, { v: '1' })) });
    assert.equal((await sync('--target', t, '--yes', root)).code, 0);
    write(root, 'a.yaml', manifests(configMap(a, { v: '1' })));
    commitAll(root, 'b leaves');
    const session = await openSession();
    try {
      const prepared = await prepareSync(session, repo, targetOf(t), { prune: true });
      assert.deepEqual(prepared.plan.items.filter((i) => i.action === 'delete').map((i) => i.name), [b]);
      // the executor reads the object, then another prune deletes it before this one's delete
      const client = Object.create(session.client) as typeof session.client;
      client.get = async (ref, options) => {
        const got = await session.client.get(ref, options);
        if (ref.name === b) await admin.client.delete({ ...CM, namespace: NS, name: b });
        return got;
      };
      const report = await executePlan({ client, context: session.context }, prepared.plan, {});
      assert.equal(report.outcome, 'succeeded', report.message);
      const result = report.results.find((r) => r.name === b);
      assert.deepEqual([result?.outcome, result?.message], ['deleted', 'already gone']);
      assert.equal(report.counts.failed, 0);
    } finally {
      session.dispose();
    }
  });

  it('two prunes at once both succeed', async () => {
    const t = target('race');
    const names = [name('r-keep'), ...Array.from({ length: 6 }, (_, i) => name(`r-${i}`))];
    const { root } = await makeRepo({ 'a.yaml': manifests(...names.map((n) => configMap(n, { v: '1' }))) });
    assert.equal((await sync('--target', t, '--yes', root)).code, 0);
    write(root, 'a.yaml', manifests(configMap(names[0], { v: '1' })));
    commitAll(root, 'six leave');
    const [one, two] = await Promise.all([sync('--target', t, '--yes', '--prune', root), sync('--target', t, '--yes', '--prune', root)]);
    assert.deepEqual([one.code, two.code], [0, 0], one.out + one.err + two.out + two.err);
    for (const n of names.slice(1)) assert.equal(await getOrUndefined(admin, { ...CM, namespace: NS, name: n }), undefined, n);
  });
});

describe('one target per path', () => {
  const cleanup: string[] = [];
  after(async () => {
    for (const n of cleanup) await admin.client.delete({ ...CM, namespace: NS, name: n }).catch(() => undefined);
  });

  /** A repository with a remote of its own: its owner (the tracking label) is no other test's. */
  async function repoWith(files: Record<string, string>): Promise<{ root: string; owner: string }> {
    const made = await makeRepo(files);
    git(made.root, 'remote', 'add', 'origin', `https://git.example.com/prune-${RUN}-${++repos}.git`);
    return { root: made.root, owner: await workspaceOwner(made.repo) };
  }
  let repos = 0;
  const pathOf = (o: { metadata?: unknown }) => ((o.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {})[TANZU_PATH_ANNOTATION];

  it('sync --prune <folder> prunes what that folder\'s sync applied and nothing of another folder\'s, nor of the whole repository\'s', async () => {
    const [a, b, c] = [name('tp-a'), name('tp-b'), name('tp-c')];
    cleanup.push(a, b, c);
    const { root } = await repoWith({ 'apps/cms.yaml': manifests(configMap(a, { v: '1' }), configMap(b, { v: '1' })), 'clusters/cms.yaml': manifests(configMap(c, { v: '1' })) });
    for (const folder of ['apps', 'clusters']) {
      const r = await sync('--yes', join(root, folder));
      assert.equal(r.code, 0, r.out + r.err);
    }
    assert.equal(pathOf(await admin.client.get({ ...CM, namespace: NS, name: b })), 'apps');
    assert.equal(pathOf(await admin.client.get({ ...CM, namespace: NS, name: c })), 'clusters');

    // b and c leave Git: each folder's prune deletes its own only; the whole repository's, neither
    write(root, 'apps/cms.yaml', manifests(configMap(a, { v: '1' })));
    write(root, 'clusters/cms.yaml', manifests(configMap(name('tp-c2'), { v: '1' })));
    cleanup.push(name('tp-c2'));
    commitAll(root, 'b and c leave');
    const whole = await sync('--prune', '--format', 'json', root);
    assert.equal(whole.code, 0, whole.err);
    assert.ok(!(JSON.parse(whole.out) as { plan: { items: { action: string }[] } }).plan.items.some((i) => i.action === 'delete'), 'the whole repository prunes nothing of its folders\' targets');
    const apps = await sync('--yes', '--prune', join(root, 'apps'));
    assert.equal(apps.code, 0, apps.out + apps.err);
    assert.match(apps.out, new RegExp(`deleted {3}ConfigMap/${NS}/${b}: deleted`));
    assert.ok(!apps.out.includes(c), 'clusters/ is another target');
    assert.ok(await getOrUndefined(admin, { ...CM, namespace: NS, name: c }));
    const clusters = await sync('--yes', '--prune', join(root, 'clusters'));
    assert.equal(clusters.code, 0, clusters.out + clusters.err);
    assert.equal(await getOrUndefined(admin, { ...CM, namespace: NS, name: c }), undefined);
    assert.ok(await getOrUndefined(admin, { ...CM, namespace: NS, name: a }));
  });

  it('objects of earlier builds (tracked per repository, no path) are Synced where their file is, adopted by the next sync; not in Git, only the whole repository prunes them; Argo CD\'s objects never', async () => {
    const [held, orphan, argo] = [name('eb-held'), name('eb-orphan'), name('eb-argo')];
    cleanup.push(held, orphan, argo);
    const { root, owner } = await repoWith({ 'apps/held.yaml': manifests(configMap(held, { v: '1' })), 'README.md': 'x' });
    // as earlier builds left them: this tool's field manager, label and tracking id, no path
    const earlier = (n: string) => {
      const obj = configMap(n, { v: '1' });
      const id = { group: '', kind: 'ConfigMap', namespace: NS, name: n };
      return objectToApply(obj, id, { kind: 'tanzu-gitops', target: owner });
    };
    await admin.client.apply(earlier(held) as never, { fieldManager: 'tanzu-gitops' });
    await admin.client.apply(earlier(orphan) as never, { fieldManager: 'tanzu-gitops' });
    // adopted by Argo CD: its instance label beside this tool's tracking, applied by its controller
    const adopted = earlier(argo);
    (adopted.metadata as { labels: Record<string, string> }).labels['app.kubernetes.io/instance'] = 'platform';
    await admin.client.apply(adopted as never, { fieldManager: 'argocd-controller' });

    const seen = await diff('--format', 'json', join(root, 'apps'));
    assert.equal(seen.code, 0, seen.out + seen.err);
    const records = JSON.parse(seen.out) as { name: string; status: string; tracked?: boolean }[];
    assert.deepEqual(records.map((r) => `${r.name}:${r.status}:${r.tracked}`), [`${held}:Synced:false`], 'no drift, not orphaned, no Extra in a folder');

    const folderPrune = await sync('--yes', '--prune', join(root, 'apps'));
    assert.equal(folderPrune.code, 0, folderPrune.out + folderPrune.err);
    assert.equal(pathOf(await admin.client.get({ ...CM, namespace: NS, name: held })), 'apps', 'adopted by its folder');
    assert.ok(await getOrUndefined(admin, { ...CM, namespace: NS, name: orphan }), 'a folder does not prune what the repository applied');

    const wholePrune = await sync('--yes', '--prune', root);
    assert.equal(wholePrune.code, 0, wholePrune.out + wholePrune.err);
    assert.equal(await getOrUndefined(admin, { ...CM, namespace: NS, name: orphan }), undefined, 'the whole repository prunes it');
    assert.ok(await getOrUndefined(admin, { ...CM, namespace: NS, name: argo }), 'Argo CD\'s is never pruned');
    assert.ok(await getOrUndefined(admin, { ...CM, namespace: NS, name: held }), 'apps/ is its own target');
  });
});
