/**
 * Validation in the real editor: a broken TKC manifest shows its squiggles and Problems entries
 * at the right places, quick fixes remove them (each new one through the Ctrl+. menu: 200GB to
 * 200Gi, the mountPath's leading /, a unique pool name, TKC v1alpha1 to v1alpha3, and no host-bits
 * fix that would overlap the pod range), completion and hover come from the schemas,
 * Validate Workspace reports files that are not open, and YAML that is not ours stays clean.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  EXTENSION_ID, applyFromMenu, diagnosticCode, fixableTkc, fixtureUri, openFixture, openUntitled, ourDiagnostics, quickFixes, revertAndCloseAll, screenshot, textOf,
  underBench, waitForDiagnostics, waitForVisible, whenValidated,
} from './helpers';

function find(uri: vscode.Uri, code: string, message?: RegExp): vscode.Diagnostic | undefined {
  return ourDiagnostics(uri).find((d) => diagnosticCode(d) === code && (!message || message.test(d.message)));
}

/** A v1alpha3 TKC with a finding in each of a volume's capacity and mountPath, a pool's name and the service range. */
const FIXABLE = [
  ...fixableTkc('editor-fixes'),
  '  settings:',
  '    network:',
  '      cni:',
  '        name: antrea',
  '      services:',
  '        cidrBlocks: ["192.170.0.1/8"]',
  '      pods:',
  '        cidrBlocks: ["192.168.0.0/16"]',
  '      serviceDomain: cluster.local',
  '',
].join('\n');

const V1ALPHA1 = [
  'apiVersion: run.tanzu.vmware.com/v1alpha1',
  'kind: TanzuKubernetesCluster',
  'metadata:',
  '  name: tkc-old',
  '  namespace: team-a',
  'spec:',
  '  distribution:',
  '    fullVersion: v1.21.6+vmware.1-tkg.1.b3d708a',
  '  topology:',
  '    controlPlane:',
  '      count: 1',
  '      class: best-effort-small',
  '      storageClass: vsan-default-storage-policy',
  '    workers:',
  '      count: 3',
  '      class: best-effort-medium',
  '      storageClass: vsan-default-storage-policy',
  '  settings:',
  '    network:',
  '      cni:',
  '        name: antrea',
  '      pods:',
  '        cidrBlocks: ["192.168.0.0/16"]',
  '      services:',
  '        cidrBlocks: ["10.96.0.0/12"]',
  '',
].join('\n');

