/** The live rules, on facts built here as a connected Supervisor would give them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateText, IncrementalValidator } from '../../src/core/engine';
import type { NamespaceFacts, SupervisorFacts, TkrFact } from '../../src/core/live/facts';
import { clusterTkc, lineOf, tkcV1alpha1, tkcV1alpha2, tkcV1alpha3, yaml } from './builders';

const TKRS: TkrFact[] = [
  { name: 'v1.21.6---vmware.1-tkg.1.b3d708a', version: 'v1.21.6+vmware.1-tkg.1.b3d708a', compatible: true, ready: true, deactivated: false },
  { name: 'v1.24.11---vmware.1-fips.1-tkg.1', version: 'v1.24.11+vmware.1-fips.1-tkg.1', compatible: true, ready: true, deactivated: false },
  { name: 'v1.25.7---vmware.3-fips.1-tkg.1', version: 'v1.25.7+vmware.3-fips.1-tkg.1', compatible: true, ready: true, deactivated: false },
  { name: 'v1.26.5---vmware.2-fips.1-tkg.1', version: 'v1.26.5+vmware.2-fips.1-tkg.1', compatible: true, ready: true, deactivated: false },
  { name: 'v1.20.7---vmware.1-tkg.1.7fb9067', version: 'v1.20.7+vmware.1-tkg.1.7fb9067', compatible: false, ready: true, deactivated: false },
  { name: 'v1.27.2---vmware.1-tkg.1', version: 'v1.27.2+vmware.1-tkg.1', compatible: true, ready: false, deactivated: false },
];

function facts(over: Partial<SupervisorFacts> & { live?: Record<string, Record<string, unknown>> } = {}): SupervisorFacts {
  const ns = new Map<string, NamespaceFacts>([
    ['ns-1', { vmClasses: new Set(['best-effort-small', 'best-effort-medium']), storageClasses: new Set(['vsan-default']) }],
    ['team-b', { vmClasses: new Set(['guaranteed-large']), storageClasses: new Set(['silver']) }],
  ]);
  const live = over.live ?? {};
  return {
    context: 'local-supervisor-admin',
    namespaces: new Set(['ns-1', 'team-b']),
    byNamespace: ns,
    tkrs: new Map(TKRS.map((t) => [t.name, t])),
    liveObject: (group, kind, namespace, name) => live[`${group}/${kind}/${namespace}/${name}`],
    defaultNamespace: 'ns-1',
    generation: 1,
    ...over,
  };
}

const codes = (text: string, f = facts()) => validateText(text, { facts: f }).map((x) => x.code);
const only = (text: string, code: string, f = facts()) => validateText(text, { facts: f }).filter((x) => x.code === code);

describe('live rules', () => {
  it('find nothing in manifests that match the Supervisor, and nothing offline', () => {
    assert.deepEqual(codes(yaml(tkcV1alpha2())), []);
    assert.deepEqual(codes(yaml(clusterTkc())), []);
    const wrong = yaml(tkcV1alpha2({ topology: { controlPlane: { vmClass: 'nope' } } }));
    assert.deepEqual(validateText(wrong).map((f) => f.code), [], 'offline: live rules do not run');
  });

  it('namespace-unknown: at metadata.namespace, with a suggestion, or at the name for the default namespace', () => {
    const text = yaml(tkcV1alpha2({}, { namespace: 'team-c' }));
    const [f] = only(text, 'namespace-unknown');
    assert.equal(f.range.start.line, lineOf(text, 'namespace: team-c'));
    assert.match(f.message, /Namespace "team-c" does not exist on local-supervisor-admin/);
    const fallback = facts({ defaultNamespace: 'gone' });
    const noNs = yaml(tkcV1alpha2({}, { namespace: undefined }));
    const [g] = only(noNs, 'namespace-unknown', fallback);
    assert.match(g.message, /the context's default/);
    assert.equal(g.range.start.line, lineOf(noNs, 'name: tkc-1'));
    assert.deepEqual(only(text, 'namespace-unknown', facts({ namespaces: undefined })), [], 'unknown namespaces: silent');
  });

  it('vm-class-unavailable: each VM class reference in each API form, with a quick fix to the closest class', () => {
    const v2 = yaml(tkcV1alpha2({ topology: { nodePools: [{ name: 'a', vmClass: 'best-effort-smal', storageClass: 'vsan-default' }] } }));
    const [f] = only(v2, 'vm-class-unavailable');
    assert.equal(f.range.start.line, v2.split('\n').findIndex((l) => l.endsWith('vmClass: best-effort-smal')));
    assert.match(f.message, /"best-effort-smal" is not available in namespace "ns-1".*best-effort-medium, best-effort-small/);
    assert.equal(f.fixes?.[0].edits[0].newText, 'best-effort-small');
    const v1 = yaml(tkcV1alpha1({ topology: { workers: { class: 'guaranteed-large' } } }, { namespace: 'ns-1' }));
    assert.equal(only(v1, 'vm-class-unavailable').length, 1);
    const cluster = yaml(clusterTkc({ topology: { variables: [{ name: 'vmClass', value: 'best-effort-small' }, { name: 'storageClass', value: 'silver' }] } }, { namespace: 'team-b' }));
    assert.deepEqual(only(cluster, 'vm-class-unavailable').map((x) => x.range.start.line), [lineOf(cluster, 'value: best-effort-small')]);
    assert.deepEqual(only(cluster, 'storage-class-unassigned'), []);
  });

  it('storage-class-unassigned: the webhook\'s message, for pools and volumes', () => {
    const text = yaml(tkcV1alpha3({ topology: { nodePools: [{ name: 'a', vmClass: 'best-effort-small', storageClass: 'gold', volumes: [{ name: 'd', mountPath: '/d', capacity: { storage: '1Gi' }, storageClass: 'silver' }] }] } }));
    const found = only(text, 'storage-class-unassigned');
    assert.deepEqual(found.map((x) => x.range.start.line), [lineOf(text, 'storageClass: gold'), lineOf(text, 'storageClass: silver')]);
    assert.match(found[0].message, /^StorageClass "gold" is not assigned for namespace "ns-1"/);
  });

  it('tkr-unknown and tkr-incompatible: names, full versions, hints and Cluster versions', () => {
    const unknown = yaml(tkcV1alpha2({ topology: { controlPlane: { tkr: { reference: { name: 'v1.25.7---vmware.3-fips.1-tkg.2' } } } } }));
    const [u] = only(unknown, 'tkr-unknown');
    assert.match(u.message, /did you mean "v1.25.7---vmware.3-fips.1-tkg.1"/);
    assert.equal(u.fixes?.[0].edits[0].newText, 'v1.25.7---vmware.3-fips.1-tkg.1');
    const hint = yaml(tkcV1alpha1({ distribution: { version: 'v1.22' } }));
    assert.equal(only(hint, 'tkr-unknown').length, 1);
    assert.deepEqual(only(yaml(tkcV1alpha1({ distribution: { version: 'v1.21' } })), 'tkr-unknown'), []);
    const full = yaml(tkcV1alpha1({ distribution: { version: undefined, fullVersion: 'v1.20.7+vmware.1-tkg.1.7fb9067' } }));
    const [inc] = only(full, 'tkr-incompatible');
    assert.equal(inc.severity, 'warning');
    assert.match(inc.message, /is not compatible/);
    const notReady = yaml(clusterTkc({ topology: { version: 'v1.27.2---vmware.1-tkg.1' } }));
    assert.match(only(notReady, 'tkr-incompatible')[0].message, /is not Ready/);
    assert.deepEqual(only(notReady, 'tkr-incompatible', facts({ tkrs: undefined })), []);
  });

  it('immutable-field, control-plane-scale-in and version-downgrade against the live cluster', () => {
    const liveTkc = tkcV1alpha2({ topology: { controlPlane: { replicas: 3, tkr: { reference: { name: 'v1.25.7---vmware.3-fips.1-tkg.1' } } } } });
    const f = facts({ live: { 'run.tanzu.vmware.com/TanzuKubernetesCluster/ns-1/tkc-1': liveTkc } });
    assert.deepEqual(codes(yaml(liveTkc), f), [], 'the same manifest: nothing');
    const edited = yaml(tkcV1alpha2({
      topology: { controlPlane: { replicas: 1, tkr: { reference: { name: 'v1.24.11---vmware.1-fips.1-tkg.1' } } } },
      settings: { network: { pods: { cidrBlocks: ['192.169.0.0/16'] }, cni: { name: 'calico' } } },
    }));
    const found = validateText(edited, { facts: f });
    const by = (c: string) => found.filter((x) => x.code === c);
    assert.deepEqual(by('immutable-field').map((x) => x.range.start.line).sort(), [lineOf(edited, 'name: calico'), lineOf(edited, '192.169.0.0/16') - 1].sort());
    assert.match(by('immutable-field')[0].message, /cannot change after creation/);
    assert.equal(by('control-plane-scale-in')[0].range.start.line, lineOf(edited, 'replicas: 1'));
    assert.match(by('version-downgrade')[0].message, /downgrade from 1.25.7 to 1.24.11/);
    const skip = yaml(tkcV1alpha2({ topology: { controlPlane: { tkr: { reference: { name: 'v1.27.2---vmware.1-tkg.1' } } } } }));
    assert.match(only(skip, 'version-downgrade', f)[0].message, /skips a minor version \(1.25.7 to 1.27.2\)/);
    const up = yaml(tkcV1alpha2({ topology: { controlPlane: { tkr: { reference: { name: 'v1.26.5---vmware.2-fips.1-tkg.1' } } } } }));
    assert.deepEqual(only(up, 'version-downgrade', f), [], 'one minor up is allowed');
    const liveCluster = clusterTkc();
    const cf = facts({ live: { 'cluster.x-k8s.io/Cluster/ns-1/cc-1': liveCluster } });
    const changed = yaml(clusterTkc({ clusterNetwork: { serviceDomain: 'corp.local' } }));
    assert.match(only(changed, 'immutable-field', cf)[0].message, /spec.clusterNetwork is immutable/);
  });

  it('the incremental validator re-validates when the facts change, and not otherwise', () => {
    const text = yaml(tkcV1alpha2({ topology: { controlPlane: { vmClass: 'best-effort-large' } } }));
    const v = new IncrementalValidator();
    assert.deepEqual(v.validate(text), []);
    v.setFacts(facts());
    assert.deepEqual(v.validate(text).map((f) => f.code), ['vm-class-unavailable']);
    v.validate(text);
    assert.equal(v.lastStats.validated, 0);
    const more = facts({ generation: 2, byNamespace: new Map([['ns-1', { vmClasses: new Set(['best-effort-large', 'best-effort-small']), storageClasses: new Set(['vsan-default']) }]]) });
    v.setFacts(more);
    assert.deepEqual(v.validate(text), []);
    v.setFacts(undefined);
    assert.deepEqual(v.validate(text), []);
  });
});

describe('completion of live values', () => {
  it('offers the namespace\'s VM classes, storage classes and compatible TKRs first', async () => {
    const { completionsAt } = await import('../../src/core/assist');
    const base = 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: c\n  namespace: team-b\nspec:\n  topology:\n    controlPlane:\n';
    const at = (line: string) => {
      const text = `${base}${line}\n`;
      const lines = text.split('\n');
      return completionsAt(text, { line: lines.length - 2, character: lines[lines.length - 2].length }, facts());
    };
    assert.deepEqual(at('      vmClass: ').map((c) => c.label), ['guaranteed-large']);
    assert.deepEqual(at('      storageClass: ').map((c) => c.label), ['silver']);
    const tkrs = at('      tkr:\n        reference:\n          name: ').map((c) => c.label);
    assert.ok(tkrs.includes('v1.26.5---vmware.2-fips.1-tkg.1'));
    assert.ok(!tkrs.includes('v1.20.7---vmware.1-tkg.1.7fb9067'), 'incompatible TKRs are not offered');
    assert.match(at('      vmClass: ')[0].detail ?? '', /VM class available in team-b on local-supervisor-admin/);
  });
});

describe('refusals mapped to ranges', () => {
  it('puts each field cause of a 422 at its field, and the nearest existing ancestor for a missing one', async () => {
    const { refusalFindings } = await import('../../src/core/live/admission');
    const text = yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } } }));
    const found = refusalFindings(text, 'TanzuKubernetesCluster.run.tanzu.vmware.com "tkc-1" is invalid', [
      { path: ['spec', 'topology', 'controlPlane', 'replicas'], field: 'spec.topology.controlPlane.replicas', message: 'control plane can only be either 1 or 3 nodes' },
      { path: ['spec', 'topology', 'nodePools', 0, 'failureDomain'], field: 'spec.topology.nodePools[0].failureDomain', message: 'Required value' },
    ]);
    assert.equal(found.length, 2);
    assert.equal(found[0].code, 'admission');
    assert.equal(found[0].range.start.line, lineOf(text, 'replicas: 2'));
    assert.match(found[0].message, /refused spec.topology.controlPlane.replicas: control plane can only be either 1 or 3 nodes/);
    assert.equal(found[1].range.start.line, lineOf(text, '- name: workers'), 'the pool that lacks the field');
    const none = refusalFindings(text, 'denied', []);
    assert.equal(none[0].range.start.line, lineOf(text, 'kind:'));
  });
});
