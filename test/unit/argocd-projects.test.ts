import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applicationFindings, destinationPermitted, globMatch, groupKindPermitted, projectRulesOf, resourceFinding, sourcePermitted } from '../../src/argocd/projects';

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
