/**
 * Selective sync (core/sync/selection.ts and planSync's `only`): a selection is blocked only by
 * findings in what it selects, a template's note never blocks, the keys of a folder, a file and
 * ticked resources, the picker's candidates, and the words that name the selection.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NamespaceFacts, SupervisorFacts } from '../../src/core/live/facts';
import { gitObjectsFromText } from '../../src/core/reconcile/git-objects';
import { objectToApply, type Ownership } from '../../src/core/reconcile/ownership';
import { reconcile } from '../../src/core/reconcile/reconcile';
import type { LiveEntry, ResourceStatus } from '../../src/core/reconcile/types';
import { planSync, type PlanFile } from '../../src/core/sync/plan';
import { applyLabel, argoResources, selectionKeys, selectionName, syncCandidates } from '../../src/core/sync/selection';
import { merge, tkcV1alpha2, yaml } from './builders';

type Obj = Record<string, unknown>;

const OWNERSHIP: Ownership = { kind: 'tanzu-gitops', target: 'workspace' };
const TARGET = { name: 'workspace', namespace: 'ns-1', ownership: OWNERSHIP };
const cm = (name: string, data: Obj = { a: '1' }): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns-1' }, data });

function live(obj: Obj): Obj {
  const meta = obj.metadata as Obj;
  const applied = objectToApply(obj, { group: '', kind: String(obj.kind), namespace: String(meta.namespace ?? ''), name: String(meta.name) }, OWNERSHIP);
  return merge(applied, { metadata: { resourceVersion: '7', uid: `uid-${String(meta.name)}` } });
}

function drift(files: PlanFile[], liveObjects: LiveEntry[] = []): { target: typeof TARGET; resources: readonly ResourceStatus[] } {
  const git = files.flatMap((f) => gitObjectsFromText(f.path, f.text).objects);
  const result = reconcile({ git, live: liveObjects, target: { name: TARGET.name, defaultNamespace: TARGET.namespace, ownership: OWNERSHIP }, options: {} });
  return { target: TARGET, resources: result.resources };
}

function facts(): SupervisorFacts {
  const byNamespace = new Map<string, NamespaceFacts>([['ns-1', { vmClasses: new Set(['best-effort-small']), storageClasses: new Set(['vsan-default']) }]]);
  return { context: 'sv', namespaces: new Set(['ns-1']), byNamespace, tkrs: undefined, liveObject: () => undefined, defaultNamespace: 'ns-1', generation: 1 };
}

const key = (name: string, kind = 'ConfigMap', group = '') => `${group}/${kind}/ns-1/${name}`;
const TKC = 'run.tanzu.vmware.com/TanzuKubernetesCluster/ns-1';

/** A workspace with two files that have nothing to do with the resources ticked: broken YAML and a template. */
function workspace(): PlanFile[] {
  return [
    { path: 'apps/config.yaml', text: yaml(cm('one'), cm('two')) },
    { path: 'clusters/tkc.yaml', text: yaml(tkcV1alpha2({ topology: { controlPlane: { vmClass: 'huge' } } })) },
    { path: 'clusters/other.yaml', text: yaml(tkcV1alpha2({ topology: { nodePools: [{ name: 'workers', replicas: 3, vmClass: 'gone', storageClass: 'vsan-default' }] } }, { name: 'tkc-2' })) },
    { path: 'broken.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n' },
    { path: 'template.yaml', text: yaml(cm('${CLUSTER_NAME}-config')) },
  ];
}

