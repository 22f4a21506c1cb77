/**
 * Discovery's answers on disk (the command line's cache): used while fresh, asked again when a
 * kind is missing from them or after refresh(), stale ones ignored; and connections of users
 * with a token, a certificate or a password, which need no client-node.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Connection } from '../../src/cluster/connection';
import { needsClientNode } from '../../src/cluster/connection';
import { Discovery } from '../../src/cluster/discovery';
import { ConnectionSession } from '../../src/cluster/session';
import { parseKubeconfigText, Kubeconfig } from '../../src/cluster/kubeconfig';

type Answers = Record<string, unknown>;

const CORE = { groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get', 'list'] }, { name: 'namespaces', kind: 'Namespace', namespaced: false }] };
const GROUPS = (versions: string[]) => ({ groups: [{ name: 'run.tanzu.vmware.com', versions: versions.map((v) => ({ groupVersion: `run.tanzu.vmware.com/${v}`, version: v })), preferredVersion: { version: versions[0] } }] });
const TKC = (v: string, kinds = ['TanzuKubernetesCluster']) => ({
  groupVersion: `run.tanzu.vmware.com/${v}`,
  resources: kinds.map((k) => ({ name: `${k.toLowerCase()}s`, kind: k, namespaced: true, verbs: ['list'], shortNames: ['x'], storageVersionHash: 'h' })),
});

/** A connection that answers discovery paths from a table, and counts what it was asked. */
function fakeConnection(server: string, answers: Answers): { connection: Connection; asked: string[] } {
  const asked: string[] = [];
  const connection = {
    server,
    async request(req: { path: string }) {
      asked.push(req.path);
      if (!(req.path in answers)) throw Object.assign(new Error(`no answer for ${req.path}`), { statusCode: 404 });
      return JSON.parse(JSON.stringify(answers[req.path]));
    },
  } as unknown as Connection;
  return { connection, asked };
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tg-discovery-'));
}

