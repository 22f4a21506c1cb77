/** Resource identity and ownership: what pairs Git with live, and what a target owns. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultIsNamespaced, displayName, identityOf, keyOf, splitApiVersion } from '../../src/core/reconcile/identity';
import {
  ARGOCD_INSTANCE_LABEL, ARGOCD_TRACKING_ANNOTATION, TANZU_TARGET_LABEL, TANZU_TRACKING_ANNOTATION,
  isOwnedBy, objectToApply, refersTo, targetLabelValue, trackingFor, trackingId, type Ownership,
} from '../../src/core/reconcile/ownership';
import { tkcV1alpha2 } from './builders';

const cm = (meta: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', ...meta } });

describe('identity', () => {
  it('splits apiVersion; the core group is empty', () => {
    assert.deepEqual(splitApiVersion('run.tanzu.vmware.com/v1alpha2'), { group: 'run.tanzu.vmware.com', version: 'v1alpha2' });
    assert.deepEqual(splitApiVersion('v1'), { group: '', version: 'v1' });
  });

  it('an apiVersion with more than one / names no API (as Kubernetes parses it): no identity', () => {
    assert.equal(splitApiVersion('a/b/c'), undefined);
    assert.equal(splitApiVersion('run.tanzu.vmware.com/v1alpha2/extra'), undefined);
    assert.equal(identityOf({ apiVersion: 'a/b/c', kind: 'ConfigMap', metadata: { name: 'cm' } }), undefined);
    assert.ok(identityOf(cm()));
  });

  it('keys by group/kind/namespace/name, without the version', () => {
    const a = identityOf(tkcV1alpha2());
    const b = identityOf({ ...tkcV1alpha2(), apiVersion: 'run.tanzu.vmware.com/v1alpha3' });
    assert.ok(a && b);
    assert.equal(a.version, 'v1alpha2');
    assert.equal(keyOf(a), 'run.tanzu.vmware.com/TanzuKubernetesCluster/ns-1/tkc-1');
    assert.equal(keyOf(a), keyOf(b), 'another version is the same object');
    assert.equal(keyOf(identityOf(cm({ namespace: 'x' }))!), '/ConfigMap/x/cm');
  });

  it('defaults the namespace of namespaced objects from the target, and keeps an explicit one', () => {
    assert.equal(identityOf(cm(), { defaultNamespace: 'ns-9' })?.namespace, 'ns-9');
    assert.equal(identityOf(cm({ namespace: 'own' }), { defaultNamespace: 'ns-9' })?.namespace, 'own');
    assert.equal(identityOf(cm())?.namespace, 'default', 'no default given: "default", as kubectl');
  });

  it('gives cluster-scoped objects namespace "", whatever Git wrote', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', namespace: 'oops' } };
    assert.equal(identityOf(ns, { defaultNamespace: 'ns-1' })?.namespace, '');
    const tkr = { apiVersion: 'run.tanzu.vmware.com/v1alpha3', kind: 'TanzuKubernetesRelease', metadata: { name: 'v1.26.5---vmware.2-fips.1-tkg.1' } };
    assert.equal(identityOf(tkr, { defaultNamespace: 'ns-1' })?.namespace, '');
  });

  it('asks the caller whether a kind is namespaced (discovery knows best)', () => {
    const vmc = { apiVersion: 'vmoperator.vmware.com/v1alpha1', kind: 'VirtualMachineClass', metadata: { name: 'best-effort-small' } };
    assert.equal(identityOf(vmc, { defaultNamespace: 'ns-1' })?.namespace, 'ns-1', 'unknown offline: treated as namespaced');
    const vsphere7 = (g: string, k: string) => (k === 'VirtualMachineClass' ? false : defaultIsNamespaced(g, k));
    assert.equal(identityOf(vmc, { defaultNamespace: 'ns-1', isNamespaced: vsphere7 })?.namespace, '');
    assert.equal(identityOf(cm(), { defaultNamespace: 'ns-1', isNamespaced: () => true })?.namespace, 'ns-1');
  });

  it('has no identity without apiVersion, kind or metadata.name', () => {
    assert.equal(identityOf({ kind: 'ConfigMap', metadata: { name: 'x' } }), undefined);
    assert.equal(identityOf({ apiVersion: 'v1', metadata: { name: 'x' } }), undefined);
    assert.equal(identityOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-' } }), undefined);
    assert.equal(identityOf([1, 2]), undefined);
    assert.equal(identityOf('text'), undefined);
  });

  it('names resources as kubectl does', () => {
    assert.equal(displayName(identityOf(tkcV1alpha2())!), 'TanzuKubernetesCluster.run.tanzu.vmware.com/ns-1/tkc-1');
    assert.equal(displayName({ group: '', kind: 'Namespace', namespace: '', name: 'a' }), 'Namespace/a');
  });
});

describe('ownership', () => {
  const id = { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', namespace: 'ns-1', name: 'tkc-1' };
  const argoLabel: Ownership = { kind: 'argocd', appName: 'clusters', trackingMethod: 'label' };
  const argoAnnotation: Ownership = { kind: 'argocd', appName: 'clusters', trackingMethod: 'annotation' };
  const argoEither: Ownership = { kind: 'argocd', appName: 'clusters' };
  const ours: Ownership = { kind: 'tanzu-gitops', target: 'dev' };
  const live = (meta: Record<string, unknown>) => ({ ...tkcV1alpha2(), metadata: { name: 'tkc-1', namespace: 'ns-1', ...meta } });

  it("writes Argo CD's tracking id format", () => {
    assert.equal(trackingId('clusters', id), 'clusters:run.tanzu.vmware.com/TanzuKubernetesCluster:ns-1/tkc-1');
    assert.equal(trackingId('app', { group: '', kind: 'Secret', namespace: 'ns-1', name: 's' }), 'app:/Secret:ns-1/s');
  });

  it('owned by the Argo CD label, the annotation, or either when the method is unknown', () => {
    const byLabel = live({ labels: { [ARGOCD_INSTANCE_LABEL]: 'clusters' } });
    const byAnnotation = live({ annotations: { [ARGOCD_TRACKING_ANNOTATION]: trackingId('clusters', id) } });
    assert.equal(isOwnedBy(byLabel, id, argoLabel), true);
    assert.equal(isOwnedBy(byLabel, id, argoAnnotation), false);
    assert.equal(isOwnedBy(byAnnotation, id, argoAnnotation), true);
    assert.equal(isOwnedBy(byAnnotation, id, argoLabel), false);
    assert.equal(isOwnedBy(byLabel, id, argoEither), true);
    assert.equal(isOwnedBy(byAnnotation, id, argoEither), true);
    assert.equal(isOwnedBy(live({ labels: { [ARGOCD_INSTANCE_LABEL]: 'other' } }), id, argoEither), false);
    assert.equal(isOwnedBy(live({}), id, argoEither), false);
  });

  it('a tracking annotation naming another object was copied: not owned', () => {
    const copied = live({ annotations: { [ARGOCD_TRACKING_ANNOTATION]: 'clusters:run.tanzu.vmware.com/TanzuKubernetesCluster:ns-1/tkc-2' } });
    assert.equal(isOwnedBy(copied, id, argoAnnotation), false);
    assert.equal(refersTo('clusters:run.tanzu.vmware.com/TanzuKubernetesCluster:ns-1/tkc-1', 'clusters', id), true);
    assert.equal(refersTo('clusters2:run.tanzu.vmware.com/TanzuKubernetesCluster:ns-1/tkc-1', 'clusters', id), false);
    assert.equal(refersTo('clusters:run.tanzu.vmware.com/Cluster:ns-1/tkc-1', 'clusters', id), false);
    assert.equal(refersTo('garbage', 'clusters', id), false);
    // Cluster-scoped: Argo CD writes the destination namespace into the id; not checked.
    assert.equal(refersTo('clusters:/Namespace:ns-1/team-a', 'clusters', { group: '', kind: 'Namespace', namespace: '', name: 'team-a' }), true);
  });

  it('an object with ownerReferences is never owned (a controller made it, maybe copying labels)', () => {
    const child = live({ labels: { [ARGOCD_INSTANCE_LABEL]: 'clusters' }, ownerReferences: [{ kind: 'TanzuKubernetesCluster', name: 'x', uid: 'u' }] });
    assert.equal(isOwnedBy(child, id, argoLabel), false);
  });

  it("this extension's targets: the label (sanitised name) and, when present, an annotation naming the object", () => {
    const t = trackingFor(id, ours);
    assert.deepEqual(t, { labels: { [TANZU_TARGET_LABEL]: 'dev' }, annotations: { [TANZU_TRACKING_ANNOTATION]: 'dev:run.tanzu.vmware.com/TanzuKubernetesCluster:ns-1/tkc-1' } });
    assert.equal(isOwnedBy(live({ labels: t.labels, annotations: t.annotations }), id, ours), true);
    assert.equal(isOwnedBy(live({ labels: t.labels }), id, ours), true, 'label alone');
    assert.equal(isOwnedBy(live({ labels: t.labels, annotations: { [TANZU_TRACKING_ANNOTATION]: 'dev:/ConfigMap:ns-1/other' } }), id, ours), false);
    assert.equal(isOwnedBy(live({ labels: { [TANZU_TARGET_LABEL]: 'prod' } }), id, ours), false);
  });

  it('target names that are not label values get a valid, distinct form', () => {
    assert.equal(targetLabelValue('dev'), 'dev');
    assert.equal(targetLabelValue(''), '');
    const a = targetLabelValue('dev clusters');
    const b = targetLabelValue('dev/clusters');
    assert.match(a, /^dev-clusters-[0-9a-f]{8}$/);
    assert.notEqual(a, b);
    const long = targetLabelValue('x'.repeat(100));
    assert.ok(long.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(long), long);
    assert.match(targetLabelValue('???'), /^[0-9a-f]{8}$/);
  });

  it('objectToApply sets the namespace and the tracking, and leaves the input alone', () => {
    const git = tkcV1alpha2({}, { namespace: undefined, labels: { env: 'dev' } });
    const applied = objectToApply(git, id, argoLabel);
    assert.deepEqual((applied.metadata as Record<string, unknown>).labels, { env: 'dev', [ARGOCD_INSTANCE_LABEL]: 'clusters' });
    assert.equal((applied.metadata as Record<string, unknown>).namespace, 'ns-1');
    assert.equal((git.metadata as Record<string, unknown>).namespace, undefined, 'input not changed');
    const annotated = objectToApply(git, id, argoAnnotation);
    assert.deepEqual((annotated.metadata as Record<string, unknown>).annotations, { [ARGOCD_TRACKING_ANNOTATION]: trackingId('clusters', id) });
    const unknown = objectToApply(git, id, argoEither);
    assert.deepEqual((unknown.metadata as Record<string, unknown>).labels, { env: 'dev' }, 'method unknown: nothing set');
    const ns = objectToApply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', namespace: 'x' } }, { group: '', kind: 'Namespace', namespace: '', name: 'a' }, argoEither);
    assert.equal((ns.metadata as Record<string, unknown>).namespace, undefined, 'cluster-scoped: no namespace');
  });
});

describe('templates in Git', () => {
  it('a document with ${VAR} placeholders is not compared, and says why', async () => {
    const { gitObjectsFromText } = await import('../../src/core/reconcile/git-objects');
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: real\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${NAME}\n';
    const r = gitObjectsFromText('t.yaml', text);
    assert.deepEqual(r.objects.map((o) => (o.object.metadata as { name: string }).name), ['real']);
    assert.match(r.problems[0], /^t\.yaml:6: not compared: a template \(it holds \$\{NAME\}\)/);
  });
});
