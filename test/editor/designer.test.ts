/**
 * The cluster designer in the real editor, offline: "Edit in Designer" (the code lens) opens a
 * TKC in the webview; a form edit shows in its Monaco editor; an engine finding shows under the
 * form field and as a squiggle in the editor; the panel hidden and shown again keeps its state;
 * Save writes back only what changed into the document; a new cluster is never saved over an
 * existing file without asking.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, click, closeAllEditors, fixtureUri, keys, openFixture, poll, screenshot, sleep, textOf, underBench, waitForVisible, webview } from './helpers';

const FILE = 'clusters/tkc-valid.yaml';

async function waitForValue(selector: string, expected: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const matches = (v: string) => (typeof expected === 'string' ? v === expected : expected.test(v));
  const value = await poll(async () => ((await webview.text(selector)) ?? [])[0] ?? '', matches, timeoutMs, 200);
  if (!matches(value)) throw new Error(`${selector} is "${value}", expected ${String(expected)}`);
  return value;
}

async function editorText(): Promise<string> {
  return ((await webview.text('.monaco-editor .view-lines')) ?? []).join('\n').replace(/\u00a0/g, ' ');
}

async function waitForEditorText(re: RegExp, timeoutMs = 10_000): Promise<string> {
  const text = await poll(editorText, (t) => re.test(t), timeoutMs, 200);
  if (!re.test(text)) throw new Error(`the designer's editor does not show ${String(re)}:\n${text}`);
  return text;
}

suite('cluster designer', () => {
  let original = '';

  suiteSetup(async function () {
    if (!underBench()) this.skip();
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    original = Buffer.from(await vscode.workspace.fs.readFile(fixtureUri(FILE))).toString('utf8');
  });

  suiteTeardown(async () => {
    if (original) await vscode.workspace.fs.writeFile(fixtureUri(FILE), Buffer.from(original, 'utf8'));
    await closeAllEditors();
  });

  test('the "Edit in Designer" lens opens the cluster in the form and the YAML', async function () {
    this.timeout(90_000);
    await openFixture(FILE);
    await waitForVisible('.codelens-decoration a', 1, 20_000);
    assert.ok(await click('.codelens-decoration a', 'Edit in Designer'));
    await webview.waitFor('.monaco-editor .view-lines', 1, 30_000);
    await waitForValue('[data-field="name"]', 'tkc-valid');
    await waitForValue('[data-field="namespace"]', 'team-a');
    await waitForValue('[data-field="form"]', 'tkc-v1alpha2');
    await waitForValue('[data-field="nodePools.0.vmClass"]', 'best-effort-medium');
    await waitForEditorText(/name: tkc-valid/);
    await screenshot('designer-opened', { settleMs: 800 });
  });

  test('a form edit changes the YAML; a finding shows under its field and in the editor', async function () {
    this.timeout(60_000);
    assert.ok(await webview.fill('[data-field="nodePools.0.replicas"]', '5'));
    await waitForEditorText(/replicas: 5/);
    // Pods overlapping the services: the engine's cidr-overlap, on both sides.
    assert.ok(await webview.fill('[data-field="podCidrs"]', '10.96.0.0/16'));
    await waitForEditorText(/\["10\.96\.0\.0\/16"\]/);
    await webview.waitFor('.finding-error', 1, 15_000);
    const messages = (await webview.text('.finding-error')) ?? [];
    assert.ok(messages.some((m) => /overlaps/.test(m)), `the overlap is said in the form: ${messages.join(' | ')}`);
    await webview.waitFor('.monaco-editor .squiggly-error', 1, 15_000);
    assert.ok(((await webview.text('.problem-count')) ?? []).some((t) => /1 error/.test(t)));
    await screenshot('designer-finding', { settleMs: 500 });
    assert.ok(await webview.fill('[data-field="podCidrs"]', '192.168.0.0/16'));
    const started = Date.now();
    while (Date.now() - started < 15_000 && ((await webview.count('.finding-error')) ?? 0) > 0) await sleep(200);
    assert.strictEqual(await webview.count('.finding-error'), 0, 'the finding goes when the field is fixed');
  });

  test('hidden and shown again, the panel keeps the unsaved design', async function () {
    this.timeout(60_000);
    // Another editor in the designer's group hides the webview (it is not retained when hidden).
    await vscode.window.showTextDocument(fixtureUri('plain.yaml'), { viewColumn: vscode.ViewColumn.Active, preview: false });
    // the webview goes when another editor takes its place: wait for that, not for a fixed time
    assert.strictEqual(await poll(() => webview.count('[data-field="name"]'), (n) => n === 0, 15_000), 0, 'the designer is hidden');
    await vscode.commands.executeCommand('tanzuGitops.editInDesigner', fixtureUri(FILE));
    await waitForValue('[data-field="nodePools.0.replicas"]', '5', 20_000);
    await waitForEditorText(/replicas: 5/);
  });

  test('Save writes the change back into the document, and nothing else', async function () {
    this.timeout(60_000);
    assert.ok(await webview.click('button', 'Save'));
    await webview.waitFor('[role="status"]', 1, 15_000, 'Saved');
    const doc = await vscode.workspace.openTextDocument(fixtureUri(FILE));
    const started = Date.now();
    while (Date.now() - started < 10_000 && doc.getText() === original) await sleep(200);
    const before = original.split('\n');
    const after = doc.getText().split('\n');
    assert.strictEqual(after.length, before.length);
    const changed = after.map((l, i) => (l === before[i] ? undefined : `${before[i]} -> ${l}`)).filter(Boolean);
    assert.deepStrictEqual(changed, ['        replicas: 3 ->         replicas: 5'], 'one line changed: the pool\'s replicas');
    assert.strictEqual(doc.isDirty, false, 'saved to disk');
    await screenshot('designer-saved', { settleMs: 300 });
  });

  test('New Cluster… saved onto an existing file asks first; Cancel leaves the file as it was', async function () {
    this.timeout(90_000);
    await closeAllEditors();
    const before = Buffer.from(await vscode.workspace.fs.readFile(fixtureUri('plain.yaml'))).toString('utf8');
    await vscode.commands.executeCommand('tanzuGitops.newCluster');
    await webview.waitFor('[data-field="name"]', 1, 30_000);
    await webview.fill('[data-field="name"]', 'plain');
    await sleep(500);
    assert.ok(await webview.click('button', 'Save'));
    // The save dialog: type the path of a file that exists.
    await waitForVisible('.quick-input-widget', 1, 15_000);
    await sleep(800);
    await keys([{ press: 'Control+a', waitMs: 300 }, { press: 'Delete', waitMs: 300 }]);
    assert.deepStrictEqual(((await textOf('.quick-input-widget input')) ?? []).filter((t) => t), [], 'the path field is cleared');
    await keys([{ type: fixtureUri('plain.yaml').fsPath, waitMs: 800 }, { press: 'Enter', waitMs: 1200 }]);
    await screenshot('designer-replace-asked', { settleMs: 300 });
    // The save dialog asks before replacing; cancelling leaves the file alone.
    let asked = '';
    const started = Date.now();
    while (Date.now() - started < 15_000) {
      asked = [...((await textOf('.quick-input-widget')) ?? []), ...((await textOf('.monaco-dialog-box')) ?? [])].join('\n');
      if (/exists/i.test(asked)) break;
      await sleep(300);
    }
    assert.match(asked, /exists/i, 'the user is asked before a file is replaced');
    await keys([{ press: 'Escape', waitMs: 800 }]);
    await keys([{ press: 'Escape', waitMs: 500 }]);
    const after = Buffer.from(await vscode.workspace.fs.readFile(fixtureUri('plain.yaml'))).toString('utf8');
    assert.strictEqual(after, before, 'plain.yaml is unchanged');
  });
});
