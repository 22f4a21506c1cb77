/**
 * The connection against the real local Supervisor: both users, a bad token, a wrong CA and a
 * wrong host name, exec credential plugins (trust and PATH), a proxy, and redaction of what it logs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClusterClient } from '../../src/cluster/client';
import { Connection } from '../../src/cluster/connection';
import { ClusterError } from '../../src/cluster/errors';
import { Kubeconfig, loadKubeconfig, parseKubeconfigText } from '../../src/cluster/kubeconfig';
import { adminToken, supervisor, type Supervisor } from './supervisor';

let sv: Supervisor;
let kc: Kubeconfig;
let text: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-conn-'));
const logs: string[] = [];
const log = (l: string) => logs.push(l);

before(async () => {
  sv = await supervisor();
  kc = loadKubeconfig({ paths: [sv.kubeconfig] });
  text = fs.readFileSync(sv.kubeconfig, 'utf8');
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A kubeconfig like the supervisor's, with the cluster and user changed. */
function variant(cluster: Record<string, unknown>, user: Record<string, unknown>, name = 'variant'): Kubeconfig {
  const file = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: sv.state.server, 'certificate-authority-data': fs.readFileSync(sv.state.ca).toString('base64'), ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name, context: { cluster: 'c', user: 'u', namespace: 'team-a' } }],
    'current-context': name,
  }));
  return loadKubeconfig({ paths: [file] });
}

async function client(k: Kubeconfig, context?: string, extra: Partial<Parameters<typeof Connection.open>[0]> = {}): Promise<ClusterClient> {
  return new ClusterClient(await Connection.open({ kubeconfig: k, context, allowExec: false, requestTimeoutMs: 5000, log, ...extra }));
}

