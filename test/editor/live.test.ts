/**
 * Live checks in the editor, against the local Supervisor (a real kube-apiserver): once the
 * kubeconfig is set the extension connects, completion offers the namespace's VM classes, and a
 * class not available there is an error at its value.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, diagnosticCode, openUntitled, ourDiagnostics, revertAndCloseAll, screenshot, sleep, underBench, waitForDiagnostics } from './helpers';

const KUBECONFIG = process.env.TANZU_GITOPS_TEST_KUBECONFIG ?? '';

const MANIFEST = [
  'apiVersion: run.tanzu.vmware.com/v1alpha3',
  'kind: TanzuKubernetesCluster',
  'metadata:',
  '  name: live-1',
  '  namespace: team-b',
  'spec:',
  '  topology:',
  '    controlPlane:',
  '      replicas: 1',
  '      vmClass: best-effort-medium',
  '      storageClass: silver',
  '    nodePools:',
  '    - name: np',
  '      vmClass: ',
  '      storageClass: silver',
].join('\n');

async function labelsAt(doc: vscode.TextDocument, pos: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos);
  return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

suite('live checks against the local Supervisor', () => {
  suiteSetup(async function () {
    if (!KUBECONFIG) this.skip();
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await vscode.workspace.getConfiguration('tanzuGitops').update('kubeconfig', [KUBECONFIG], vscode.ConfigurationTarget.Global);
  });
  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('tanzuGitops').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('tanzuGitops.disconnect');
    await revertAndCloseAll();
  });

  test('completion offers the VM classes available in the manifest\'s namespace', async () => {
    const editor = await openUntitled(MANIFEST);
    const pos = new vscode.Position(13, '      vmClass: '.length);
    let labels: string[] = [];
    const started = Date.now();
    while (Date.now() - started < 45_000) {
      labels = await labelsAt(editor.document, pos);
      if (labels.includes('guaranteed-large')) break;
      await sleep(500);
    }
    assert.deepStrictEqual(labels.filter((l) => l.startsWith('best-effort') || l.startsWith('guaranteed')).sort(), ['best-effort-small', 'guaranteed-large'],
      `team-b's VM classes, not team-a's (got ${labels.join(', ')})`);
  });

  test('a VM class not available in the namespace is an error at its value', async () => {
    const editor = await openUntitled(MANIFEST.replace('      vmClass: \n', '      vmClass: guaranteed-large\n'));
    const uri = editor.document.uri;
    await waitForDiagnostics(uri, () => ourDiagnostics(uri).some((d) => diagnosticCode(d) === 'vm-class-unavailable'), 45_000);
    const d = ourDiagnostics(uri).find((x) => diagnosticCode(x) === 'vm-class-unavailable')!;
    assert.strictEqual(editor.document.getText(d.range), 'best-effort-medium');
    assert.match(d.message, /not available in namespace "team-b" on local-supervisor-admin: use one of best-effort-small, guaranteed-large/);
    assert.ok(!ourDiagnostics(uri).some((x) => diagnosticCode(x) === 'storage-class-unassigned'), 'silver is assigned to team-b');
    if (underBench()) await screenshot('live-vm-class', { settleMs: 800 });
  });

  test('Check Current File: a document the Supervisor refuses gets its 422 causes at their fields', async () => {
    const refused = MANIFEST.replace('      replicas: 1', '      replicas: "three"').replace('      vmClass: \n', '      vmClass: guaranteed-large\n').replace('live-1', 'live-refused');
    const editor = await openUntitled(refused);
    const uri = editor.document.uri;
    await vscode.commands.executeCommand('tanzuGitops.checkCurrentFile');
    const diags = await waitForDiagnostics(uri, (ds) => ds.some((d) => diagnosticCode(d) === 'admission'), 30_000);
    const d = diags.find((x) => diagnosticCode(x) === 'admission')!;
    assert.strictEqual(editor.document.getText(d.range), '"three"');
    assert.match(d.message, /The Supervisor refused spec.topology.controlPlane.replicas/);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# edited\n'));
    await waitForDiagnostics(uri, (ds) => !ds.some((x) => diagnosticCode(x) === 'admission'), 10_000);
  });
});
