/**
 * argocd-cm `resource.compareoptions` as Argo CD reads and applies them: `ignoreResourceStatusField`
 * (all, Argo CD 3's default; crd; none) and `ignoreAggregatedRoles`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settingsFrom } from '../../src/argocd/settings';
import { compareResource } from '../../src/core/diff/compare';
import type { ArgoCompareOptions, KubeObject, ObjectRef } from '../../src/core/diff/types';

const options = (text: string | undefined) => settingsFrom('argocd', text === undefined ? {} : { 'resource.compareoptions': text }, undefined);

const CRD_REF: ObjectRef = { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', namespace: '', name: 'widgets.example.com' };
const CM_REF: ObjectRef = { group: '', kind: 'ConfigMap', namespace: 'team-a', name: 'settings' };
const ROLE_REF: ObjectRef = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', namespace: '', name: 'monitoring' };

function crd(status: Record<string, unknown> | undefined): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced' },
    ...(status ? { status } : {}),
  };
}
const configMap = (status?: unknown): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'team-a' }, data: { a: '1' }, ...(status !== undefined ? { status } : {}) });

function differs(ref: ObjectRef, git: KubeObject, live: KubeObject, compareOptions?: ArgoCompareOptions): string[] {
  return compareResource({ ref, name: ref.name, git, live, ...(compareOptions ? { options: { compareOptions } } : {}) }).changes.map((c) => c.path);
}

describe('resource.compareoptions: reading', () => {
  it('absent: Argo CD 3\'s defaults (every status ignored, aggregated roles compared), no warning', () => {
    const s = options(undefined);
    assert.deepEqual(s.compareOptions, { ignoreAggregatedRoles: false, ignoreResourceStatusField: 'all' });
    assert.deepEqual(s.warnings, []);
  });

  it('reads both keys; what it does not set keeps its default', () => {
    assert.deepEqual(options('ignoreAggregatedRoles: true\nignoreResourceStatusField: crd\n').compareOptions, { ignoreAggregatedRoles: true, ignoreResourceStatusField: 'crd' });
    assert.deepEqual(options('ignoreResourceStatusField: none\n').compareOptions, { ignoreAggregatedRoles: false, ignoreResourceStatusField: 'none' });
  });

  it('a value it cannot use is named in a warning and the default is kept', () => {
    const s = options('ignoreResourceStatusField: some\nignoreAggregatedRoles: maybe\n');
    assert.deepEqual(s.compareOptions, { ignoreAggregatedRoles: false, ignoreResourceStatusField: 'all' });
    assert.equal(s.warnings.length, 2, s.warnings.join('\n'));
    assert.match(s.warnings[0], /ignoreAggregatedRoles "maybe" is not true or false/);
    assert.match(s.warnings[1], /ignoreResourceStatusField "some" is not crd, all or none/);
    const broken = options('ignoreResourceStatusField: [crd\n');
    assert.deepEqual(broken.compareOptions, { ignoreAggregatedRoles: false, ignoreResourceStatusField: 'all' });
    assert.match(broken.warnings[0], /argocd-cm resource\.compareoptions: not YAML/);
  });
});

describe('resource.compareoptions: comparing', () => {
  const gitCrd = crd({ conditions: [], storedVersions: [] });
  const liveCrd = crd({ conditions: [{ type: 'Established', status: 'True' }], storedVersions: ['v1'] });

  it('all (the default): a status Git sets is never a difference', () => {
    assert.deepEqual(differs(CRD_REF, gitCrd, liveCrd), []);
    assert.deepEqual(differs(CRD_REF, gitCrd, liveCrd, { ignoreResourceStatusField: 'all' }), []);
    assert.deepEqual(differs(CM_REF, configMap({ a: 1 }), configMap({ a: 2 }), { ignoreResourceStatusField: 'all' }), []);
  });

  it('crd: a CRD\'s status is ignored, another kind\'s status that Git sets is compared', () => {
    assert.deepEqual(differs(CRD_REF, gitCrd, liveCrd, { ignoreResourceStatusField: 'crd' }), []);
    assert.deepEqual(differs(CM_REF, configMap({ a: 1 }), configMap({ a: 2 }), { ignoreResourceStatusField: 'crd' }), ['status.a']);
  });

  it('none: the CRD\'s status Git sets differs from the live one', () => {
    const paths = differs(CRD_REF, gitCrd, liveCrd, { ignoreResourceStatusField: 'none' });
    assert.ok(paths.length > 0 && paths.every((p) => p.startsWith('status.')), paths.join(', '));
  });

  it('none: a status Git does not set is not a difference', () => {
    assert.deepEqual(differs(CRD_REF, crd(undefined), liveCrd, { ignoreResourceStatusField: 'none' }), []);
  });

  const role = (rules: unknown[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'monitoring' },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] },
    rules,
  });
  const aggregated = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }];

  it('ignoreAggregatedRoles: the rules of a role with an aggregationRule are left out; without it they differ', () => {
    assert.deepEqual(differs(ROLE_REF, role([]), role(aggregated), { ignoreAggregatedRoles: true }), []);
    assert.ok(differs(ROLE_REF, role([]), role(aggregated), { ignoreAggregatedRoles: false }).some((p) => p.startsWith('rules')));
  });

  it('ignoreAggregatedRoles: a role without an aggregationRule keeps its rules compared', () => {
    const plain = (rules: unknown[]): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'monitoring' }, rules });
    assert.ok(differs(ROLE_REF, plain([]), plain(aggregated), { ignoreAggregatedRoles: true }).some((p) => p.startsWith('rules')));
  });
});
