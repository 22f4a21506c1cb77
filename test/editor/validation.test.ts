/**
 * Validation in the real editor: a broken TKC manifest shows its squiggles and Problems entries
 * at the right places, quick fixes remove them, completion and hover come from the schemas,
 * Validate Workspace reports files that are not open, and YAML that is not ours stays clean.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  EXTENSION_ID, diagnosticCode, fixtureUri, openFixture, openUntitled, ourDiagnostics, revertAndCloseAll, screenshot, textOf,
  underBench, waitForDiagnostics, waitForVisible, whenValidated,
} from './helpers';

function find(uri: vscode.Uri, code: string, message?: RegExp): vscode.Diagnostic | undefined {
  return ourDiagnostics(uri).find((d) => diagnosticCode(d) === code && (!message || message.test(d.message)));
}

async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value);
  return (actions ?? []).filter((a): a is vscode.CodeAction => 'edit' in a && !!a.edit);
}

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
});
