/**
 * Proves the bench itself: the extension under development is loaded in the real extension host,
 * a workspace fixture opens as YAML, and the UI bridge works both ways (a squiggle and a Problems
 * panel row seen from the page, screenshots written). The squiggle comes from a diagnostic
 * collection of this test's own, so this suite does not depend on the extension's rules.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import {
  EXTENSION_ID, closeAllEditors, countVisible, fixtureUri, openFixture, screenshot, underBench, waitForDiagnostics, waitForVisible,
} from './helpers';

suite('editor bench smoke', () => {
  suiteTeardown(closeAllEditors);

  test('the extension under development is present and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    await ext.activate();
    assert.ok(ext.isActive, `${EXTENSION_ID} did not activate`);
  });

  test('a YAML fixture from the workspace opens in an editor', async () => {
    const editor = await openFixture('clusters/tkc-valid.yaml');
    assert.strictEqual(editor.document.languageId, 'yaml');
    assert.match(editor.document.getText(), /kind: TanzuKubernetesCluster/);
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), fixtureUri('clusters/tkc-valid.yaml').toString());
    const shot = await screenshot('smoke-opened');
    if (underBench()) assert.ok(shot && fs.existsSync(shot), `screenshot not written: ${shot}`);
  });

  test('the page shows a squiggle and a Problems row for an error diagnostic', async function () {
    if (!underBench()) this.skip();
    const editor = await openFixture('plain.yaml');
    const uri = editor.document.uri;
    const line = editor.document.lineAt(1);
    const collection = vscode.languages.createDiagnosticCollection('editor-bench-smoke');
    try {
      const d = new vscode.Diagnostic(line.range, 'editor-bench smoke: a deliberate error', vscode.DiagnosticSeverity.Error);
      d.source = 'editor-bench';
      d.code = 'bench/smoke';
      collection.set(uri, [d]);
      await waitForDiagnostics(uri, (ds) => ds.some((x) => x.source === 'editor-bench'), 10_000);
      assert.ok((await waitForVisible('.monaco-editor .squiggly-error', 1, 15_000))! >= 1);

      await vscode.commands.executeCommand('workbench.actions.view.problems');
      assert.ok((await waitForVisible('.markers-panel .monaco-list-row', 1, 15_000))! >= 1);
      const shot = await screenshot('problems');
      assert.ok(shot && fs.existsSync(shot) && fs.statSync(shot).size > 0, `screenshot not written: ${shot}`);

      collection.clear();
      await waitForDiagnostics(uri, (ds) => !ds.some((x) => x.source === 'editor-bench'), 10_000);
      const start = Date.now();
      while ((await countVisible('.monaco-editor .squiggly-error'))! > 0 && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 200));
      assert.strictEqual(await countVisible('.monaco-editor .squiggly-error'), 0, 'the squiggle stayed after the diagnostic was cleared');
    } finally {
      collection.dispose();
      await vscode.commands.executeCommand('workbench.action.closePanel');
    }
  });
});
