/**
 * The executor (src/sync/apply.ts) over a fake cluster client: waves stop after a failure, the
 * prune runs last and only after every apply succeeded, confirmations, cancellation between
 * resources, the Supervisor going away, conflicts and 422 causes (mapped back to ranges).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterClient, KubeObject } from '../../src/cluster/client';
import { ClusterError } from '../../src/cluster/errors';
import { parseFieldPath } from '../../src/cluster/fieldpath';
import { gitObjectsFromText } from '../../src/core/reconcile/git-objects';
import { objectToApply, type Ownership } from '../../src/core/reconcile/ownership';
import { reconcile } from '../../src/core/reconcile/reconcile';
import type { LiveEntry } from '../../src/core/reconcile/types';
import { planSync, type PlanFile } from '../../src/core/sync/plan';
import type { SyncPlan } from '../../src/core/sync/types';
import { executePlan, type ExecuteOptions } from '../../src/sync/apply';
import { resultFindings } from '../../src/sync/findings';
import { lineOf, merge, yaml } from './builders';

type Obj = Record<string, unknown>;
const OWNERSHIP: Ownership = { kind: 'tanzu-gitops', target: 'workspace' };

const cm = (name: string, meta: Obj = {}, data: Obj = { a: '1' }): Obj =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns-1', ...meta }, data });
const wave = (n: number, more: Obj = {}): Obj => ({ annotations: { 'argocd.argoproj.io/sync-wave': String(n), ...more } });

function live(obj: Obj): Obj {
  const meta = obj.metadata as Obj;
  const api = String(obj.apiVersion);
  return merge(objectToApply(obj, { group: api.includes('/') ? api.split('/')[0] : '', kind: String(obj.kind), namespace: String(meta.namespace ?? ''), name: String(meta.name) }, OWNERSHIP), { metadata: { resourceVersion: '3' } });
}

function plan(text: string, liveObjects: LiveEntry[] = [], more: { prune?: boolean; context?: string; protectedContexts?: string[] } = {}): SyncPlan {
  const files: PlanFile[] = [{ path: 'm.yaml', text }];
  const git = gitObjectsFromText('m.yaml', text).objects;
  const r = reconcile({ git, live: liveObjects, target: { name: 'workspace', defaultNamespace: 'ns-1', ownership: OWNERSHIP }, options: {} });
  return planSync({ target: { name: 'workspace', namespace: 'ns-1', ownership: OWNERSHIP }, resources: r.resources }, { files, ...more });
}

interface Fake {
  client: ClusterClient;
  calls: string[];
  liveObjects: Map<string, KubeObject>;
}

/** A client whose answers the test decides; `fail` maps a name to the error its apply throws. */
function fake(fail: Record<string, ClusterError> = {}, liveObjects: KubeObject[] = [], onApply?: (name: string) => void): Fake {
  const calls: string[] = [];
  const store = new Map(liveObjects.map((o) => [String(o.metadata?.name), o]));
  const client = {
    discovery: { refresh() { calls.push('refresh'); } },
    async apply(m: KubeObject, o: { force?: boolean; dryRun?: boolean; fieldManager: string }) {
      const name = String(m.metadata?.name);
      calls.push(`apply ${name}${o.force ? ' force' : ''}${o.dryRun ? ' dry' : ''} by ${o.fieldManager}`);
      onApply?.(name);
      await new Promise((r) => setImmediate(r));
      const err = fail[name];
      if (err && !(o.force && err.kind === 'conflict')) throw err;
      return m;
    },
    async get(ref: { name: string }) {
      calls.push(`get ${ref.name}`);
      const o = store.get(ref.name);
      if (!o) throw new ClusterError('notFound', `configmaps "${ref.name}" was not found`, { status: 404 });
      return o;
    },
    async delete(ref: { name: string }, o: { propagationPolicy?: string }) {
      calls.push(`delete ${ref.name} ${o.propagationPolicy}`);
      store.delete(ref.name);
      return undefined;
    },
  } as unknown as ClusterClient;
  return { client, calls, liveObjects: store };
}