describe('selective sync: what blocks', () => {
  it('the whole target is blocked by every file; the template only warns, and the place is not repeated in the message', () => {
    const files = workspace();
    const plan = planSync(drift(files), { files, facts: facts() });
    const codes = plan.blockers.map((b) => `${b.code}@${b.file}`).sort();
    assert.deepEqual(codes, ['vm-class-unavailable@clusters/other.yaml', 'vm-class-unavailable@clusters/tkc.yaml', 'yaml-syntax@broken.yaml']);
    const syntax = plan.blockers.find((b) => b.code === 'yaml-syntax')!;
    assert.equal(syntax.line, 0);
    assert.doesNotMatch(syntax.message, /broken\.yaml/, `the message does not repeat its file: ${syntax.message}`);
    assert.ok(plan.warnings.some((w) => /template\.yaml:1: not compared: a template/.test(w)), `warnings: ${plan.warnings.join(' | ')}`);
  });

  it('two ticked resources are blocked by their own finding only', () => {
    const files = workspace();
    const d = drift(files);
    const plan = planSync(d, { files, facts: facts(), only: new Set([key('one'), `${TKC}/tkc-1`]) });
    assert.deepEqual(plan.items.map((i) => `${i.action} ${i.name}`), ['create one', 'create tkc-1']);
    assert.deepEqual(plan.blockers.map((b) => `${b.code}@${b.file}:${(b.line ?? -1) + 1}`), [`vm-class-unavailable@clusters/tkc.yaml:${yaml(tkcV1alpha2()).split('\n').findIndex((l) => l.includes('vmClass')) + 1}`]);
    assert.equal(plan.blockers[0].key, `${TKC}/tkc-1`);
  });

  it('ticked resources without a finding of their own are not blocked by the rest of the workspace', () => {
    const files = workspace();
    const plan = planSync(drift(files), { files, facts: facts(), only: new Set([key('one'), key('two')]) });
    assert.equal(plan.blocked, false, `blockers: ${plan.blockers.map((b) => b.message).join(' | ')}`);
    assert.equal(applyLabel(plan), 'Sync 2 resources');
  });

  it('a broken document in the file of a selected resource still blocks it', () => {
    const files = [{ path: 'a.yaml', text: `${yaml(cm('one'))}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n` }, { path: 'b.yaml', text: yaml(cm('two')) }];
    const d = drift(files);
    assert.deepEqual(planSync(d, { files, facts: facts(), only: new Set([key('one')]) }).blockers.map((b) => b.code), ['yaml-syntax']);
    assert.equal(planSync(d, { files, facts: facts(), only: new Set([key('two')]) }).blocked, false);
  });

  it('a file that could not be read blocks a selection only when it deletes something', () => {
    const files = [{ path: 'a.yaml', text: yaml(cm('one')) }];
    const d = { ...drift(files, [live(cm('gone'))]), unread: [{ path: 'big.yaml', reason: 'too large' }] };
    const resources = d.resources.map((r) => (r.name === 'gone' ? { ...r, status: 'Extra' as const } : r));
    const applyOnly = planSync({ ...d, resources }, { files, facts: facts(), only: new Set([key('one')]) });
    assert.equal(applyOnly.blocked, false);
    const withDelete = planSync({ ...d, resources }, { files, facts: facts(), prune: true, only: new Set([key('one'), key('gone')]) });
    assert.deepEqual(withDelete.blockers.map((b) => b.code), ['unread']);
  });
});

describe('selective sync: selections', () => {
  const files = [
    { path: 'overlays/prod/a.yaml', text: yaml(cm('a')) },
    { path: 'overlays/prod-eu/b.yaml', text: yaml(cm('b')) },
    { path: 'base/c.yaml', text: yaml(cm('c', { x: '1' })) },
  ];
  const d = drift(files, [live(cm('c', { x: '2' })), live(cm('extra'))]);

  it('a folder is its files and those below, not a folder that only starts alike; a file is its own resources', () => {
    assert.deepEqual([...selectionKeys(d.resources, { kind: 'folder', path: 'overlays/prod/' })!], [key('a')]);
    assert.deepEqual([...selectionKeys(d.resources, { kind: 'folder', path: 'overlays' })!].sort(), [key('a'), key('b')]);
    assert.deepEqual([...selectionKeys(d.resources, { kind: 'file', path: 'base/c.yaml' })!], [key('c')]);
    assert.equal(selectionKeys(d.resources, { kind: 'target' }), undefined);
  });

  it('the picker offers what a sync changes: OutOfSync and Missing, not Synced nor Extra', () => {
    const offered = syncCandidates(d.resources).map((r) => `${r.status} ${r.name}`).sort();
    assert.deepEqual(offered, ['Missing a', 'Missing b', 'OutOfSync c']);
  });

  it('names the selection, and Argo CD resource entries keep an empty group for core kinds', () => {
    assert.equal(selectionName({ kind: 'resources', keys: [key('a')] }, 'workspace'), '1 resource');
    assert.equal(selectionName({ kind: 'resources', keys: [key('a'), key('b')] }, 'workspace'), '2 resources');
    assert.equal(selectionName({ kind: 'folder', path: 'overlays/prod' }, 'workspace'), 'overlays/prod');
    assert.equal(selectionName({ kind: 'target' }, 'overlays/prod'), 'overlays/prod');
    assert.deepEqual(argoResources(d.resources, new Set([key('c')])), [{ group: '', kind: 'ConfigMap', namespace: 'ns-1', name: 'c' }]);
  });

  it('the apply button counts what is sent, in the singular for one', () => {
    const plan = planSync(d, { files, facts: facts(), only: new Set([key('a')]) });
    assert.equal(applyLabel(plan), 'Sync 1 resource');
    assert.equal(applyLabel(plan, true), 'Dry Run 1 resource');
  });
});
