/**
 * Validation of what Kustomize renders, in the real editor with the real kubectl's Kustomize: a
 * patch of overlays/prod that sets a control plane of 2 shows the squiggle in the patch file, at
 * the value, and its message names the overlay; the base both overlays read shows once what both
 * render, naming both; the patch is never validated as a complete manifest; Validate Workspace
 * puts an overlay's finding in a patch file that is not open.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID, diagnosticCode, fixtureUri, openFixture, ourDiagnostics, revertAndCloseAll, waitForDiagnostics, workspaceRoot } from './helpers';

const DIR = 'kustomize-validation';

const FILES: Record<string, string> = {
  'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- cluster.yaml\n',
  'base/cluster.yaml': `apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata:
  name: workload
spec:
  topology:
    controlPlane:
      replicas: 1
      vmClass: best-effort-small
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
  'overlays/prod/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base\nnamePrefix: prod-\nnamespace: team-b\npatches:\n- path: patch-control-plane.yaml\n',
  'overlays/prod/patch-control-plane.yaml': `apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata:
  name: workload
spec:
  topology:
    controlPlane:
      replicas: 2
`,
  // a kustomization of its own, read by no other: only Validate Workspace looks at its patch
  'qa/kustomization.yaml': 'resources:\n- cluster.yaml\npatchesStrategicMerge:\n- patch.yaml\n',
  'qa/patch.yaml': 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: workload\nspec:\n  topology:\n    controlPlane:\n      replicas: 4\n',
};
FILES['qa/cluster.yaml'] = FILES['base/cluster.yaml'];

suite('Kustomize overlays in the editor', () => {
  suiteSetup(async () => {
    const root = workspaceRoot().fsPath;
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(root, DIR, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, DIR, rel), text);
    }
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });
  suiteTeardown(revertAndCloseAll);

  test('the squiggle of a refused replica count stands in the patch file and names the overlay', async function () {
    this.timeout(90_000);
    const editor = await openFixture(`${DIR}/overlays/prod/patch-control-plane.yaml`);
    const uri = editor.document.uri;
    const diags = await waitForDiagnostics(uri, (ds) => ds.some((d) => diagnosticCode(d) === 'control-plane-replicas' && d.message.startsWith('in ')), 60_000);
    const replicas = diags.find((d) => diagnosticCode(d) === 'control-plane-replicas')!;
    assert.strictEqual(replicas.message, `in ${DIR}/overlays/prod: spec.topology.controlPlane.replicas is 2: a control plane has either 1 or 3 nodes.`);
    assert.strictEqual(replicas.range.start.line, FILES['overlays/prod/patch-control-plane.yaml'].split('\n').findIndex((l) => l.includes('replicas: 2')));
    assert.strictEqual(editor.document.getText(replicas.range), '2');
    assert.strictEqual(replicas.severity, vscode.DiagnosticSeverity.Error);
    assert.deepStrictEqual(ourDiagnostics(uri).filter((d) => /required field/.test(d.message)), [], 'a patch is not a complete manifest');
    assert.strictEqual(ourDiagnostics(uri).filter((d) => diagnosticCode(d) === 'control-plane-replicas').length, 1, 'said once, by the overlay');
  });

  test('the base both overlays read: what both render is said once, naming both', async function () {
    this.timeout(90_000);
    const uri = fixtureUri(`${DIR}/base/cluster.yaml`);
    await openFixture(`${DIR}/base/cluster.yaml`);
    const diags = await waitForDiagnostics(uri, (ds) => ds.some((d) => diagnosticCode(d) === 'deprecated-api' && d.message.startsWith('in ')), 60_000);
    const deprecated = diags.filter((d) => diagnosticCode(d) === 'deprecated-api');
    assert.strictEqual(deprecated.length, 1);
    assert.match(deprecated[0].message, new RegExp(`^in ${DIR}/overlays/dev, ${DIR}/overlays/prod: TanzuKubernetesCluster v1alpha3 is deprecated`));
    assert.deepStrictEqual(diags.filter((d) => diagnosticCode(d) === 'control-plane-replicas'), [], "prod's patch is not the base's finding");
  });

  test('Validate Workspace puts what an overlay renders in a patch file that is not open', async function () {
    this.timeout(120_000);
    const uri = fixtureUri(`${DIR}/qa/patch.yaml`);
    assert.deepStrictEqual(ourDiagnostics(uri), []);
    await vscode.commands.executeCommand('tanzuGitops.validateWorkspace');
    const diags = await waitForDiagnostics(uri, (ds) => ds.some((d) => diagnosticCode(d) === 'control-plane-replicas'), 90_000);
    const replicas = diags.filter((d) => diagnosticCode(d) === 'control-plane-replicas');
    assert.strictEqual(replicas.length, 1);
    assert.strictEqual(replicas[0].message, `in ${DIR}/qa: spec.topology.controlPlane.replicas is 4: a control plane has either 1 or 3 nodes.`);
    assert.strictEqual(replicas[0].range.start.line, FILES['qa/patch.yaml'].split('\n').findIndex((l) => l.includes('replicas: 4')));
  });
});