const session = (f: Fake, context = 'sv') => ({ client: f.client, context });
const outcomes = (r: { results: readonly { name: string; outcome: string }[] }) => r.results.map((x) => `${x.name}:${x.outcome}`);

function run(p: SyncPlan, f: Fake, o: ExecuteOptions = {}) {
  return executePlan(session(f), p, o);
}

describe('sync executor: waves and prune', () => {
  it('applies wave by wave with the field manager tanzu-gitops; unchanged resources are not sent', async () => {
    const p = plan(yaml(cm('later', wave(2)), cm('first', wave(-1)), cm('same')), [live(cm('same'))]);
    const f = fake();
    const report = await run(p, f);
    assert.equal(report.outcome, 'succeeded');
    assert.deepEqual(f.calls, ['apply first by tanzu-gitops', 'apply later by tanzu-gitops']);
    assert.deepEqual(outcomes(report), ['first:applied', 'same:unchanged', 'later:applied']);
    assert.equal(report.results[0].message, 'created');
  });

  it('a failed resource fails its wave (the rest of the wave still runs); later waves and the prune do not start', async () => {
    const invalid = new ClusterError('invalid', 'rejected (422 Invalid): data.bad: Invalid value', {
      status: 422, causes: [{ field: 'data.bad', path: ['data', 'bad'], message: 'Invalid value: "x"', reason: 'FieldValueInvalid' }],
    });
    const text = yaml(cm('w0-a', {}, { a: '1' }), cm('w0-bad', {}, { bad: 'x' }), cm('w0-c'), cm('w1', wave(1)));
    const p = plan(text, [live(cm('extra'))], { prune: true });
    const f = fake({ 'w0-bad': invalid });
    const report = await run(p, f, { concurrency: 1 });
    assert.equal(report.outcome, 'failed');
    assert.deepEqual(outcomes(report), ['w0-a:applied', 'w0-bad:failed', 'w0-c:applied', 'w1:skipped', 'extra:skipped']);
    assert.match(report.results[3].message, /not started: wave 0 failed/);
    assert.match(report.results[4].message, /not pruned: 1 resource failed/);
    assert.equal(report.pruneRan, false);
    assert.match(report.message, /wave 0 failed, so the waves after it were not started\. Nothing was pruned\./);
    const bad = report.results[1];
    assert.deepEqual(bad.causes?.map((c) => c.field), ['data.bad']);
    assert.equal(bad.status, 422);
    // the editor maps the causes to the manifest
    const [finding] = resultFindings(bad, text);
    assert.equal(finding.code, 'admission');
    assert.equal(finding.range.start.line, lineOf(text, 'bad: x'));
  });

  it('prune runs last, re-reads each object and deletes it only while it is still tracked', async () => {
    const p = plan(yaml(cm('keep')), [live(cm('gone')), live(cm('relabelled')), live(cm('vanished'))], { prune: true });
    const relabelled = live(cm('relabelled'));
    (relabelled.metadata as { labels: Obj }).labels = {};
    const f = fake({}, [live(cm('gone')), relabelled]);
    const report = await run(p, f);
    assert.deepEqual(outcomes(report), ['keep:applied', 'vanished:deleted', 'relabelled:skipped', 'gone:deleted']);
    assert.equal(report.results.find((r) => r.name === 'vanished')?.message, 'already gone');
    assert.match(report.results.find((r) => r.name === 'relabelled')?.message ?? '', /kept: the object changed since the plan: label tanzu-gitops\.io\/target/);
    assert.ok(f.calls.includes('delete gone Background'));
    assert.ok(f.calls.indexOf('apply keep by tanzu-gitops') < f.calls.indexOf('get gone'), 'deletes after applies');
    assert.equal(report.pruneRan, true);
  });

  it('a delete answered 404 (another prune got there first) is done, not failed', async () => {
    const p = plan(yaml(cm('keep')), [live(cm('keep')), live(cm('raced')), live(cm('plain'))], { prune: true });
    const f = fake({}, [live(cm('raced')) as KubeObject, live(cm('plain')) as KubeObject]);
    const del = f.client.delete.bind(f.client);
    f.client.delete = (async (ref: { name: string }, o: object) => {
      if (ref.name === 'raced') throw new ClusterError('notFound', 'configmaps "raced" not found', { status: 404 });
      return del(ref as never, o as never);
    }) as typeof f.client.delete;
    const report = await run(p, f);
    assert.equal(report.outcome, 'succeeded');
    assert.deepEqual(outcomes(report), ['keep:unchanged', 'raced:deleted', 'plain:deleted']);
    assert.equal(report.results.find((r) => r.name === 'raced')?.message, 'already gone');
    assert.deepEqual([report.counts.failed, report.counts.deleted], [0, 2]);
  });

  it('deletes that need confirmation are kept unless confirmed; a cluster only with its name typed', async () => {
    const tkc = live({ apiVersion: 'run.tanzu.vmware.com/v1alpha2', kind: 'TanzuKubernetesCluster', metadata: { name: 'prod', namespace: 'ns-1' }, spec: {} });
    const confirm = live(cm('careful', { annotations: { 'argocd.argoproj.io/sync-options': 'Delete=confirm' } }));
    const p = plan(yaml(cm('x')), [tkc, confirm], { prune: true });
    const first = await run(p, fake({}, [tkc, confirm]));
    assert.deepEqual(outcomes(first).sort(), ['careful:skipped', 'prod:skipped', 'x:applied']);
    assert.equal(first.outcome, 'succeeded', 'kept deletes are not failures');
    assert.match(first.message, /2 deletes were not confirmed and kept/);
    const wrongName = await run(p, fake({}, [tkc, confirm]), { confirmed: new Set(['/ConfigMap/ns-1/careful']), typedNames: new Map([['run.tanzu.vmware.com/TanzuKubernetesCluster/ns-1/prod', 'prd']]) });
    assert.deepEqual(outcomes(wrongName).sort(), ['careful:deleted', 'prod:skipped', 'x:applied']);
    const typed = await run(p, fake({}, [tkc, confirm]), { typedNames: new Map([['run.tanzu.vmware.com/TanzuKubernetesCluster/ns-1/prod', 'prod']]) });
    assert.ok(outcomes(typed).includes('prod:deleted'));
  });
});