async function rejects(p: Promise<unknown>): Promise<ClusterError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ClusterError, `not a ClusterError: ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

describe('both users of the local Supervisor', () => {
  it('admin lists the seeded namespaces', async () => {
    const c = await client(kc, 'local-supervisor-admin');
    const names = (await c.list({ group: '', kind: 'Namespace' })).items.map((n) => n.metadata?.name);
    for (const ns of ['team-a', 'team-b', 'team-c', 'argocd']) assert.ok(names.includes(ns), ns);
    c.connection.dispose();
  });

  it('dev reads team-a, and gets 403 in team-b with verb, resource and namespace in the message', async () => {
    const c = await client(kc, 'local-supervisor-dev');
    assert.equal(c.connection.namespace, 'team-a');
    const quotas = await c.list({ group: '', kind: 'ResourceQuota' }, { namespace: 'team-a' });
    assert.deepEqual(quotas.items.map((q) => q.metadata?.name), ['team-a-storagequota']);
    const e = await rejects(c.list({ group: '', kind: 'ConfigMap' }, { namespace: 'team-b' }));
    assert.equal(e.kind, 'forbidden');
    assert.equal(e.status, 403);
    assert.match(e.message, /User "dev" may not list configmaps in namespace "team-b" \(403 Forbidden\)/);
    const patch = await rejects(c.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'team-b' }, data: {} }, { fieldManager: 'tanzu-gitops-test' }));
    assert.match(patch.message, /may not patch configmaps in namespace "team-b"/);
    c.connection.dispose();
  });
});

describe('credentials that do not work', () => {
  it('a bad token: 401 with the log-in-again command, and the token nowhere in the message or logs', async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'HS256' })}.${b64({ sub: 'sso:devops@vsphere.local', exp: Math.floor(Date.now() / 1000) - 3600 })}.Zm9yZ2Vk`;
    const c = await client(variant({}, { token }, 'badtoken'));
    logs.length = 0;
    const e = await rejects(c.list({ group: '', kind: 'Namespace' }));
    assert.equal(e.kind, 'unauthorized');
    assert.match(e.message, /refused the credentials of context "badtoken" \(401 Unauthorized\): the token expired at \d{4}-.*Log in again: kubectl vsphere login --server 127\.0\.0\.1 --vsphere-username devops@vsphere\.local/);
    assert.ok(!e.message.includes(token));
    assert.ok(!logs.join('\n').includes(token.split('.')[1]));
    c.connection.dispose();
  });

  it('a wrong CA: a tls error that says what to set', async () => {
    const key = path.join(tmp, 'other.key');
    const crt = path.join(tmp, 'other.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=not-the-supervisor-ca'], { stdio: 'ignore' });
    const c = await client(variant({ 'certificate-authority-data': fs.readFileSync(crt).toString('base64') }, { token: adminToken(text) }, 'wrongca'));
    const e = await rejects(c.list({ group: '', kind: 'Namespace' }));
    assert.equal(e.kind, 'tls');
    assert.match(e.code ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
    assert.match(e.message, /not signed by a CA the context trusts .* Set certificate-authority-data .* Avoid insecure-skip-tls-verify/);
    c.connection.dispose();
  });

  it('the CA from a file (certificate-authority) works as well as inline data', async () => {
    const c = await client(variant({ 'certificate-authority-data': undefined, 'certificate-authority': sv.state.ca }, { token: adminToken(text) }, 'cafile'));
    assert.ok((await c.list({ group: '', kind: 'Namespace' })).items.length >= 4);
    c.connection.dispose();
    const none = await client(variant({ 'certificate-authority-data': undefined }, { token: adminToken(text) }, 'noca'));
    const e = await rejects(none.list({ group: '', kind: 'Namespace' }));
    assert.equal(e.kind, 'tls', 'the system CAs do not know the Supervisor\'s');
    none.connection.dispose();
  });

  it('a certificate not issued for the name: tls error naming tls-server-name; insecure-skip-tls-verify still connects', async () => {
    const wrongName = await client(variant({ 'tls-server-name': 'wrong.example' }, { token: adminToken(text) }, 'wrongname'));
    const e = await rejects(wrongName.list({ group: '', kind: 'Namespace' }));
    assert.equal(e.kind, 'tls');
    assert.equal(e.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.match(e.message, /set tls-server-name/);
    wrongName.connection.dispose();
    const skip = await client(variant({ 'certificate-authority-data': undefined, 'insecure-skip-tls-verify': true }, { token: adminToken(text) }, 'skip'));
    assert.ok((await skip.list({ group: '', kind: 'Namespace' })).items.length >= 4);
    skip.connection.dispose();
  });

  it('a server that is not there: unreachable (ECONNREFUSED)', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const c = await client(variant({ server: `https://127.0.0.1:${port}` }, { token: adminToken(text) }, 'nothere'));
    const e = await rejects(c.list({ group: '', kind: 'Namespace' }));
    assert.equal(e.kind, 'unreachable');
    assert.equal(e.code, 'ECONNREFUSED');
    c.connection.dispose();
  });
});

