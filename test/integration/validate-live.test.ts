/**
 * `tanzu-gitops validate --kubeconfig --context`: the live rules from the command line, against
 * the local Supervisor, for both users (the restricted one sees only what it may); and exit 2,
 * with the cause in one line, whenever the live checks asked for could not run.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { adminToken, supervisor, type Supervisor } from './supervisor';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
let dir: string;
let kubeconfig: string;
let sv: Supervisor;

async function validate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, 'validate', ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const TKC = (ns: string, vmClass: string, storageClass: string, tkr: string) => `apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata:
  name: cli-live
  namespace: ${ns}
spec:
  topology:
    controlPlane:
      replicas: 1
      vmClass: ${vmClass}
      storageClass: ${storageClass}
      tkr:
        reference:
          name: ${tkr}
    nodePools:
    - name: np
      replicas: 1
      vmClass: ${vmClass}
      storageClass: ${storageClass}
`;

describe('tanzu-gitops validate against the local Supervisor', () => {
  before(async () => {
    sv = await supervisor();
    kubeconfig = sv.kubeconfig;
    dir = mkdtempSync(join(tmpdir(), 'tg-validate-live-'));
    writeFileSync(join(dir, 'good.yaml'), TKC('team-a', 'best-effort-small', 'gold', 'v1.26.5---vmware.2-fips.1-tkg.1'));
    writeFileSync(join(dir, 'bad.yaml'), TKC('team-b', 'best-effort-medium', 'gold', 'v1.26.6---vmware.2-fips.1-tkg.1'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('offline, neither file has an error', async () => {
    const r = await validate('--format', 'json', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).filter((f: { severity: string }) => f.severity === 'error'), []);
  });

  it('live, the wrong VM class, storage class and release of team-b are errors at their values; team-a is clean', async () => {
    const r = await validate('--kubeconfig', kubeconfig, '--context', 'local-supervisor-admin', '--format', 'json', dir);
    assert.equal(r.code, 1, r.stderr);
    const findings = JSON.parse(r.stdout) as { file: string; line: number; code: string; message: string }[];
    assert.deepEqual(findings.filter((f) => f.file.endsWith('good.yaml') && f.code !== 'deprecated-api'), []);
    const bad = findings.filter((f) => f.file.endsWith('bad.yaml'));
    const codes = bad.map((f) => `${f.code}@${f.line}`).sort();
    assert.deepEqual(codes, ['deprecated-api@1', 'storage-class-unassigned@11', 'storage-class-unassigned@19', 'tkr-unknown@14', 'vm-class-unavailable@10', 'vm-class-unavailable@18'].sort());
    assert.match(bad.find((f) => f.code === 'storage-class-unassigned')!.message, /StorageClass "gold" is not assigned for namespace "team-b"/);
  });

  it('as the restricted user, facts it may read still apply; nothing secret is printed', async () => {
    const r = await validate('--kubeconfig', kubeconfig, '--context', 'local-supervisor-dev', dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /vm-class-unavailable/);
    assert.doesNotMatch(r.stdout + r.stderr, /eyJ[A-Za-z0-9_-]{10,}/, 'no token in the output');
  });

  it('a context that does not exist is exit 2 with a message naming it', async () => {
    const r = await validate('--kubeconfig', kubeconfig, '--context', 'nope', dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nope/);
  });
});

/** A kubeconfig like the Supervisor's, with the cluster and user changed; its context is `variant`. */
function variant(cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  const file = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: sv.state.server, 'certificate-authority-data': readFileSync(sv.state.ca).toString('base64'), ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'variant', context: { cluster: 'c', user: 'u', namespace: 'team-a' } }],
    'current-context': 'variant',
  }), { mode: 0o600 });
  return file;
}

/** A port on which nothing listens. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** The run failed as a whole: exit 2, one line on stderr naming the cause, a JSON error body. */
function assertNoLiveChecks(r: { code: number; stdout: string; stderr: string }, cause: RegExp, secret?: string): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^tanzu-gitops validate: the live checks could not run: /);
  assert.match(lines[0], cause);
  const body = JSON.parse(r.stdout) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'connection');
  assert.match(body.error.message, cause);
  if (secret) assert.ok(!(r.stdout + r.stderr).includes(secret), 'the token is not printed');
}

describe('tanzu-gitops validate: live checks that cannot run exit 2 with the cause', () => {
  before(async () => {
    sv = await supervisor();
    dir = mkdtempSync(join(tmpdir(), 'tg-validate-nolive-'));
    writeFileSync(join(dir, 'good.yaml'), TKC('team-a', 'best-effort-small', 'gold', 'v1.26.5---vmware.2-fips.1-tkg.1'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a bad token: 401', async () => {
    const token = 'not-a-token-the-supervisor-knows-0123456789';
    const r = await validate('--kubeconfig', variant({}, { token }), '--format', 'json', dir);
    assertNoLiveChecks(r, /401|credentials/, token);
  });

  it('a wrong CA: TLS', async () => {
    const key = join(dir, 'other.key');
    const crt = join(dir, 'other.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=not-the-supervisor-ca'], { stdio: 'ignore' });
    const r = await validate('--kubeconfig', variant({ 'certificate-authority-data': readFileSync(crt).toString('base64') }, { token: adminToken(readFileSync(kubeconfig, 'utf8')) }), '--format', 'json', dir);
    assertNoLiveChecks(r, /not signed by a CA the context trusts/);
  });

  it('a closed port: refused', async () => {
    const port = await closedPort();
    const r = await validate('--kubeconfig', variant({ server: `https://127.0.0.1:${port}` }, { token: adminToken(readFileSync(kubeconfig, 'utf8')) }), '--format', 'json', dir);
    assertNoLiveChecks(r, /refused|ECONNREFUSED/);
  });

  it('a server that accepts and never answers: the timeout', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => { held.push(socket); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const r = await validate('--kubeconfig', variant({ server: `https://127.0.0.1:${port}` }, { token: adminToken(readFileSync(kubeconfig, 'utf8')) }), '--timeout', '2', '--format', 'json', dir);
      assertNoLiveChecks(r, /time|did not answer/i);
      assert.ok(held.length >= 1, 'the tool did connect');
    } finally {
      for (const s of held) s.destroy();
      silent.close();
    }
  });

  it('in text format the same exit and line, and nothing on stdout', async () => {
    const port = await closedPort();
    const r = await validate('--kubeconfig', variant({ server: `https://127.0.0.1:${port}` }, { token: 'x' }), dir);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /the live checks could not run: .*(refused|ECONNREFUSED)/);
  });
});
