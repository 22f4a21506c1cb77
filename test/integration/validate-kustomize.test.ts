/**
 * `tanzu-gitops validate` of Kustomize overlays with the real kubectl's Kustomize, offline and
 * against the local Supervisor: a base used by overlays/dev (team-a) and overlays/prod (team-b),
 * where prod's patches hold the defects. Every finding stands at the patch or base line that set
 * the value and names the overlay that rendered it; a base value only prod's namespace refuses is
 * named for prod alone; a patch is never validated as a complete manifest; an overlay that does
 * not render is a check that could not run (exit 2), never a crash.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { onPath } from '../../src/sources/render';
import { namedByOverlay, overlayFindingsFor } from '../../src/sources/validate';
import { runCliProcess, type CliRun } from './drift-fixtures';
import { supervisor } from './supervisor';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

interface Flat { file: string; line: number; column: number; severity: string; code: string; message: string; renderedBy?: string }

const FILES: Record<string, string> = {
  'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- cluster.yaml\n',
  // best-effort-medium is bound in team-a only: right for dev, wrong for prod
  'base/cluster.yaml': `apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata:
  name: workload
spec:
  topology:
    controlPlane:
      replicas: 1
      vmClass: best-effort-medium
      storageClass: vsan-default-storage-policy
      tkr:
        reference:
          name: v1.26.5---vmware.2-fips.1-tkg.1
    nodePools:
    - name: workers
      replicas: 2
      vmClass: best-effort-small
      storageClass: vsan-default-storage-policy
`,
  'overlays/dev/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base\nnamePrefix: dev-\nnamespace: team-a\n',
  'overlays/prod/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../../base
namePrefix: prod-
namespace: team-b
patches:
- path: patch-workers.yaml
- target:
    kind: TanzuKubernetesCluster
  patch: |-
    - op: replace
      path: /spec/topology/controlPlane/replicas
      value: 2
`,
  // partial by design (no tkr, no controlPlane): a list of a custom resource is replaced whole
  'overlays/prod/patch-workers.yaml': `apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata:
  name: workload
spec:
  topology:
    nodePools:
    - name: workers
      replicas: 5
      vmClass: best-effort-large
      storageClass: vsan-default-storage-policy
`,
  'overlays/broken/kustomization.yaml': 'resources:\n- ../../base\n- missing.yaml\n',
};

/** 1-based line and column of the `nth` occurrence of `needle` in a fixture file. */
function at(file: string, needle: string, nth = 0): { line: number; column: number } {
  const text = FILES[file];
  let i = -1;
  for (let n = 0; n <= nth; n++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${needle} in ${file}`);
  const lines = text.slice(0, i).split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

let root: string;
let kubeconfig: string;

/** The command line run in the repository's folder (the process starts there), so paths print relative to it. */
function validateIn(...args: string[]): Promise<CliRun> {
  const prev = process.cwd();
  process.chdir(root);
  try {
    return runCliProcess(CLI, ['validate', ...args], process.env);
  } finally {
    process.chdir(prev);
  }
}

const place = (f: Flat) => `${f.file}:${f.line}:${f.column} ${f.code} (${f.renderedBy ?? '-'})`;

before(async () => {
  assert.ok(onPath('kustomize') ?? onPath('kubectl'), 'kustomize or kubectl on PATH');
  kubeconfig = (await supervisor()).kubeconfig;
  root = mkdtempSync(join(tmpdir(), 'tg-validate-kustomize-'));
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
});

after(() => rmSync(root, { recursive: true, force: true }));

describe('tanzu-gitops validate of Kustomize overlays', () => {
  it('offline: the refused replica count stands on the inline patch line, for prod only; no required-field finding on the patch', async () => {
    const r = await validateIn('--format', 'json', 'overlays/dev', 'overlays/prod');
    assert.equal(r.code, 1, r.stderr);
    const findings = (JSON.parse(r.stdout) as Flat[]).filter((f) => f.code !== 'deprecated-api');
    const replicas = at('overlays/prod/kustomization.yaml', '2\n');
    assert.deepEqual(findings.map(place), [`overlays/prod/kustomization.yaml:${replicas.line}:${replicas.column} control-plane-replicas (overlays/prod)`]);
  });

  it('live: a VM class team-b does not offer, at the patch line and at the base line, named for prod; dev is clean', async () => {
    const r = await validateIn('--kubeconfig', kubeconfig, '--context', 'local-supervisor-admin', '--format', 'json', 'overlays/dev', 'overlays/prod');
    assert.equal(r.code, 1, r.stderr);
    const findings = (JSON.parse(r.stdout) as Flat[]).filter((f) => f.code !== 'deprecated-api');
    const patchVm = at('overlays/prod/patch-workers.yaml', 'best-effort-large');
    const baseVm = at('base/cluster.yaml', 'best-effort-medium');
    const replicas = at('overlays/prod/kustomization.yaml', '2\n');
    assert.deepEqual(findings.map(place).sort(), [
      `base/cluster.yaml:${baseVm.line}:${baseVm.column} vm-class-unavailable (overlays/prod)`,
      `overlays/prod/kustomization.yaml:${replicas.line}:${replicas.column} control-plane-replicas (overlays/prod)`,
      `overlays/prod/patch-workers.yaml:${patchVm.line}:${patchVm.column} vm-class-unavailable (overlays/prod)`,
    ].sort());
    assert.match(findings.find((f) => f.file === 'overlays/prod/patch-workers.yaml')?.message ?? '', /best-effort-large.*team-b/);
    assert.ok(!findings.some((f) => f.renderedBy === 'overlays/dev'), 'team-a offers best-effort-medium: nothing for dev');
  });

  it('live, as text: file:line:col of the patch, and the overlay', async () => {
    const r = await validateIn('--kubeconfig', kubeconfig, '--context', 'local-supervisor-admin', 'overlays/prod');
    assert.equal(r.code, 1, r.stderr);
    const patchVm = at('overlays/prod/patch-workers.yaml', 'best-effort-large');
    const line = r.stdout.split('\n').find((l) => l.startsWith(`overlays/prod/patch-workers.yaml:${patchVm.line}:${patchVm.column}: error vm-class-unavailable `));
    assert.ok(line, r.stdout);
    assert.match(line, / \(rendered by overlays\/prod\)$/);
    assert.match(r.stderr, /0 files and 1 kustomization checked: 3 errors/);
  });

  it('an overlay that does not render: a check-failed finding on its kustomization with Kustomize\'s reason; exit 2', async () => {
    const r = await validateIn('--format', 'json', 'overlays/broken');
    assert.equal(r.code, 2, r.stderr);
    const findings = JSON.parse(r.stdout) as Flat[];
    assert.deepEqual(findings.map(place), ['overlays/broken/kustomization.yaml:1:1 check-failed (overlays/broken)']);
    assert.match(findings[0].message, /could not be rendered.*missing\.yaml/s);
    assert.ok(!findings[0].message.includes(root), 'no temporary or local folder in the message');
  });

  it("the editor's view of a file: every overlay under the folder that reads it, each finding naming its overlays", async () => {
    const shown = (d: string) => d.slice(root.length + 1);
    const base = await overlayFindingsFor(join(root, 'base/cluster.yaml'), root, {});
    assert.ok(base);
    assert.deepEqual(base.overlays.map((o) => `${shown(o.dir)}:${o.error ? 'not rendered' : 'rendered'}`).sort(), ['overlays/broken:not rendered', 'overlays/dev:rendered', 'overlays/prod:rendered']);
    const named = namedByOverlay(base.findings, shown);
    assert.deepEqual(named.map((f) => `${f.range.start.line + 1} ${f.code} ${f.message.split(':')[0]}`), ['1 deprecated-api in overlays/dev, overlays/prod']);
    const patch = await overlayFindingsFor(join(root, 'overlays/prod/patch-workers.yaml'), root, {});
    assert.deepEqual(patch?.overlays.map((o) => shown(o.dir)), ['overlays/prod']);
    assert.deepEqual(patch?.findings.filter((f) => f.finding.code !== 'deprecated-api'), [], 'offline, the patch itself holds no error: the replica count is in the inline patch');
    const broken = await overlayFindingsFor(join(root, 'overlays/broken/kustomization.yaml'), root, {});
    assert.deepEqual(broken?.findings.map((f) => `${shown(f.file)} ${f.finding.code}`), ['overlays/broken/kustomization.yaml check-failed']);
    assert.equal(await overlayFindingsFor(join(root, 'elsewhere.yaml'), root, {}), undefined, 'a file no overlay reads');
  });
});