describe('exec credential plugins', () => {
  let bin: string;
  before(() => {
    bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    const plugin = path.join(bin, 'tg-credential');
    fs.writeFileSync(plugin, `#!/bin/sh\n# prints an ExecCredential with the admin token, as a vSphere or Pinniped plugin would\necho "$KUBERNETES_EXEC_INFO" > "${path.join(tmp, 'exec-info.json')}"\necho run >> "${path.join(tmp, 'exec-runs')}"\ncat <<'JSON'\n${JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: adminToken(text) } })}\nJSON\n`, { mode: 0o755 });
  });
  const execUser = () => ({ exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'tg-credential', args: ['--server', 'sv'] } });

  it('does not run in an untrusted workspace: the error names the program and why', async () => {
    const e = await rejects(Connection.open({ kubeconfig: variant({}, execUser(), 'exec'), allowExec: false }));
    assert.equal(e.kind, 'config');
    assert.match(e.message, /Context "exec" gets its credentials by running "tg-credential --server sv" .* This workspace is not trusted, so that program was not run/);
  });

  it('runs when allowed, found on the user\'s PATH, with KUBERNETES_EXEC_INFO, once for several requests', async () => {
    const c = await client(variant({}, execUser(), 'exec'), undefined, { allowExec: true, userPath: `${bin}${path.delimiter}${process.env.PATH}` });
    assert.ok((await c.list({ group: '', kind: 'Namespace' })).items.length >= 4);
    await c.get({ group: '', kind: 'Namespace', name: 'team-a' });
    await c.get({ group: '', kind: 'Namespace', name: 'team-b' });
    assert.equal(fs.readFileSync(path.join(tmp, 'exec-runs'), 'utf8').trim().split('\n').length, 1);
    const info = JSON.parse(fs.readFileSync(path.join(tmp, 'exec-info.json'), 'utf8')) as { kind: string; spec: { interactive: boolean } };
    assert.equal(info.kind, 'ExecCredential');
    assert.equal(info.spec.interactive, false);
    c.connection.dispose();
  });

  it('a program that is not on PATH: a config error saying so', async () => {
    const c = await client(variant({}, execUser(), 'exec'), undefined, { allowExec: true, userPath: '/nonexistent' });
    const e = await rejects(c.list({ group: '', kind: 'Namespace' }));
    assert.equal(e.kind, 'config');
    assert.match(e.message, /The credential program "tg-credential" of user "u" was not found on PATH/);
    c.connection.dispose();
  });
});

describe('proxies', () => {
  let proxy: http.Server;
  let proxyUrl: string;
  const connects: string[] = [];
  before(async () => {
    // a CONNECT proxy that sends every host to the Supervisor's loopback port
    const port = new URL(sv.state.server).port;
    proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      connects.push(req.url ?? '');
      const upstream = net.connect(Number(port), '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
  });
  after(() => {
    proxy.closeAllConnections();
    proxy.close();
  });

  it('goes through the kubeconfig\'s proxy-url', async () => {
    connects.length = 0;
    const c = await client(variant({ 'proxy-url': proxyUrl }, { token: adminToken(text) }, 'proxied'));
    assert.ok((await c.list({ group: '', kind: 'Namespace' })).items.length >= 4);
    assert.deepEqual(connects, [new URL(sv.state.server).host]);
    c.connection.dispose();
  });

  it('goes through HTTPS_PROXY, and not for a host in NO_PROXY', async () => {
    const port = new URL(sv.state.server).port;
    // a name only the proxy "resolves"; the certificate is valid for localhost
    const k = variant({ server: `https://supervisor.invalid:${port}`, 'tls-server-name': 'localhost' }, { token: adminToken(text) }, 'envproxy');
    connects.length = 0;
    const viaEnv = await client(k, undefined, { env: { HTTPS_PROXY: proxyUrl } });
    assert.equal(viaEnv.connection.proxy, proxyUrl);
    assert.ok((await viaEnv.list({ group: '', kind: 'Namespace' })).items.length >= 4);
    assert.deepEqual(connects, [`supervisor.invalid:${port}`]);
    viaEnv.connection.dispose();
    const exempt = await client(k, undefined, { env: { HTTPS_PROXY: proxyUrl, NO_PROXY: '.invalid' } });
    assert.equal(exempt.connection.proxy, undefined);
    const e = await rejects(exempt.list({ group: '', kind: 'Namespace' }));
    assert.equal(e.kind, 'unreachable');
    assert.match(e.code ?? '', /ENOTFOUND|EAI_AGAIN/);
    exempt.connection.dispose();
  });
});

describe('logs', () => {
  it('hold no token: every line that was logged in this file is free of the kubeconfig credentials', () => {
    const secrets = parseKubeconfigText(text, sv.kubeconfig).users.map((u) => u.token ?? '').filter(Boolean);
    assert.equal(secrets.length, 2);
    const all = logs.join('\n');
    for (const s of secrets) assert.ok(!all.includes(s));
    assert.ok(!/eyJ[\w-]+\.eyJ/.test(all));
  });
});