describe('Discovery on disk', () => {
  const answers: Answers = { '/api/v1': CORE, '/apis': GROUPS(['v1alpha2']), '/apis/run.tanzu.vmware.com/v1alpha2': TKC('v1alpha2') };

  it('a second process asks the server nothing while the saved answers are fresh', async () => {
    const dir = tmpDir();
    const first = fakeConnection('https://a:6443', answers);
    const d1 = new Discovery(first.connection, { cache: { dir } });
    assert.equal((await d1.require('', 'ConfigMap')).resource, 'configmaps');
    assert.equal((await d1.require('run.tanzu.vmware.com', 'TanzuKubernetesCluster', 'v1alpha2')).resource, 'tanzukubernetesclusters');
    d1.flush();
    assert.deepEqual(first.asked.sort(), ['/api/v1', '/apis', '/apis/run.tanzu.vmware.com/v1alpha2']);

    const second = fakeConnection('https://a:6443', answers);
    const d2 = new Discovery(second.connection, { cache: { dir } });
    const info = await d2.require('run.tanzu.vmware.com', 'TanzuKubernetesCluster');
    assert.deepEqual({ ...info }, { group: 'run.tanzu.vmware.com', version: 'v1alpha2', versions: ['v1alpha2'], kind: 'TanzuKubernetesCluster', resource: 'tanzukubernetesclusters', namespaced: true, verbs: ['list'] });
    assert.equal((await d2.resource('', 'Namespace'))?.namespaced, false);
    assert.deepEqual(second.asked, []);

    // another server: its own file
    const other = fakeConnection('https://b:6443', answers);
    await new Discovery(other.connection, { cache: { dir } }).require('', 'ConfigMap');
    assert.deepEqual(other.asked, ['/api/v1']);
    // only what Discovery reads is kept
    const saved = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('');
    assert.ok(!saved.includes('storageVersionHash') && !saved.includes('shortNames'));
  });

  it('a kind or version the saved answers lack is asked of the server before it counts as not served', async () => {
    const dir = tmpDir();
    const d1 = new Discovery(fakeConnection('https://a:6443', answers).connection, { cache: { dir } });
    await d1.require('run.tanzu.vmware.com', 'TanzuKubernetesCluster');
    d1.flush();
    // since then: a new version of the group, a new kind in it, a new group
    const now: Answers = {
      ...answers,
      '/apis': { groups: [...GROUPS(['v1alpha3', 'v1alpha2']).groups, { name: 'example.com', versions: [{ groupVersion: 'example.com/v1', version: 'v1' }] }] },
      '/apis/run.tanzu.vmware.com/v1alpha3': TKC('v1alpha3', ['TanzuKubernetesCluster', 'TanzuKubernetesRelease']),
      '/apis/example.com/v1': { groupVersion: 'example.com/v1', resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }] },
    };
    const second = fakeConnection('https://a:6443', now);
    const d2 = new Discovery(second.connection, { cache: { dir } });
    assert.equal((await d2.require('run.tanzu.vmware.com', 'TanzuKubernetesCluster', 'v1alpha3')).version, 'v1alpha3');
    assert.equal((await d2.require('run.tanzu.vmware.com', 'TanzuKubernetesRelease')).resource, 'tanzukubernetesreleases');
    assert.equal((await d2.require('example.com', 'Widget')).resource, 'widgets');
    // what was just asked of the server is not asked again: not served is not served
    const before = second.asked.length;
    assert.equal(await d2.resource('example.com', 'Gadget'), undefined);
    assert.equal(await d2.resource('nowhere.io', 'Thing'), undefined);
    assert.equal(second.asked.length, before);

    // a kind missing from a group read from disk: the group is asked again once, then it is not served
    const third = fakeConnection('https://a:6443', answers);
    const d3 = new Discovery(third.connection, { cache: { dir } });
    assert.equal(await d3.resource('run.tanzu.vmware.com', 'Nothing'), undefined);
    assert.ok(third.asked.includes('/apis/run.tanzu.vmware.com/v1alpha2'), third.asked.join());
    const asked = third.asked.length;
    assert.equal(await d3.resource('run.tanzu.vmware.com', 'Nothing'), undefined);
    assert.equal(third.asked.length, asked);
  });

  it('lookups that miss at the same time share one fresh answer (none is told "not served" from stale data)', async () => {
    const dir = tmpDir();
    const saved: Answers = {
      '/api/v1': CORE,
      '/apis': { groups: [...GROUPS(['v1alpha2']).groups, { name: 'example.com', versions: [{ groupVersion: 'example.com/v1', version: 'v1' }] }] },
      '/apis/run.tanzu.vmware.com/v1alpha2': TKC('v1alpha2'),
      '/apis/example.com/v1': { groupVersion: 'example.com/v1', resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }] },
    };
    const d1 = new Discovery(fakeConnection('https://a:6443', saved).connection, { cache: { dir } });
    await d1.require('run.tanzu.vmware.com', 'TanzuKubernetesCluster');
    await d1.require('example.com', 'Widget');
    d1.flush();
    const now: Answers = {
      ...saved,
      '/apis/run.tanzu.vmware.com/v1alpha2': TKC('v1alpha2', ['TanzuKubernetesCluster', 'TanzuKubernetesRelease', 'OSImage']),
      '/apis/example.com/v1': { groupVersion: 'example.com/v1', resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }, { name: 'gadgets', kind: 'Gadget', namespaced: true }] },
    };
    const c = fakeConnection('https://a:6443', now);
    const d2 = new Discovery(c.connection, { cache: { dir } });
    const [tkr, os, gadget] = await Promise.all([
      d2.resource('run.tanzu.vmware.com', 'TanzuKubernetesRelease'),
      d2.resource('run.tanzu.vmware.com', 'OSImage'),
      d2.resource('example.com', 'Gadget'),
    ]);
    assert.deepEqual([tkr?.resource, os?.resource, gadget?.resource], ['tanzukubernetesreleases', 'osimages', 'gadgets']);
    assert.equal(c.asked.filter((p) => p === '/apis').length, 1, c.asked.join());
    assert.equal(c.asked.filter((p) => p === '/apis/run.tanzu.vmware.com/v1alpha2').length, 1, c.asked.join());
  });

  it('answers older than the time to live are not used; refresh() reads nothing more from disk', async () => {
    const dir = tmpDir();
    const d1 = new Discovery(fakeConnection('https://a:6443', answers).connection, { cache: { dir, ttlMs: 60_000 } });
    await d1.require('', 'ConfigMap');
    d1.flush();
    const stale = fakeConnection('https://a:6443', answers);
    await new Discovery(stale.connection, { cache: { dir, ttlMs: 0 } }).require('', 'ConfigMap');
    assert.deepEqual(stale.asked, ['/api/v1']);

    const fresh = fakeConnection('https://a:6443', answers);
    const d3 = new Discovery(fresh.connection, { cache: { dir, ttlMs: 60_000 } });
    await d3.require('', 'ConfigMap');
    assert.deepEqual(fresh.asked, []);
    d3.refresh();
    await d3.require('', 'ConfigMap');
    assert.deepEqual(fresh.asked, ['/api/v1']);
  });

  it('a cache file that is broken, or of another server, is no cache', async () => {
    const dir = tmpDir();
    const d1 = new Discovery(fakeConnection('https://a:6443', answers).connection, { cache: { dir } });
    await d1.require('', 'ConfigMap');
    d1.flush();
    const [file] = fs.readdirSync(dir);
    fs.writeFileSync(path.join(dir, file), '{ not json');
    const c = fakeConnection('https://a:6443', answers);
    await new Discovery(c.connection, { cache: { dir } }).require('', 'ConfigMap');
    assert.deepEqual(c.asked, ['/api/v1']);
    fs.writeFileSync(path.join(dir, file), JSON.stringify({ version: 1, server: 'https://elsewhere', entries: { '/api/v1': { at: Date.now(), body: CORE } } }));
    const d = fakeConnection('https://a:6443', answers);
    await new Discovery(d.connection, { cache: { dir } }).require('', 'ConfigMap');
    assert.deepEqual(d.asked, ['/api/v1']);
  });

  it('without a cache option nothing is written', async () => {
    const c = fakeConnection('https://a:6443', answers);
    const d = new Discovery(c.connection);
    await d.require('', 'ConfigMap');
    await d.require('', 'ConfigMap');
    d.flush();
    assert.deepEqual(c.asked, ['/api/v1']);
  });
});

