/** Kubeconfig loading as kubectl does it: file precedence, KUBECONFIG merging, relative paths, clear errors. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { KubeconfigError, contextKubeconfigText, kubeconfigFiles, loadKubeconfig, parseKubeconfigText } from '../../src/cluster/kubeconfig';
import { redact } from '../../src/cluster/redact';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-kubeconfig-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUXq\n-----END CERTIFICATE-----\n';
const CA_DATA = Buffer.from(CA_PEM).toString('base64');

function write(rel: string, text: string): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function jwt(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk`;
}

const first = write('a/config', `
apiVersion: v1
kind: Config
clusters:
- name: supervisor
  cluster:
    server: https://10.1.2.3:6443/
    certificate-authority: certs/ca.crt
users:
- name: wcp:10.1.2.3:administrator@vsphere.local
  user:
    token: ${jwt({ sub: 'sso:administrator@vsphere.local', exp: 2_000_000_000 })}
contexts:
- name: team-a
  context:
    cluster: supervisor
    user: wcp:10.1.2.3:administrator@vsphere.local
    namespace: team-a
- name: shared
  context:
    cluster: supervisor
    user: wcp:10.1.2.3:administrator@vsphere.local
current-context: team-a
`);
write('a/certs/ca.crt', CA_PEM);
const second = write('b/config', `
clusters:
- name: supervisor
  cluster:
    server: https://should-not-win:6443
- name: other
  cluster:
    server: https://other.example.com
    certificate-authority-data: ${CA_DATA}
users:
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./bin/get-token
      args: [--cluster, other]
contexts:
- name: shared
  context:
    cluster: other
    user: exec-user
    namespace: should-not-win
- name: other
  context:
    cluster: other
    user: exec-user
current-context: other
`);

describe('kubeconfigFiles', () => {
  it('prefers the explicit list, then KUBECONFIG (":"-separated), then ~/.kube/config', () => {
    const env = { KUBECONFIG: `${first}${path.delimiter}${path.delimiter}${second}` };
    assert.deepEqual(kubeconfigFiles({ paths: ['~/k.yaml'], env, homeDir: '/home/u' }), { files: ['/home/u/k.yaml'], origin: 'setting' });
    assert.deepEqual(kubeconfigFiles({ env, homeDir: '/home/u' }), { files: [first, second], origin: 'KUBECONFIG' });
    assert.deepEqual(kubeconfigFiles({ env: {}, homeDir: '/home/u' }), { files: ['/home/u/.kube/config'], origin: 'default' });
    assert.deepEqual(kubeconfigFiles({ paths: ['  '], env: {}, homeDir: '/h' }).origin, 'default');
  });
});

describe('loadKubeconfig: merging as kubectl does', () => {
  const kc = loadKubeconfig({ env: { KUBECONFIG: [first, path.join(tmp, 'missing'), second].join(path.delimiter) } });

  it('skips missing KUBECONFIG files, and the first file to name a cluster, user, context or current-context wins', () => {
    assert.deepEqual(kc.files, [first, second]);
    assert.equal(kc.currentContext, 'team-a');
    assert.deepEqual(kc.contextNames(), ['team-a', 'shared', 'other']);
    const shared = kc.resolve('shared');
    assert.equal(shared.cluster.server, 'https://10.1.2.3:6443', 'cluster "supervisor" of the first file, trailing slash dropped');
    assert.equal(shared.namespace, 'default', 'no namespace in the first file\'s context → default');
    assert.equal(kc.resolve('other').cluster.server, 'https://other.example.com');
  });

  it('resolves relative file references against the file that holds them', () => {
    assert.equal(kc.resolve('team-a').cluster.caFile, path.join(tmp, 'a/certs/ca.crt'));
    assert.equal(kc.resolve('other').user.exec?.command, path.join(tmp, 'b/bin/get-token'));
  });

  it('lists contexts with namespace, server and how the user authenticates', () => {
    const byName = new Map(kc.contexts().map((c) => [c.name, c]));
    assert.deepEqual(byName.get('team-a'), {
      name: 'team-a', cluster: 'supervisor', user: 'wcp:10.1.2.3:administrator@vsphere.local', namespace: 'team-a',
      server: 'https://10.1.2.3:6443', auth: 'token', execCommand: undefined, isCurrent: true,
    });
    assert.equal(byName.get('other')?.auth, 'exec');
    assert.equal(byName.get('other')?.execCommand, path.join(tmp, 'b/bin/get-token'));
    assert.equal(kc.namespace(), 'team-a');
  });

  it('reads the token expiry and the vSphere login command of a context', () => {
    assert.equal(kc.tokenExpiry('team-a')?.toISOString(), new Date(2_000_000_000 * 1000).toISOString());
    assert.equal(kc.tokenExpiry('other'), undefined);
    assert.equal(kc.loginHint('team-a'), 'kubectl vsphere login --server 10.1.2.3 --vsphere-username administrator@vsphere.local');
  });

  it('reads a token-file, relative to the kubeconfig', () => {
    write('t/token', `${jwt({ exp: 1_900_000_000 })}\n`);
    const file = write('t/config', 'clusters: [{name: c, cluster: {server: "https://h"}}]\nusers: [{name: u, user: {token-file: token}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n');
    const k = loadKubeconfig({ paths: [file] });
    assert.equal(k.tokenExpiry('x')?.getTime(), 1_900_000_000_000);
    assert.equal(k.contexts()[0].auth, 'tokenFile');
  });
});

describe('loadKubeconfig: errors name the file and the problem', () => {
  const fails = (f: () => unknown, pattern: RegExp, file?: string) => {
    assert.throws(f, (err: unknown) => {
      assert.ok(err instanceof KubeconfigError, String(err));
      assert.equal(err.kind, 'config');
      assert.match(err.message, pattern);
      if (file) assert.equal(err.file, file);
      return true;
    });
  };

  it('a missing file from the settings, a KUBECONFIG of missing files, no ~/.kube/config', () => {
    const missing = path.join(tmp, 'nope.yaml');
    fails(() => loadKubeconfig({ paths: [missing] }), /kubeconfig file .*nope\.yaml \(from the settings\) does not exist/, missing);
    fails(() => loadKubeconfig({ paths: [missing], pathsFrom: 'command line' }), /kubeconfig file .*nope\.yaml \(from --kubeconfig\) does not exist/, missing);
    fails(() => loadKubeconfig({ env: { KUBECONFIG: `${missing}:${missing}2` } }), /None of the kubeconfig files in KUBECONFIG exists: .*nope\.yaml, .*nope\.yaml2/);
    fails(() => loadKubeconfig({ env: {}, homeDir: path.join(tmp, 'home') }), /No kubeconfig: .*home\/\.kube\/config does not exist and KUBECONFIG is not set/);
  });

  it('broken YAML: file, line and column, and no secret quoted from the file', () => {
    const secret = 'sekrit-token-0123456789abcdef';
    const file = write('broken.yaml', `users:\n- name: u\n  user:\n    token: ${secret}\n  bad: [unclosed\n`);
    fails(() => loadKubeconfig({ paths: [file] }), /broken\.yaml is not valid YAML at line \d+, column \d+/, file);
    try {
      loadKubeconfig({ paths: [file] });
    } catch (err) {
      assert.ok(!(err as Error).message.includes(secret), (err as Error).message);
    }
  });

  it('wrong shapes: not a mapping, a list that is not a list, an entry without a name, a folder', () => {
    fails(() => loadKubeconfig({ paths: [write('list.yaml', '- a\n- b\n')] }), /list\.yaml is not a kubeconfig: expected a mapping .* found a list/);
    fails(() => loadKubeconfig({ paths: [write('clusters.yaml', 'clusters: {a: 1}\n')] }), /clusters\.yaml is broken: clusters must be a list, found a mapping/);
    fails(() => loadKubeconfig({ paths: [write('noname.yaml', 'contexts:\n- context: {cluster: c}\n')] }), /noname\.yaml is broken: contexts\[0\] has no name/);
    fails(() => loadKubeconfig({ paths: [write('server.yaml', 'clusters:\n- name: c\n  cluster: {server: 6443}\n')] }), /clusters\[0\] \("c"\)\.server must be a string, found a number/);
    fails(() => loadKubeconfig({ paths: [tmp] }), /is a folder, not a file/);
  });

  it('an empty file is an empty kubeconfig; choosing a context from it says which exist', () => {
    const k = loadKubeconfig({ paths: [write('empty.yaml', '\n')] });
    assert.deepEqual(k.contextNames(), []);
    fails(() => k.resolve(), /No context chosen and no current-context in .*empty\.yaml/);
  });

  it('unusable contexts: unknown name, dangling cluster or user, no server, bad CA', () => {
    const file = write('dangling.yaml', `
clusters:
- {name: noserver, cluster: {}}
- {name: badca, cluster: {server: "https://h", certificate-authority-data: bm90IGEgY2VydA==}}
- {name: missingca, cluster: {server: "https://h", certificate-authority: /nonexistent/ca.crt}}
- {name: ok, cluster: {server: "https://h"}}
contexts:
- {name: c1, context: {cluster: gone, user: u}}
- {name: c2, context: {cluster: ok, user: ghost}}
- {name: c3, context: {cluster: noserver}}
- {name: c4, context: {cluster: badca}}
- {name: c5, context: {cluster: missingca}}
`);
    const k = loadKubeconfig({ paths: [file] });
    fails(() => k.resolve('nope'), /There is no context "nope" in .*dangling\.yaml\. Contexts: c1, c2, c3, c4, c5/);
    fails(() => k.resolve('c1'), /Context "c1" .* names cluster "gone", which is not in/);
    fails(() => k.resolve('c2'), /Context "c2" .* names user "ghost", which is not in/);
    fails(() => k.resolve('c3'), /Cluster "noserver" .* has no server/);
    fails(() => k.resolve('c4'), /certificate-authority-data of cluster "badca" .* is not base64 of a PEM certificate/);
    fails(() => k.resolve('c5'), /certificate-authority file \/nonexistent\/ca\.crt of cluster "missingca" .* does not exist/);
  });

  it('registers credentials for redaction as it loads them', () => {
    const token = 'opaque-static-token-5f1b2c3d4e';
    loadKubeconfig({ paths: [write('opaque.yaml', `users: [{name: u, user: {token: ${token}}}]\n`)] });
    assert.equal(redact(`sent ${token} to the server`), 'sent [redacted] to the server');
  });
});

describe('contextKubeconfigText: one context as a file of its own', () => {
  it('holds that context, its cluster and user (relative files made absolute), current, and nothing of the others', () => {
    write('ctx/ca.pem', CA_PEM);
    write('ctx/token', 'file-token-0123456789');
    const file = write('ctx/config', `
apiVersion: v1
kind: Config
clusters:
- {name: wl, cluster: {server: "https://10.0.0.7:6443", certificate-authority: ca.pem}}
- {name: other, cluster: {server: "https://10.0.0.8:6443", certificate-authority-data: ${CA_DATA}}}
users:
- {name: wl-admin, user: {token-file: token}}
- {name: other-admin, user: {token: other-secret-token-abcdef}}
contexts:
- {name: wl-ctx, context: {cluster: wl, user: wl-admin, namespace: apps}}
- {name: other-ctx, context: {cluster: other, user: other-admin}}
current-context: other-ctx
`);
    const text = contextKubeconfigText(loadKubeconfig({ paths: [file] }), 'wl-ctx');
    const parsed = parseKubeconfigText(text, path.join(os.tmpdir(), 'elsewhere', 'saved.yaml'));
    assert.equal(parsed.currentContext, 'wl-ctx');
    assert.deepEqual(parsed.contexts.map((c) => [c.name, c.cluster, c.user, c.namespace]), [['wl-ctx', 'wl', 'wl-admin', 'apps']]);
    assert.deepEqual(parsed.clusters.map((c) => [c.server, c.caFile]), [['https://10.0.0.7:6443', path.join(tmp, 'ctx', 'ca.pem')]]);
    assert.deepEqual(parsed.users.map((u) => u.tokenFile), [path.join(tmp, 'ctx', 'token')]);
    assert.doesNotMatch(text, /other/);
  });
});

