import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applicationFindings, destinationPermitted, groupKindPermitted, projectRulesOf, resourceFinding, sourcePermitted } from '../../src/argocd/projects';
import { filteredResources, globMatch, isExcluded, type FilteredResource } from '../../src/core/reconcile/resource-filter';
import { settingsFrom } from '../../src/argocd/settings';

const proj = (spec: Record<string, unknown>) => projectRulesOf({ metadata: { name: 'team', namespace: 'argocd' }, spec });
const place = { repoURL: 'https://github.com/acme/deploy.git', server: 'https://kubernetes.default.svc', namespace: 'team-a' };

describe("Argo CD's AppProject rules", () => {
  it('sourceRepos: *, the same repository in another form, globs, and ! denies', () => {
    assert.equal(sourcePermitted(proj({ sourceRepos: ['*'] }), place.repoURL), true);
    assert.equal(sourcePermitted(proj({ sourceRepos: ['https://github.com/acme/deploy'] }), place.repoURL), true);
    assert.equal(sourcePermitted(proj({ sourceRepos: ['https://github.com/acme/*'] }), place.repoURL), true);
    assert.equal(sourcePermitted(proj({ sourceRepos: ['https://github.com/other/*'] }), place.repoURL), false);
    assert.equal(sourcePermitted(proj({ sourceRepos: ['*', '!https://github.com/acme/*'] }), place.repoURL), false);
    assert.equal(sourcePermitted(proj({}), place.repoURL), false, 'no sourceRepos: none');
  });

  it('destinations: server or name, namespace globs, and ! denies', () => {
    assert.equal(destinationPermitted(proj({ destinations: [{ server: '*', namespace: 'team-*' }] }), place, 'team-a'), true);
    assert.equal(destinationPermitted(proj({ destinations: [{ name: 'in-cluster', namespace: 'team-a' }] }), place, 'team-a'), true);
    assert.equal(destinationPermitted(proj({ destinations: [{ server: '*', namespace: 'team-b' }] }), place, 'team-a'), false);
    assert.equal(destinationPermitted(proj({ destinations: [{ server: '*', namespace: '*' }, { server: '*', namespace: '!kube-system' }] }), place, 'kube-system'), false);
    assert.equal(destinationPermitted(proj({ destinations: [{ server: '*', namespace: '*' }, { server: '*', namespace: '!kube-system' }] }), place, 'team-a'), true);
  });

  it('kinds: cluster-scoped need clusterResourceWhitelist; namespaced are allowed unless a whitelist leaves them out or a blacklist names them', () => {
    const p = proj({ clusterResourceWhitelist: [{ group: 'rbac.authorization.k8s.io', kind: '*' }], namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }] });
    assert.equal(groupKindPermitted(p, { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }, false), true);
    assert.equal(groupKindPermitted(p, { group: '', kind: 'Namespace' }, false), false);
    assert.equal(groupKindPermitted(p, { group: '', kind: 'ConfigMap' }, true), true);
    assert.equal(groupKindPermitted(p, { group: '', kind: 'ResourceQuota' }, true), false);
    assert.equal(groupKindPermitted(proj({ namespaceResourceWhitelist: [] }), { group: '', kind: 'ConfigMap' }, true), false, 'an empty whitelist: none');
  });

  it("the findings carry Argo CD's messages and the rule", () => {
    const p = proj({ sourceRepos: ['https://github.com/other/*'], destinations: [{ server: '*', namespace: 'team-b' }] });
    assert.deepEqual(applicationFindings(p, place).map((f) => f.rule), ['argocd-project-source', 'argocd-project-destination']);
    const f = resourceFinding(p, place, { group: '', kind: 'Namespace', name: 'x' });
    assert.equal(f?.rule, 'argocd-project-kind');
    assert.match(f?.message ?? '', /^resource :Namespace is not permitted in project team /);
  });

  it('globs: * and ? and {a,b}; other characters literal', () => {
    assert.deepEqual([globMatch('team-*', 'team-a'), globMatch('team-?', 'team-ab'), globMatch('{a,b}.io', 'b.io'), globMatch('a.b', 'axb')], [true, false, true, false]);
  });
});

describe("Argo CD's resource filter (resource.exclusions, resource.inclusions)", () => {
  const filter = (exclusions: unknown, inclusions: unknown = []) => ({ exclusions: filteredResources(exclusions) as FilteredResource[], inclusions: filteredResources(inclusions) as FilteredResource[], cluster: 'https://kubernetes.default.svc' });

  it('an exclusion matches when each of its lists is empty or has a match; its clusters are the destination URL', () => {
    const f = filter([{ apiGroups: ['*.example.com'], kinds: ['*'] }, { apiGroups: [''], kinds: ['Secret'], clusters: ['https://other'] }]);
    assert.equal(isExcluded(f, 'a.example.com', 'Widget'), true);
    assert.equal(isExcluded(f, '', 'Secret'), false, 'another cluster');
    assert.equal(isExcluded(f, '', 'ConfigMap'), false);
  });

  it("Argo CD's own exclusions (Events, Leases, metrics) always apply; inclusions leave out everything else", () => {
    assert.equal(isExcluded(filter([]), '', 'Event'), true);
    assert.equal(isExcluded(filter([]), 'coordination.k8s.io', 'Lease'), true);
    const only = filter([], [{ apiGroups: ['apps'] }]);
    assert.deepEqual([isExcluded(only, 'apps', 'Deployment'), isExcluded(only, '', 'ConfigMap')], [false, true]);
    assert.equal(isExcluded(undefined, '', 'Event'), false, 'not an Argo CD target: nothing is filtered');
  });

  it('argocd-cm text: a YAML list; anything else is a warning and nothing is excluded', () => {
    const s = settingsFrom('argocd', { 'resource.exclusions': '- apiGroups: [""]\n  kinds: [Secret]\n', 'resource.inclusions': 'kinds: x' }, undefined);
    assert.deepEqual(s.exclusions, [{ apiGroups: [''], kinds: ['Secret'], clusters: [] }]);
    assert.deepEqual(s.inclusions, []);
    assert.equal(s.warnings.filter((w) => w.startsWith('argocd-cm resource.inclusions: must be a list')).length, 1, s.warnings.join('\n'));
  });
});