describe('credentials without client-node', () => {
  const user = (u: Record<string, unknown>) => ({ name: 'u', file: '/k', ...u }) as Parameters<typeof needsClientNode>[0];

  it('only exec plugins, auth providers and SOCKS proxies need it', () => {
    assert.equal(needsClientNode(user({ token: 't' }), undefined), false);
    assert.equal(needsClientNode(user({ certData: 'c', keyData: 'k' }), 'http://proxy:3128'), false);
    assert.equal(needsClientNode(user({ username: 'a', password: 'b' }), undefined), false);
    assert.equal(needsClientNode(user({ exec: { command: 'kubectl-vsphere' } }), undefined), true);
    assert.equal(needsClientNode(user({ authProvider: { name: 'oidc' } }), undefined), true);
    assert.equal(needsClientNode(user({ token: 't' }), 'socks5://proxy:1080'), true);
  });

  it('a session of a token user opens without loading client-node', async () => {
    const file = path.join(tmpDir(), 'config');
    const text = [
      'apiVersion: v1', 'kind: Config',
      'clusters:', '- name: c', '  cluster:', '    server: https://127.0.0.1:1', '    certificate-authority-data: ' + Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n').toString('base64'),
      'users:', '- name: u', '  user:', '    token: abcdefgh12345678',
      'contexts:', '- name: ctx', '  context:', '    cluster: c', '    user: u',
      'current-context: ctx', '',
    ].join('\n');
    fs.writeFileSync(file, text);
    const kubeconfig = new Kubeconfig([parseKubeconfigText(text, file)], 'setting');
    const session = await ConnectionSession.open({ kubeconfig, allowExec: false });
    try {
      assert.equal(session.context, 'ctx');
      assert.ok(!Object.keys(require.cache).some((k) => k.includes(`${path.sep}@kubernetes${path.sep}client-node${path.sep}`)), 'client-node was loaded');
    } finally {
      session.dispose();
    }
  });
});