describe('sync executor: conflicts, cancellation, the server going away', () => {
  const conflict = new ClusterError('conflict', 'Server-side apply conflict (409)', {
    status: 409,
    causes: [
      { field: '.data.a', path: parseFieldPath('.data.a'), message: 'conflict with "kubectl-edit" using v1', reason: 'FieldManagerConflict' },
      { field: '.data.b', path: parseFieldPath('.data.b'), message: 'conflict with "ops-bot" using v1', reason: 'FieldManagerConflict' },
    ],
  });

  it('a conflict names the fields and their managers and is not forced; forceConflicts takes them over', async () => {
    const text = yaml(cm('contested', {}, { a: '1', b: '2' }));
    const p = plan(text, [live(cm('contested', {}, { a: '0', b: '2' }))]);
    const refused = await run(p, fake({ contested: conflict }));
    const [r] = refused.results;
    assert.equal(r.outcome, 'failed');
    assert.deepEqual(r.conflicts, [{ field: '.data.a', manager: 'kubectl-edit' }, { field: '.data.b', manager: 'ops-bot' }]);
    assert.match(r.message, /^conflict: \.data\.a \(owned by "kubectl-edit"\), \.data\.b \(owned by "ops-bot"\) are managed by another field manager; not forced/);
    assert.equal(resultFindings(r, text)[0].range.start.line, lineOf(text, 'a: "1"'));
    const f = fake({ contested: conflict });
    const forced = await run(p, f, { forceConflicts: true });
    assert.equal(forced.results[0].outcome, 'applied');
    assert.deepEqual(f.calls, ['apply contested force by tanzu-gitops']);
    assert.equal(forced.forced, true);
  });

  it('cancelled between resources: what started finishes, nothing new starts, nothing is pruned', async () => {
    const ac = new AbortController();
    const p = plan(yaml(cm('c1'), cm('c2'), cm('c3'), cm('c4')), [live(cm('extra'))], { prune: true });
    const report = await run(p, fake({}, [], (name) => { if (name === 'c2') ac.abort(); }), { signal: ac.signal, concurrency: 1 });
    assert.equal(report.outcome, 'cancelled');
    assert.deepEqual(outcomes(report), ['c1:applied', 'c2:applied', 'c3:skipped', 'c4:skipped', 'extra:skipped']);
    assert.match(report.results[2].message, /cancelled/);
    assert.match(report.message, /Cancelled: .* Nothing was pruned/);
  });

  it('the Supervisor stops answering: the rest is not started, the report says what was applied, nothing is pruned', async () => {
    const down = new ClusterError('unreachable', 'the Supervisor refused the connection (ECONNREFUSED)', { code: 'ECONNREFUSED' });
    const p = plan(yaml(cm('d1'), cm('d2'), cm('d3'), cm('d4', wave(1))), [live(cm('extra'))], { prune: true });
    const report = await run(p, fake({ d2: down, d3: down }), { concurrency: 1 });
    assert.equal(report.outcome, 'failed');
    assert.deepEqual(outcomes(report), ['d1:applied', 'd2:failed', 'd3:skipped', 'd4:skipped', 'extra:skipped']);
    assert.match(report.interrupted ?? '', /ECONNREFUSED/);
    assert.match(report.message, /stopped answering in the middle .* Applied before that: d1\. Nothing was pruned\. Sync again/);
  });

  it('an answer lost after sending: the result says the outcome is not known', async () => {
    const reset = new ClusterError('unreachable', 'The connection was closed (ECONNRESET).', { code: 'ECONNRESET' });
    const report = await run(plan(yaml(cm('r1'))), fake({ r1: reset }));
    assert.match(report.results[0].message, /Whether the server stored it is not known; syncing again is safe/);
  });

  it('a blocked plan, another context, or a protected context without the second confirmation: nothing is sent', async () => {
    const blocked = plan('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n');
    const f = fake();
    const r1 = await run(blocked, f);
    assert.equal(r1.outcome, 'blocked');
    const other = await executePlan({ client: f.client, context: 'elsewhere' }, plan(yaml(cm('a')), [], { context: 'sv' }));
    assert.match(other.message, /made for context "sv"/);
    const prot = plan(yaml(cm('a')), [], { context: 'sv', protectedContexts: ['sv'] });
    const r3 = await run(prot, f);
    assert.equal(r3.outcome, 'blocked');
    assert.match(r3.message, /protected/);
    assert.deepEqual(f.calls, []);
    assert.equal((await run(prot, f, { protectedConfirmed: true })).outcome, 'succeeded');
  });

  it('progress is reported per wave and per resource; a server message never carries a Secret value', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns-1' }, stringData: { token: 'tok-0123456789' } };
    const echo = new ClusterError('invalid', 'Secret "s" is invalid: stringData.token: Invalid value: "tok-0123456789"', { status: 422, causes: [{ field: 'stringData.token', path: ['stringData', 'token'], message: 'Invalid value: "tok-0123456789"' }] });
    const events: string[] = [];
    const report = await run(plan(yaml(secret, cm('after'))), fake({ s: echo }), { onProgress: (e) => events.push(`${e.type}:${e.item?.name ?? e.wave.label}:${e.done}/${e.total}`) });
    // kinds in order: the Secret before the ConfigMap
    assert.deepEqual(events, ['wave:wave 0:0/2', 'start:s:0/2', 'done:s:1/2', 'start:after:1/2', 'done:after:2/2']);
    assert.doesNotMatch(JSON.stringify(report), /tok-0123456789/);
    assert.match(report.results[0].message, / value: "\*\*\*"/);
  });
});
