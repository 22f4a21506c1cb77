/** The Argo CD UI's address of an Application and of one of its resources, as the UI forms it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argoCdBase, argoCdUrl, trackingApplication } from '../../src/core/argocd-link';

const app = { namespace: 'argocd', name: 'guestbook' };

describe('argoCdUrl', () => {
  it('names the Application by its namespace and name', () => {
    assert.equal(argoCdUrl('https://argocd.example.com', app), 'https://argocd.example.com/applications/argocd/guestbook');
  });

  it('filters to the resource and selects its node (group/kind/namespace/name/container)', () => {
    const url = argoCdUrl('https://argocd.example.com', app, { group: 'apps', kind: 'Deployment', namespace: 'team-a', name: 'web' });
    assert.equal(url, 'https://argocd.example.com/applications/argocd/guestbook?resource=kind:Deployment,name:web,namespace:team-a&node=apps/Deployment/team-a/web/0');
    const params = new URL(url).searchParams;
    assert.equal(params.get('resource'), 'kind:Deployment,name:web,namespace:team-a');
    assert.equal(params.get('node'), 'apps/Deployment/team-a/web/0');
  });

  it('a core kind has an empty group, a cluster-scoped one an empty namespace, as the UI\'s node keys', () => {
    assert.equal(new URL(argoCdUrl('https://a.example', app, { group: '', kind: 'ConfigMap', namespace: 'team-a', name: 'cm' })).searchParams.get('node'), '/ConfigMap/team-a/cm/0');
    const ns = new URL(argoCdUrl('https://a.example', app, { group: '', kind: 'Namespace', name: 'team-a' })).searchParams;
    assert.equal(ns.get('node'), '/Namespace//team-a/0');
    assert.equal(ns.get('resource'), 'kind:Namespace,name:team-a');
  });

  it('keeps the path Argo CD is served under', () => {
    assert.equal(argoCdUrl(argoCdBase('https://tools.example.com/argocd/')!, app), 'https://tools.example.com/argocd/applications/argocd/guestbook');
  });
});

describe('argoCdBase', () => {
  it('accepts an http(s) address, without its trailing slash', () => {
    assert.equal(argoCdBase(' https://argocd.example.com/ '), 'https://argocd.example.com');
    assert.equal(argoCdBase('http://localhost:8080'), 'http://localhost:8080');
  });

  it('refuses what is not an address of the UI', () => {
    for (const bad of ['', 'argocd.example.com', 'ftp://argocd.example.com', 'https://argocd.example.com/?a=1', 'https://user:pw@argocd.example.com']) {
      assert.equal(argoCdBase(bad), undefined, bad);
    }
  });
});

describe('trackingApplication', () => {
  const live = (id: string) => ({ metadata: { annotations: { 'argocd.argoproj.io/tracking-id': id } } });

  it('reads the Application of a tracking id that names its namespace', () => {
    assert.deepEqual(trackingApplication(live('apps_guestbook:apps/Deployment:team-a/web')), { namespace: 'apps', name: 'guestbook' });
  });

  it('says nothing when the id names no namespace, or there is none', () => {
    assert.equal(trackingApplication(live('guestbook:apps/Deployment:team-a/web')), undefined);
    assert.equal(trackingApplication({ metadata: {} }), undefined);
    assert.equal(trackingApplication(undefined), undefined);
  });
});
