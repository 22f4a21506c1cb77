/**
 * `tanzu-gitops validate --kubeconfig --context`: the live rules from the command line, against
 * the local Supervisor, for both users (the restricted one sees only what it may).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { supervisor } from './supervisor';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
let dir: string;
let kubeconfig: string;

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
    kubeconfig = (await supervisor()).kubeconfig;
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