suite('validation in the editor', () => {
  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });
  suiteTeardown(revertAndCloseAll);

  test('a broken TKC shows squiggles at the faulty values and entries in Problems', async () => {
    const editor = await openFixture('clusters/tkc-broken.yaml');
    const doc = editor.document;
    const diags = await waitForDiagnostics(doc.uri, () => !!find(doc.uri, 'control-plane-replicas') && !!find(doc.uri, 'schema') && !!find(doc.uri, 'cidr-host-bits'));
    const replicas = find(doc.uri, 'control-plane-replicas')!;
    const line = doc.getText().split('\n').findIndex((l) => l.includes('replicas: 2'));
    assert.strictEqual(replicas.range.start.line, line);
    assert.strictEqual(doc.getText(replicas.range), '2');
    assert.strictEqual(replicas.severity, vscode.DiagnosticSeverity.Error);
    assert.match(replicas.message, /either 1 or 3/);
    const typo = find(doc.uri, 'schema')!;
    assert.strictEqual(ourDiagnostics(doc.uri).filter((d) => diagnosticCode(d) === 'schema').length, 1, 'the misspelt field is said once, not also as a missing vmClass');
    assert.strictEqual(doc.getText(typo.range), 'vmclass');
    assert.match(typo.message, /did you mean "vmClass"/);
    const cidr = find(doc.uri, 'cidr-host-bits')!;
    assert.strictEqual(doc.getText(cidr.range), '"198.51.100.0/12"');
    assert.strictEqual(cidr.severity, vscode.DiagnosticSeverity.Warning);
    assert.ok(diags.every((d) => d.source !== 'tanzu-gitops' || d.code), 'every finding carries its rule id');

    if (underBench()) {
      assert.ok((await waitForVisible('.monaco-editor .squiggly-error', 1))! >= 1);
      assert.ok((await waitForVisible('.monaco-editor .squiggly-warning', 1))! >= 1);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      await waitForVisible('.markers-panel .monaco-list-row', 3);
      const rows = (await textOf('.markers-panel .monaco-list-row'))!.join('\n');
      assert.match(rows, /either 1 or 3/);
      assert.match(rows, /did you mean "vmClass"/);
      await screenshot('validation', { settleMs: 600 });
    }
  });

  test('quick fixes set replicas to 3, correct the field name and the CIDR, and the findings go', async () => {
    const editor = await openFixture('clusters/tkc-broken.yaml');
    const uri = editor.document.uri;
    await waitForDiagnostics(uri, () => !!find(uri, 'control-plane-replicas'));

    const replicasFix = (await quickFixes(uri, find(uri, 'control-plane-replicas')!.range)).find((a) => a.title === 'Set replicas to 3');
    assert.ok(replicasFix, 'a "Set replicas to 3" quick fix');
    assert.ok(replicasFix.isPreferred);
    assert.ok(await vscode.workspace.applyEdit(replicasFix.edit!));
    await waitForDiagnostics(uri, () => !find(uri, 'control-plane-replicas'));
    assert.match(editor.document.getText(), /replicas: 3\n\s+vmClass: best-effort-small/);

    const typoFix = (await quickFixes(uri, find(uri, 'schema')!.range)).find((a) => a.title === 'Change to vmClass');
    assert.ok(typoFix, 'a "Change to vmClass" quick fix');
    assert.ok(await vscode.workspace.applyEdit(typoFix.edit!));
    await waitForDiagnostics(uri, () => !find(uri, 'schema'));

    const cidrFix = (await quickFixes(uri, find(uri, 'cidr-host-bits')!.range))[0];
    assert.strictEqual(cidrFix?.title, 'Change to the network address 198.48.0.0/12');
    assert.ok(await vscode.workspace.applyEdit(cidrFix.edit!));
    await waitForDiagnostics(uri, (ds) => ds.filter((d) => d.source === 'tanzu-gitops').length === 0);
    assert.match(editor.document.getText(), /cidrBlocks: \["198\.48\.0\.0\/12"\]/, 'the quotes are kept');
    if (underBench()) {
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      await screenshot('quick-fixes-applied', { settleMs: 600 });
    }
  });

  test('completion offers the fields of a node pool; hover shows a field description', async () => {
    const editor = await openUntitled([
      'apiVersion: run.tanzu.vmware.com/v1alpha3',
      'kind: TanzuKubernetesCluster',
      'metadata:',
      '  name: c1',
      'spec:',
      '  topology:',
      '    nodePools:',
      '    - name: np',
      '      ',
    ].join('\n'));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(8, 6));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const l of ['vmClass', 'storageClass', 'failureDomain', 'replicas']) assert.ok(labels.includes(l), `completion offers ${l}: ${labels.join(', ')}`);

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(6, 6));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /spec\.topology\.nodePools/);
  });

  test('Validate Workspace reports a file that is not open', async () => {
    // a file of its own, written now: an earlier suite's Validate Workspace cannot have reported it
    const uri = fixtureUri(`clusters/cluster-unopened-${Date.now()}.yaml`);
    await vscode.workspace.fs.writeFile(uri, await vscode.workspace.fs.readFile(fixtureUri('clusters/cluster-unopened.yaml')));
    try {
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'the file is not open');
      assert.strictEqual(ourDiagnostics(uri).length, 0);
      await vscode.commands.executeCommand('tanzuGitops.validateWorkspace');
      const diags = await waitForDiagnostics(uri, () => !!find(uri, 'cluster-variables'));
      assert.match(find(uri, 'cluster-variables')!.message, /storageClass/);
      assert.strictEqual(diags.filter((d) => diagnosticCode(d) === 'cluster-variables').length, 1);
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('YAML that is not ours gets no diagnostics, even when malformed', async () => {
    const editor = await openUntitled('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\ndata:\n  a: b\n');
    assert.strictEqual(await whenValidated(editor.document.uri), editor.document.version);
    assert.deepStrictEqual(ourDiagnostics(editor.document.uri), []);
  });

  test('syntax errors follow tanzuGitops.validation.syntaxErrors (how Red Hat YAML is not doubled)', async () => {
    const editor = await openUntitled('apiVersion: run.tanzu.vmware.com/v1alpha2\nkind: TanzuKubernetesCluster\nmetadata:\n  name: c1\n  labels: {a: 1\nspec: {}\n');
    const uri = editor.document.uri;
    await waitForDiagnostics(uri, () => !!find(uri, 'yaml-syntax'));
    const config = vscode.workspace.getConfiguration('tanzuGitops.validation');
    try {
      await config.update('syntaxErrors', 'never', vscode.ConfigurationTarget.Global);
      await waitForDiagnostics(uri, () => !find(uri, 'yaml-syntax'));
    } finally {
      await config.update('syntaxErrors', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForDiagnostics(uri, () => !!find(uri, 'yaml-syntax'));
  });

  test('diagnostics follow edits as you type', async () => {
    const editor = await openFixture('clusters/tkc-valid.yaml');
    const uri = editor.document.uri;
    await whenValidated(uri);
    assert.deepStrictEqual(ourDiagnostics(uri), []);
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('replicas: 3'));
    const col = editor.document.lineAt(line).text.indexOf('3');
    await editor.edit((b) => b.replace(new vscode.Range(line, col, line, col + 1), '4'));
    // the signal comes with the diagnostics of the version it names, not before them
    assert.strictEqual(await whenValidated(uri), editor.document.version);
    const d = find(uri, 'control-plane-replicas');
    assert.ok(d, 'replicas: 4 is an error once its version is validated');
    assert.strictEqual(d.range.start.line, line);
    await editor.edit((b) => b.replace(new vscode.Range(line, col, line, col + 1), '1'));
    assert.strictEqual(await whenValidated(uri), editor.document.version);
    assert.strictEqual(find(uri, 'control-plane-replicas'), undefined, 'the error goes with the edit that fixes it');
  });
  test('quick fixes from the Ctrl+. menu: 200GB to 200Gi, the mountPath\'s leading /, a unique pool name; no host-bits fix that would overlap the pods', async function () {
    this.timeout(90_000);
    const editor = await openUntitled(FIXABLE);
    const uri = editor.document.uri;
    const volume = (re: RegExp) => ourDiagnostics(uri).find((d) => diagnosticCode(d) === 'volume' && re.test(d.message));
    await waitForDiagnostics(uri, () => !!volume(/not a quantity/) && !!volume(/absolute path/) && !!find(uri, 'node-pool-name') && !!find(uri, 'cidr-host-bits'));

    await applyFromMenu(editor, volume(/not a quantity/)!, 'Change to 200Gi', 'quick-fix-quantity-menu');
    await waitForDiagnostics(uri, () => !volume(/not a quantity/));
    assert.match(editor.document.getText(), /^ {14}storage: 200Gi$/m);

    await applyFromMenu(editor, volume(/absolute path/)!, 'Change to /var/lib/containerd', 'quick-fix-mount-path-menu');
    await waitForDiagnostics(uri, () => !volume(/absolute path/));
    assert.match(editor.document.getText(), /^ {12}mountPath: \/var\/lib\/containerd$/m);

    const dup = find(uri, 'node-pool-name')!;
    assert.strictEqual(dup.range.start.line, editor.document.getText().split('\n').lastIndexOf('      - name: workers'), 'the second "workers" is the duplicate');
    await applyFromMenu(editor, dup, 'Rename to workers-2', 'quick-fix-pool-name-menu');
    await waitForDiagnostics(uri, () => !find(uri, 'node-pool-name'));
    assert.deepStrictEqual(editor.document.getText().match(/^ {6}- name: .*$/gm), ['      - name: workers', '      - name: workers-2']);

    // 192.170.0.1/8 is 192.0.0.0/8, which holds the pod range: no network address to offer, the message says why
    const hostBits = find(uri, 'cidr-host-bits')!;
    assert.match(hostBits.message, /overlaps the pod range 192\.168\.0\.0\/16: choose another range/);
    assert.deepStrictEqual((await quickFixes(uri, hostBits.range)).filter((a) => /network address/.test(a.title)).map((a) => a.title), [], 'no fix to an overlapping network');
    if (underBench()) {
      await vscode.window.showTextDocument(editor.document, { preview: false });
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      await screenshot('quick-fixes-more-applied', { settleMs: 600 });
    }
    assert.deepStrictEqual(ourDiagnostics(uri).filter((d) => ['volume', 'node-pool-name'].includes(diagnosticCode(d))).map((d) => d.message), []);
  });

  test('TKC v1alpha1 converts to v1alpha3 from the Ctrl+. menu, its fields mapped', async function () {
    this.timeout(60_000);
    const editor = await openUntitled(V1ALPHA1);
    const uri = editor.document.uri;
    await waitForDiagnostics(uri, () => !!find(uri, 'deprecated-api', /v1alpha1 is deprecated/));
    const offered = await applyFromMenu(editor, find(uri, 'deprecated-api')!, 'Convert to run.tanzu.vmware.com/v1alpha3', 'quick-fix-v1alpha1-menu');
    if (underBench()) assert.ok(offered.some((t) => /Convert to Cluster/.test(t)), `the Cluster conversion is offered too: ${offered.join(' | ')}`);
    await waitForDiagnostics(uri, () => !find(uri, 'deprecated-api', /v1alpha1 is deprecated/));
    const text = editor.document.getText();
    assert.match(text, /^apiVersion: run\.tanzu\.vmware\.com\/v1alpha3$/m);
    for (const field of [/^ {6}replicas: 1$/m, /^ {6}vmClass: best-effort-small$/m, /^ {10}name: v1\.21\.6---vmware\.1-tkg\.1\.b3d708a$/m, /^ {4}nodePools:$/m, /replicas: 3$/m, /vmClass: best-effort-medium$/m]) {
      assert.match(text, field);
    }
    assert.doesNotMatch(text, /distribution|count:|class: best/);
    await whenValidated(uri);
    assert.deepStrictEqual(ourDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.message), [], text);
    if (underBench()) await screenshot('quick-fix-v1alpha1-converted', { settleMs: 500 });
  });
});
