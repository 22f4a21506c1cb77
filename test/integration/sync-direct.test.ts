/**
 * Direct sync against the real local Supervisor, from real Git repositories: create, update,
 * unchanged, conflicts and force, waves (a 422 in a wave stops the later ones), prune (tracked
 * objects only, Prune=false), the live rules blocking a plan, and the restricted user dev.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConnectionSession } from '../../src/cluster/session';
import { TANZU_TARGET_LABEL, TANZU_TRACKING_ANNOTATION } from '../../src/core/reconcile/ownership';
import { executePlan, prepareSync, resultFindings } from '../../src/sync';
import {
  CM, NS, RUN, TEST_MANAGER, TKC, cleanupTemp, commitAll, configMap, deleteTracked, ensureNamespace, getOrUndefined, makeRepo,
  manifests, name, openSession, remove, targetOf, tkc, write,
} from './sync-fixtures';
import { lineOf } from '../unit/builders';
import { until } from './supervisor';

let admin: ConnectionSession;
const targets: string[] = [];
const extraCleanup: { ref: { group: string; kind: string; version?: string; namespace?: string; name: string } }[] = [];

function target(label: string, path = '') {
  const t = targetOf(name(label), path);
  targets.push(t.name);
  return t;
}

const outcomes = (r: { results: readonly { name: string; outcome: string }[] }) => Object.fromEntries(r.results.map((x) => [x.name, x.outcome]));
const actions = (p: { items: readonly { name: string; action: string }[] }) => Object.fromEntries(p.items.map((x) => [x.name, x.action]));

before(async () => {
  admin = await openSession();
  await ensureNamespace(admin);
});

after(async () => {
  await deleteTracked(admin, targets, [CM, TKC]);
  await deleteTracked(admin, targets, [CM], ['team-a']);
  for (const { ref } of extraCleanup) await admin.client.delete(ref).catch(() => undefined);
  admin.dispose();
  cleanupTemp();
});

describe('direct sync, as admin', () => {
  it('create, then update, then unchanged: server-side apply by tanzu-gitops with the tracking label and annotation', async () => {
    const t = target('basic');
    const [a, b] = [name('basic-a'), name('basic-b')];
    const { root, repo } = await makeRepo({ 'cms.yaml': manifests(configMap(a, { k: '1' }), configMap(b, { k: '1' })) });
    const first = await prepareSync(admin, repo, t);
    assert.equal(first.plan.blocked, false, JSON.stringify(first.plan.blockers));
    assert.deepEqual(actions(first.plan), { [a]: 'create', [b]: 'create' });
    const created = await executePlan(admin, first.plan);
    assert.equal(created.outcome, 'succeeded', created.message);
    assert.deepEqual(outcomes(created), { [a]: 'applied', [b]: 'applied' });
    const live = await admin.client.get({ ...CM, namespace: NS, name: a });
    assert.equal(live.metadata?.labels?.[TANZU_TARGET_LABEL], t.name);
    assert.equal((live.metadata?.annotations as Record<string, string>)[TANZU_TRACKING_ANNOTATION], `${t.name}:/ConfigMap:${NS}/${a}`);
    const managers = (live.metadata?.managedFields as { manager: string; operation: string }[]).map((m) => `${m.manager}/${m.operation}`);
    assert.deepEqual(managers, ['tanzu-gitops/Apply']);

    write(root, 'cms.yaml', manifests(configMap(a, { k: '2' }), configMap(b, { k: '1' })));
    commitAll(root, 'change a');
    const second = await prepareSync(admin, repo, t);
    assert.deepEqual(actions(second.plan), { [a]: 'update', [b]: 'unchanged' });
    assert.deepEqual(second.plan.items.find((i) => i.name === a)?.diff?.changedPaths, ['data.k']);
    const updated = await executePlan(admin, second.plan);
    assert.deepEqual(outcomes(updated), { [a]: 'applied', [b]: 'unchanged' });
    assert.deepEqual((await admin.client.get({ ...CM, namespace: NS, name: a })).data, { k: '2' });

    const third = await prepareSync(admin, repo, t);
    assert.equal(third.plan.empty, true);
    assert.deepEqual(actions(third.plan), { [a]: 'unchanged', [b]: 'unchanged' });
  });

  it('a field another manager owns: the conflict names the field and the manager, nothing is forced; with force it is taken over', async () => {
    const t = target('conflict');
    const c = name('contested');
    await admin.client.apply(configMap(c, { mine: 'x', theirs: 'from-other-tool' }, { labels: { [TANZU_TARGET_LABEL]: t.name } }), { fieldManager: 'other-tool' });
    extraCleanup.push({ ref: { ...CM, namespace: NS, name: c } });
    const { repo } = await makeRepo({ 'c.yaml': manifests(configMap(c, { mine: 'x', theirs: 'from-git' })) });
    const foreseen = await prepareSync(admin, repo, t);
    assert.deepEqual(actions(foreseen.plan), { [c]: 'conflict' });
    assert.equal(foreseen.plan.blocked, true);
    assert.deepEqual(foreseen.plan.items[0].conflicts, [{ field: '.data.theirs', manager: 'other-tool' }]);
    assert.equal((await executePlan(admin, foreseen.plan)).outcome, 'blocked');
    // planned with force (an update), executed without: the executor meets the conflict and does not force it
    const prepared = await prepareSync(admin, repo, t, { forceConflicts: true });
    assert.deepEqual(actions(prepared.plan), { [c]: 'update' });
    const refused = await executePlan(admin, prepared.plan);
    assert.equal(refused.outcome, 'failed');
    const [r] = refused.results;
    assert.equal(r.outcome, 'failed');
    assert.equal(r.status, 409);
    assert.ok(r.conflicts?.some((x) => x.field === '.data.theirs' && x.manager === 'other-tool'), JSON.stringify(r.conflicts));
    assert.match(r.message, /\.data\.theirs \(owned by "other-tool"\)/);
    assert.equal(((await admin.client.get({ ...CM, namespace: NS, name: c })).data as Record<string, string>).theirs, 'from-other-tool', 'nothing was forced');
    const findings = resultFindings(r, manifests(configMap(c, { mine: 'x', theirs: 'from-git' })));
    assert.ok(findings.some((f) => /owned by the field manager "other-tool"/.test(f.message)));

    const forced = await executePlan(admin, prepared.plan, { forceConflicts: true });
    assert.equal(forced.outcome, 'succeeded', forced.message);
    const live = await admin.client.get({ ...CM, namespace: NS, name: c });
    assert.equal((live.data as Record<string, string>).theirs, 'from-git');
    const owners = (live.metadata?.managedFields as { manager: string; fieldsV1: { 'f:data'?: Record<string, unknown> } }[])
      .filter((m) => m.fieldsV1['f:data']?.['f:theirs']).map((m) => m.manager);
    assert.deepEqual(owners, ['tanzu-gitops']);
  });

  it('waves: a wave-0 object the server refuses (422, with its causes) fails its wave; wave 1 is not started', async () => {
    const t = target('waves');
    const [early, bad, okSame, late] = [name('w-early'), name('w-bad'), name('w-ok'), name('w-late')];
    const text = manifests(
      configMap(early, { v: '1' }, { annotations: { 'argocd.argoproj.io/sync-wave': '-1' } }),
      configMap(bad, { 'not a valid key!': 'x' }),
      configMap(okSame, { v: '1' }),
      configMap(late, { v: '1' }, { annotations: { 'argocd.argoproj.io/sync-wave': '1' } }),
    );
    const { repo } = await makeRepo({ 'waves.yaml': text });
    const { plan } = await prepareSync(admin, repo, t);
    assert.deepEqual(plan.waves.map((w) => w.label), ['wave -1', 'wave 0', 'wave 1']);
    assert.match(plan.items.find((i) => i.name === bad)?.note ?? '', /dry-run refused it/);
    const progress: string[] = [];
    const report = await executePlan(admin, plan, { onProgress: (p) => { if (p.type === 'wave') progress.push(p.wave.label); } });
    assert.equal(report.outcome, 'failed');
    assert.deepEqual(progress, ['wave -1', 'wave 0'], 'wave 1 never started');
    assert.deepEqual(outcomes(report), { [early]: 'applied', [bad]: 'failed', [okSame]: 'applied', [late]: 'skipped' });
    const failed = report.results.find((r) => r.name === bad);
    assert.equal(failed?.status, 422);
    assert.ok(failed?.causes?.length, 'the causes are kept');
    const [finding] = resultFindings(failed as NonNullable<typeof failed>, text);
    assert.equal(finding.range.start.line, lineOf(text, 'data:', lineOf(text, bad)) + 1, 'at the refused key');
    assert.equal(await getOrUndefined(admin, { ...CM, namespace: NS, name: late }), undefined, 'the later wave sent nothing');
    assert.match(report.message, /wave 0 failed, so the waves after it were not started/);
  });

  it('prune deletes only objects the target tracks, after the applies; Prune=false is honoured; untracked objects are never deleted', async () => {
    const t = target('prune');
    const [keep, gone, noPrune, stranger, otherTarget] = [name('p-keep'), name('p-gone'), name('p-noprune'), name('p-stranger'), name('p-other')];
    const { root, repo } = await makeRepo({
      'a.yaml': manifests(configMap(keep, { v: '1' }), configMap(gone, { v: '1' }), configMap(noPrune, { v: '1' }, { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false' } })),
    });
    const first = await prepareSync(admin, repo, t, { prune: true });
    assert.equal((await executePlan(admin, first.plan)).outcome, 'succeeded');
    // objects the target does not own, in the same namespace
    await admin.client.apply(configMap(stranger, { v: '1' }), { fieldManager: TEST_MANAGER });
    await admin.client.apply(configMap(otherTarget, { v: '1' }, { labels: { [TANZU_TARGET_LABEL]: name('someone-else') } }), { fieldManager: 'tanzu-gitops' });
    extraCleanup.push({ ref: { ...CM, namespace: NS, name: stranger } }, { ref: { ...CM, namespace: NS, name: otherTarget } });

    write(root, 'a.yaml', manifests(configMap(keep, { v: '2' })));
    commitAll(root, 'remove two');
    const without = await prepareSync(admin, repo, t);
    assert.equal(without.plan.counts.delete, 0, 'no prune without asking');
    assert.deepEqual(without.plan.kept.map((k) => k.name).sort(), [gone, noPrune].sort());

    const { plan } = await prepareSync(admin, repo, t, { prune: true });
    assert.deepEqual(actions(plan), { [keep]: 'update', [gone]: 'delete' });
    assert.deepEqual(plan.kept.map((k) => `${k.name}: ${k.reason}`), [`${noPrune}: argocd.argoproj.io/sync-options: Prune=false`]);
    assert.equal(plan.items[plan.items.length - 1].action, 'delete', 'deletes last');
    const report = await executePlan(admin, plan);
    assert.equal(report.outcome, 'succeeded', report.message);
    assert.deepEqual(outcomes(report), { [keep]: 'applied', [gone]: 'deleted' });
    assert.equal(await getOrUndefined(admin, { ...CM, namespace: NS, name: gone }), undefined);
    for (const n of [noPrune, stranger, otherTarget, keep]) assert.ok(await getOrUndefined(admin, { ...CM, namespace: NS, name: n }), `${n} is still there`);
  });

  it('a live rule blocks the plan before anything is sent: scale-in 3 -> 1 and an immutable service CIDR of a live TKC', async () => {
    const t = target('guard');
    const cluster = name('guarded');
    const other = name('guard-cm');
    await admin.client.apply(tkc(cluster), { fieldManager: TEST_MANAGER });
    extraCleanup.push({ ref: { ...TKC, namespace: NS, name: cluster } });
    const facts = admin.facts({ namespaces: [NS] });
    await until('the facts know the live cluster', () => !!facts.current().liveObject(TKC.group, TKC.kind, NS, cluster), 15_000);

    const text = manifests(configMap(other, { v: '1' }), tkc(cluster, { replicas: 1, services: '10.100.0.0/16' }));
    const { repo } = await makeRepo({ 'clusters/c.yaml': text });
    const { plan } = await prepareSync(admin, repo, t);
    assert.equal(plan.blocked, true);
    const codes = plan.blockers.map((b) => `${b.code} ${b.file}:${(b.line ?? 0) + 1}`).sort();
    assert.deepEqual(codes, [
      // the live cluster's fields are another manager's: a conflict too
      `conflict clusters/c.yaml:${lineOf(text, 'apiVersion: run.tanzu.vmware.com') + 1}`,
      `control-plane-scale-in clusters/c.yaml:${lineOf(text, 'replicas: 1') + 1}`,
      `immutable-field clusters/c.yaml:${lineOf(text, 'cidrBlocks', lineOf(text, 'services:')) + 1}`,
    ]);
    const report = await executePlan(admin, plan);
    assert.equal(report.outcome, 'blocked');
    assert.equal(report.counts.skipped, 2);
    assert.equal(await getOrUndefined(admin, { ...CM, namespace: NS, name: other }), undefined, 'not even the ConfigMap was sent');
    const live = await admin.client.get({ ...TKC, namespace: NS, name: cluster });
    assert.equal(((live.spec as { topology: { controlPlane: { replicas: number } } }).topology.controlPlane.replicas), 3);
  });

  it('a TKC (v1alpha2) created through the guards, then unchanged', async () => {
    const t = target('tkc');
    const cluster = name('fresh');
    const { repo } = await makeRepo({ 'tkc.yaml': manifests(tkc(cluster)) });
    const { plan } = await prepareSync(admin, repo, t);
    assert.equal(plan.blocked, false, JSON.stringify(plan.blockers));
    assert.equal((await executePlan(admin, plan)).outcome, 'succeeded');
    const again = await prepareSync(admin, repo, t);
    assert.deepEqual(actions(again.plan), { [cluster]: 'unchanged' });
  });

  it('a CRD and an object of its kind in one sync: the CRD first, Established, then the object (its kind was not served at plan time)', async () => {
    const t = target('crd');
    const group = `${RUN.toLowerCase()}.tg-sync.example.com`;
    const crdName = `widgets.${group}`;
    extraCleanup.push({ ref: { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', name: crdName } });
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: crdName },
      spec: {
        group, scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
      },
    };
    const widget = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: name('w1'), namespace: NS }, spec: { size: 3 } };
    const { repo } = await makeRepo({ 'crd.yaml': manifests(widget, crd) });
    const { plan } = await prepareSync(admin, repo, t);
    assert.equal(plan.blocked, false, JSON.stringify(plan.blockers));
    assert.deepEqual(plan.items.map((i) => `${i.kind}:${i.action}`), ['CustomResourceDefinition:create', 'Widget:apply']);
    assert.deepEqual(plan.waves.map((w) => w.label), ['CRDs', 'wave 0']);
    const dry = await executePlan(admin, plan, { dryRun: true });
    assert.deepEqual(dry.results.map((r) => `${r.kind}:${r.outcome}:${r.message}`), [
      'CustomResourceDefinition:applied:would be created (dry run)',
      'Widget:skipped:not dry-run: its CRD is created by this sync, and a dry run does not create it',
    ]);
    assert.equal(await getOrUndefined(admin, { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', name: crdName }), undefined, 'the dry run created nothing');
    const report = await executePlan(admin, plan);
    assert.equal(report.outcome, 'succeeded', report.message);
    const live = await admin.client.get({ group, kind: 'Widget', namespace: NS, name: widget.metadata.name });
    assert.deepEqual(live.spec, { size: 3 });
    const again = await prepareSync(admin, repo, t);
    assert.deepEqual(again.plan.items.map((i) => `${i.kind}:${i.action}`), ['CustomResourceDefinition:unchanged', 'Widget:unchanged']);
    await admin.client.delete({ group, kind: 'Widget', namespace: NS, name: widget.metadata.name });
  });

  it('a file removed from Git and a Git object no longer valid: the plan follows the working tree', async () => {
    const t = target('worktree');
    const a = name('wt-a');
    const { root, repo } = await makeRepo({ 'a.yaml': manifests(configMap(a, { v: '1' })), 'b.yaml': manifests(configMap(name('wt-b'), { v: '1' })) });
    remove(root, 'b.yaml');
    const { plan } = await prepareSync(admin, repo, t);
    assert.deepEqual(actions(plan), { [a]: 'create' }, 'uncommitted removal is seen');
  });
});

describe('direct sync, as the restricted user dev', () => {
  let dev: ConnectionSession;
  before(async () => { dev = await openSession('local-supervisor-dev'); });
  after(() => dev.dispose());

  it('team-b is foreseen (the plan is blocked); a 403 met while applying is reported per resource, with who may not do what', async () => {
    const t = targetOf(name('dev'), '', 'team-a');
    targets.push(t.name);
    const [mine, theirs] = [name('dev-a'), name('dev-b')];
    const { repo } = await makeRepo({ 'cms.yaml': manifests(configMap(mine, { v: '1' }, {}, 'team-a'), configMap(theirs, { v: '1' }, {}, 'team-b')) });
    const { plan: checked } = await prepareSync(dev, repo, t);
    assert.equal(checked.items.find((i) => i.name === theirs)?.action, 'apply', 'team-b cannot be read: its state is unknown');
    assert.deepEqual(checked.blockers.map((b) => [b.code, b.key]), [['forbidden', `/ConfigMap/team-b/${theirs}`]]);
    // as if the permission had been there when the plan was made, and withdrawn since
    const plan = { ...checked, blocked: false, blockers: [] };
    const report = await executePlan(dev, plan);
    assert.equal(report.outcome, 'failed');
    assert.deepEqual(outcomes(report), { [mine]: 'applied', [theirs]: 'failed' });
    const refused = report.results.find((r) => r.name === theirs);
    assert.equal(refused?.status, 403);
    assert.equal(refused?.error, 'forbidden');
    assert.match(refused?.message ?? '', /User "dev" may not patch configmaps in namespace "team-b" \(403 Forbidden\)/);
    assert.ok(await getOrUndefined(admin, { ...CM, namespace: 'team-a', name: mine }));
    assert.equal(await getOrUndefined(admin, { ...CM, namespace: 'team-b', name: theirs }), undefined);
  });
});
