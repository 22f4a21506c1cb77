/**
 * Live checks in the editor, against the local Supervisor (a real kube-apiserver): once the
 * kubeconfig is set the extension connects, completion offers the namespace's VM classes, and a
 * class not available there is an error at its value, whose quick fixes are the closest available
 * classes with their CPU and memory; the spec.distribution fix offers only a release the
 * Supervisor has.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  EXTENSION_ID, applyFromMenu, diagnosticCode, openUntitled, ourDiagnostics, poll, quickFixes, revertAndCloseAll, screenshot, sleep, underBench, waitForDiagnostics,
} from './helpers';

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

/** Two clusters naming their release the deprecated way: a hint the Supervisor resolves, and a full version it has only as incompatible. */
const DISTRIBUTIONS = ['live-dist-hint', 'live-dist-incompatible'].map((name, i) => [
  'apiVersion: run.tanzu.vmware.com/v1alpha2',
  'kind: TanzuKubernetesCluster',
  'metadata:',
  `  name: ${name}`,
  '  namespace: team-a',
  'spec:',
  '  distribution:',
  i === 0 ? '    version: v1.26' : '    fullVersion: v1.23.8+vmware.3-tkg.1',
  '  topology:',
  '    controlPlane:',
  '      replicas: 1',
  '      vmClass: best-effort-small',
  '      storageClass: vsan-default-storage-policy',
  '    nodePools:',
  '    - name: np',
  '      replicas: 1',
  '      vmClass: best-effort-small',
  '      storageClass: vsan-default-storage-policy',
].join('\n')).join('\n---\n') + '\n';

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
  test('an unavailable VM class offers the closest available ones with their CPU and memory, from the Ctrl+. menu', async function () {
    this.timeout(90_000);
    const editor = await openUntitled(MANIFEST.replace('      vmClass: \n', '      vmClass: guaranteed-large\n').replace('live-1', 'live-fix'));
    const uri = editor.document.uri;
    await waitForDiagnostics(uri, () => ourDiagnostics(uri).some((d) => diagnosticCode(d) === 'vm-class-unavailable'), 45_000);
    const d = ourDiagnostics(uri).find((x) => diagnosticCode(x) === 'vm-class-unavailable')!;
    const titles = (await quickFixes(uri, d.range)).map((a) => a.title);
    // best-effort-medium is 2 CPU, 8Gi: the 2-CPU class first, then the larger one
    assert.deepStrictEqual(titles.filter((t) => t.startsWith('Change to')), ['Change to best-effort-small (2 CPU, 4Gi)', 'Change to guaranteed-large (4 CPU, 16Gi)']);
    const menu = await applyFromMenu(editor, d, 'Change to best-effort-small (2 CPU, 4Gi)', 'live-vm-class-fix-menu');
    if (underBench()) assert.ok(menu.some((t) => t.includes('guaranteed-large (4 CPU, 16Gi)')), `the menu: ${menu.join(' | ')}`);
    await waitForDiagnostics(uri, () => !ourDiagnostics(uri).some((x) => diagnosticCode(x) === 'vm-class-unavailable'), 20_000);
    assert.match(editor.document.getText(), /controlPlane:\n\s+replicas: 1\n\s+vmClass: best-effort-small\n/);
    if (underBench()) await screenshot('live-vm-class-fixed', { settleMs: 500 });
  });

  test('the spec.distribution fix offers only a release the Supervisor has: a hint resolved as it resolves it, none for an incompatible release', async function () {
    this.timeout(90_000);
    const editor = await openUntitled(DISTRIBUTIONS);
    const uri = editor.document.uri;
    const findings = () => ourDiagnostics(uri).filter((x) => diagnosticCode(x) === 'deprecated-field').sort((a, b) => a.range.start.line - b.range.start.line);
    await waitForDiagnostics(uri, () => findings().length === 2, 20_000);
    const replace = async (d: vscode.Diagnostic) => (await quickFixes(uri, d.range)).map((a) => a.title).filter((t) => t.startsWith('Replace spec.distribution'));
    // offline a bare hint has no fix: once it has one, the Supervisor's releases are known
    const offered = await poll(() => replace(findings()[0]), (t) => t.length > 0, 45_000, 500);
    assert.deepStrictEqual(offered, ['Replace spec.distribution with tkr.reference.name: v1.26.5---vmware.2-fips.1-tkg.1']);
    // offline, v1.23.8+vmware.3-tkg.1 would become v1.23.8---vmware.3-tkg.1; the Supervisor has it only as incompatible
    assert.deepStrictEqual(await replace(findings()[1]), [], 'no fix to a release the Supervisor cannot use');
    await applyFromMenu(editor, findings()[0], offered[0], 'live-distribution-fix-menu');
    await waitForDiagnostics(uri, () => findings().length === 1, 20_000);
    const [first, second] = editor.document.getText().split(/^---$/m);
    assert.match(first, /controlPlane:\n\s+tkr:\n\s+reference:\n\s+name: v1\.26\.5---vmware\.2-fips\.1-tkg\.1\n/);
    assert.doesNotMatch(first, /distribution/);
    assert.match(second, /fullVersion: v1\.23\.8\+vmware\.3-tkg\.1/, 'the other cluster is untouched');
    if (underBench()) await screenshot('live-distribution-fixed', { settleMs: 500 });
  });
});
