/**
 * `tanzu-gitops sync` against the real local Supervisor, from real Git repositories: the plan
 * without --yes (nothing sent), --yes, JSON, a blocked plan, a refused resource, prune with
 * --confirm, connection errors, and --argocd-app (the test plays the Argo CD controller).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConnectionSession } from '../../src/cluster/session';
import { main } from '../../src/cli/main';
import { runDiff } from '../../src/cli/diff';
import { runSync } from '../../src/cli/sync';
import { TANZU_TARGET_LABEL } from '../../src/core/reconcile/ownership';
import {
  CM, NS, TEST_MANAGER, TKC, cleanupTemp, commitAll, configMap, deleteTracked, ensureNamespace, getOrUndefined, kubeconfigPath, makeRepo, manifests,
  name, openSession, tkc, write,
} from './sync-fixtures';
import { captured, sleep } from './supervisor';
import { playController } from './argocd-controller';

let admin: ConnectionSession;
const targets: string[] = [];
const cleanup: { group: string; kind: string; namespace: string; name: string }[] = [];

const cli = (...argv: string[]) => captured(runSync, ['--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', ...argv]);

async function diff(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runDiff(['--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', '--namespace', NS, ...argv], (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

function target(label: string): string {
  const t = name(label);
  targets.push(t);
  return t;
}

before(async () => {
  admin = await openSession();
  await ensureNamespace(admin);
});

after(async () => {
  await deleteTracked(admin, targets, [CM, TKC]);
  for (const c of cleanup) await admin.client.delete(c).catch(() => undefined);
  admin.dispose();
  cleanupTemp();
});

describe('tanzu-gitops sync', () => {
  it('without --yes prints the plan and sends nothing (exit 0); with --yes applies (exit 0); again: nothing to do', async () => {
    const t = target('cli');
    const [a, b] = [name('cli-a'), name('cli-b')];
    const { root } = await makeRepo({ 'apps/cms.yaml': manifests(configMap(a, { v: '1' }), configMap(b, { v: '1' }, { annotations: { 'argocd.argoproj.io/sync-wave': '2' } })) });
    const plan = await cli('--target', t, root);
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, new RegExp(`^Sync plan for ${t} to context "local-supervisor-admin" \\(namespace default\\): 2 to create`));
    assert.match(plan.out, /wave 0:\n {2}create {4}ConfigMap\/tg-sync\/tg-sync-.*-cli-a {2}\(apps\/cms\.yaml:1\)\nwave 2:\n {2}create {4}ConfigMap\/tg-sync\/tg-sync-.*-cli-b {2}\(apps\/cms\.yaml:\d+\)/);
    assert.match(plan.err, /Nothing was sent: run again with --yes to sync\./);
    assert.equal(await getOrUndefined(admin, { ...CM, namespace: NS, name: a }), undefined);

    const applied = await cli('--target', t, '--yes', root);
    assert.equal(applied.code, 0, applied.err);
    assert.match(applied.out, new RegExp(`applied {3}ConfigMap/${NS}/${a} \\(apps/cms\\.yaml:1\\): created`));
    assert.match(applied.err, /^wave 0: 1 resource\nwave 2: 1 resource\n2 applied, 0 unchanged, 0 deleted, 0 failed, 0 not done\.\n$/);
    assert.equal((await admin.client.get({ ...CM, namespace: NS, name: a })).metadata?.labels?.[TANZU_TARGET_LABEL], t);

    const again = await cli('--target', t, '--yes', join(root, 'apps'));
    assert.equal(again.code, 0);
    assert.match(again.err, /Nothing to do: everything is in sync\./);
  });

  it('--format json: the plan and the per-resource results; a refused resource exits 1 with its causes', async () => {
    const t = target('cli-json');
    const [ok, bad] = [name('j-ok'), name('j-bad')];
    const { root } = await makeRepo({ 'cms.yaml': manifests(configMap(ok, { v: '1' }), configMap(bad, { 'no spaces allowed': 'x' })) });
    const r = await cli('--target', t, '--yes', '--format', 'json', root);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.out) as { plan: { items: { name: string; action: string; line: number }[]; blocked: boolean }; report: { outcome: string; results: { name: string; outcome: string; status?: number; causes?: { field: string }[] }[] } };
    assert.equal(doc.plan.blocked, false);
    assert.deepEqual(doc.plan.items.map((i) => `${i.name}:${i.action}`).sort(), [`${bad}:create`, `${ok}:create`]);
    assert.equal(doc.report.outcome, 'failed');
    const refused = doc.report.results.find((x) => x.name === bad);
    assert.equal(refused?.outcome, 'failed');
    assert.equal(refused?.status, 422);
    assert.ok(refused?.causes?.length);
    assert.equal(doc.report.results.find((x) => x.name === ok)?.outcome, 'applied');
  });

  it('a plan blocked by a live rule exits 1 and names the rule at file:line; nothing is sent', async () => {
    const t = target('cli-block');
    const cluster = name('cli-tkc');
    await admin.client.apply(tkc(cluster), { fieldManager: TEST_MANAGER });
    cleanup.push({ ...TKC, namespace: NS, name: cluster });
    const { root } = await makeRepo({ 'tkc.yaml': manifests(tkc(cluster, { replicas: 1 })) });
    let r = await cli('--target', t, '--yes', root);
    for (let i = 0; i < 20 && !/control-plane-scale-in/.test(r.out); i++) {
      await sleep(250); // a fresh session's facts list the live cluster
      r = await cli('--target', t, '--yes', root);
    }
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /BLOCKED {3}tkc\.yaml:\d+: control-plane-scale-in: The control plane of the live cluster on local-supervisor-admin has 3 nodes/);
    assert.match(r.err, /blocked: nothing was sent/);
    const live = await admin.client.get({ ...TKC, namespace: NS, name: cluster });
    assert.equal((live.spec as { topology: { controlPlane: { replicas: number } } }).topology.controlPlane.replicas, 3);
  });

  it('--prune deletes what the target tracks; a Namespace-like delete needs --confirm; --prune of a file is refused (exit 2)', async () => {
    const t = target('cli-prune');
    const [keep, gone, careful] = [name('cp-keep'), name('cp-gone'), name('cp-careful')];
    const { root } = await makeRepo({ 'cms.yaml': manifests(configMap(keep, { v: '1' }), configMap(gone, { v: '1' }), configMap(careful, { v: '1' }, { annotations: { 'argocd.argoproj.io/sync-options': 'Delete=confirm' } })) });
    assert.equal((await cli('--target', t, '--yes', root)).code, 0);
    write(root, 'cms.yaml', manifests(configMap(keep, { v: '1' })));
    commitAll(root, 'two gone');

    const unconfirmed = await cli('--target', t, '--yes', '--prune', root);
    assert.equal(unconfirmed.code, 1, 'a delete not done is not success');
    assert.match(unconfirmed.out, new RegExp(`deleted {3}ConfigMap/${NS}/${gone}: deleted`));
    assert.match(unconfirmed.out, new RegExp(`skipped {3}ConfigMap/${NS}/${careful}: kept: the delete needs confirmation \\(Delete=confirm\\)`));
    assert.ok(await getOrUndefined(admin, { ...CM, namespace: NS, name: careful }));
    const confirmed = await cli('--target', t, '--yes', '--prune', '--confirm', careful, root);
    assert.equal(confirmed.code, 0, confirmed.out + confirmed.err);
    assert.equal(await getOrUndefined(admin, { ...CM, namespace: NS, name: careful }), undefined);

    let fileErr = '';
    const file = await runSync(['--kubeconfig', kubeconfigPath, '--prune', join(root, 'cms.yaml')], () => undefined, (s) => { fileErr += s; });
    assert.equal(file, 2);
    assert.match(fileErr, /--prune needs <path> to be a folder/);
  });

  it('diff --target agrees with sync --target: Synced after the sync, the file alone too, and Extra where sync --prune would delete', async () => {
    const t = target('cli-diff');
    const [a, b] = [name('cd-a'), name('cd-b')];
    const { root } = await makeRepo({ 'top.yaml': manifests(configMap(name('cd-top'), { v: '1' })), 'apps/cms.yaml': manifests(configMap(a, { v: '1' }), configMap(b, { v: '1' })) });
    const apps = join(root, 'apps');
    const synced = await cli('--target', t, '--yes', apps);
    assert.equal(synced.code, 0, synced.err);

    // without --target the folder is compared under the repository's tracking, which sync did not write
    const untargeted = await diff(apps);
    assert.equal(untargeted.code, 1, untargeted.err);
    assert.match(untargeted.err, /2 resources compared .*: 2 OutOfSync, 0 Missing, 0 Extra, 0 Unknown, 0 Synced/);

    const folder = await diff('--target', t, apps);
    assert.equal(folder.code, 0, folder.out + folder.err);
    assert.equal(folder.out, '');
    assert.match(folder.err, /2 resources compared .*: 0 OutOfSync, 0 Missing, 0 Extra, 0 Unknown, 2 Synced/);
    const file = await diff(`--target=${t}`, '--format', 'json', join(apps, 'cms.yaml'));
    assert.equal(file.code, 0, file.err);
    assert.deepEqual((JSON.parse(file.out) as { name: string; status: string }[]).map((r) => `${r.name}:${r.status}`).sort(), [`${a}:Synced`, `${b}:Synced`]);

    write(root, 'apps/cms.yaml', manifests(configMap(a, { v: '1' })));
    const extra = await diff('--target', t, '--format', 'json', apps);
    assert.equal(extra.code, 1, extra.err);
    assert.deepEqual((JSON.parse(extra.out) as { name: string; status: string }[]).map((r) => `${r.name}:${r.status}`).sort(), [`${a}:Synced`, `${b}:Extra`]);
    const plan = await cli('--target', t, '--prune', '--format', 'json', apps);
    assert.equal(plan.code, 0, plan.err);
    assert.deepEqual((JSON.parse(plan.out) as { plan: { items: { name: string; action: string }[] } }).plan.items.map((i) => `${i.name}:${i.action}`).sort(), [`${a}:unchanged`, `${b}:delete`]);
  });

  it('usage errors and an unreachable Supervisor exit 2; main dispatches sync', async () => {
    const usage = await cli('--bogus', '.');
    assert.equal(usage.code, 2);
    assert.match(usage.err, /unknown option --bogus/);
    assert.equal((await cli('--timeout', 'soon', '.')).code, 2);
    const { root } = await makeRepo({ 'a.yaml': manifests(configMap(name('dead'), { v: '1' })) });
    const dead = join(root, 'dead-kubeconfig');
    writeFileSync(dead, readFileSync(kubeconfigPath, 'utf8').replace(/server: "?https:\/\/127\.0\.0\.1:\d+"?/g, 'server: "https://127.0.0.1:9"'), { mode: 0o600 });
    let err = '';
    const code = await runSync(['--kubeconfig', dead, '--context', 'local-supervisor-admin', '--yes', root], () => undefined, (s) => { err += s; });
    assert.equal(code, 2, err);
    assert.match(err, /refused the connection|ECONNREFUSED/);
    const notGit = await cli('/');
    assert.equal(notGit.code, 2);
    assert.match(notGit.err, /not inside a Git working tree/);
    const origWrite = process.stdout.write.bind(process.stdout);
    let helpText = '';
    process.stdout.write = ((s: string) => { helpText += s; return true; }) as typeof process.stdout.write;
    try {
      assert.equal(await main(['sync', '--help']), 0);
    } finally {
      process.stdout.write = origWrite;
    }
    assert.match(helpText, /^Usage: tanzu-gitops sync /);
  });
});

describe('tanzu-gitops sync --argocd-app', () => {
  it('without --yes says what it would request; with --yes sets .operation and follows it (the test plays the controller)', async () => {
    const app = name('cli-app');
    await admin.client.apply({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: app, namespace: 'argocd' },
      spec: { project: 'default', source: { repoURL: 'https://git.example.com/c.git', path: '.', targetRevision: 'release-1' }, destination: { server: 'https://kubernetes.default.svc', namespace: NS } },
    }, { fieldManager: TEST_MANAGER });
    cleanup.push({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: app });
    const path = `/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/${app}`;
    const patch = (body: unknown) => admin.client.connection.request({ method: 'PATCH', path, body: JSON.stringify(body), contentType: 'application/merge-patch+json' });

    const { root } = await makeRepo({ 'one.yaml': manifests(tkc('selected')) });
    const dry = await cli('--argocd-app', app, join(root, 'one.yaml'));
    assert.equal(dry.code, 0);
    assert.match(dry.out, new RegExp(`Argo CD Application argocd/${app} on context "local-supervisor-admin": would request a sync of revision release-1, of 1 selected resource:\\n {2}TanzuKubernetesCluster.run.tanzu.vmware.com ${NS}/selected`));
    assert.equal((await admin.client.get({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: app })).operation, undefined);

    // the test plays the controller (argocd-controller.ts): take up the operation, finish it, clear it
    const controller = playController(admin.client, { name: app, namespace: 'argocd' }, () => ({
      phase: 'Succeeded', runMs: 1200, revision: 'abcdef1234567890',
      resources: [{ group: 'run.tanzu.vmware.com', version: 'v1alpha2', kind: 'TanzuKubernetesCluster', namespace: NS, name: 'selected', status: 'Synced', message: 'configured' }],
    }));
    try {
      const r = await cli('--argocd-app', app, '--yes', '--prune', '--timeout', '20s', join(root, 'one.yaml'));
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^Operation: Succeeded, started .*, revision abcdef1234567890\nSynced {7}TanzuKubernetesCluster.run.tanzu.vmware.com\/tg-sync\/selected: configured\n$/);
      assert.match(r.err, /Argo CD: Running/);
      assert.match(r.err, /Argo CD synced argocd\/.* to abcdef123456: successfully synced/);
      const state = ((await admin.client.get({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: app })).status as { operationState: { operation: { sync: unknown } } }).operationState;
      assert.deepEqual(state.operation.sync, { revision: 'release-1', prune: true, dryRun: false, resources: [{ group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', name: 'selected', namespace: NS }] });
    } finally {
      await controller.stop();
    }

    await patch({ operation: { initiatedBy: { username: 'carol' }, sync: { revision: 'release-1' } } });
    const busy = await cli('--argocd-app', app, '--yes', '--format', 'json', root);
    assert.equal(busy.code, 1);
    const doc = JSON.parse(busy.out) as { outcome: string; other: { initiatedBy: string } };
    assert.equal(doc.outcome, 'busy');
    assert.equal(doc.other.initiatedBy, 'carol');
  });
});
