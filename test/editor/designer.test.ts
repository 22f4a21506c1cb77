/**
 * The cluster designer in the real editor, offline: "Edit in Designer" (the code lens) opens a
 * TKC in the webview; a form edit shows in its Monaco editor; an engine finding shows under the
 * form field and as a squiggle in the editor; the panel hidden and shown again keeps its state;
 * Save writes back only what changed into the document; a new cluster is never saved over an
 * existing file without asking, nor with errors without asking; New Cluster picks no value for the
 * user and shows what is required as prompts; a misspelt key is said at its field and never gets a
 * twin; the designer's Monaco offers the editor's quick fixes; a TKC converts to a Cluster.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  EXTENSION_ID, click, closeAllEditors, diagnosticCode, fixableTkc, fixtureUri, keys, openFixture, ourDiagnostics, poll, screenshot, sleep, textOf, underBench, waitForDiagnostics,
  waitForVisible, webview, whenValidated,
} from './helpers';

const FILE = 'clusters/tkc-valid.yaml';
const KUBECONFIG = process.env.TANZU_GITOPS_TEST_KUBECONFIG ?? '';
/** Files the tests below write into the workspace, removed at the end. */
const WRITTEN = ['clusters/designer-fixes.yaml', 'clusters/designer-misspelt.yaml', 'clusters/designer-convert.yaml'];

async function write(relativePath: string, text: string): Promise<vscode.Uri> {
  const uri = fixtureUri(relativePath);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

/** A v1alpha3 TKC whose volumes and pools each have a finding with a quick fix. */
const FIXABLE = [
  ...fixableTkc('designer-fixes'),
  '',
].join('\n');

/** In the designer's Monaco: the cursor on `token`, Ctrl+., then the fix titled `title`. */
async function designerQuickFix(token: string, title: string, shot: string): Promise<void> {
  // The host's findings for the text as it is now (fixes are offered for that text only).
  await sleep(1500);
  assert.ok(await webview.click('.monaco-editor .view-line span span', token), `no "${token}" in the designer's editor`);
  await sleep(300);
  await keys([{ press: 'Control+.', waitMs: 1000 }]);
  await webview.waitFor('.action-widget .monaco-list-row', 1, 10_000, title);
  await screenshot(shot, { settleMs: 300 });
  assert.ok(await webview.click('.action-widget .monaco-list-row', title), `no quick fix "${title}"`);
}

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
    for (const f of WRITTEN) await vscode.workspace.fs.delete(fixtureUri(f)).then(undefined, () => undefined);
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
    // No VM class or storage class is picked: Save asks before writing a design with errors (a
    // modal, which the test host refuses to show: its question comes back on the status line).
    await webview.waitFor('#status', 1, 15_000, 'Save it anyway?');
    assert.match(((await webview.text('#status')) ?? []).join(' '), /The design has 2 errors\. Save it anyway\?/);
    await screenshot('designer-save-warns', { settleMs: 300 });
    // With the classes picked the design has no error: Save goes straight to the save dialog.
    assert.ok(await webview.fill('[data-field="controlPlane.vmClass"]', 'best-effort-small'));
    assert.ok(await webview.fill('[data-field="controlPlane.storageClass"]', 'vsan-default-storage-policy'));
    await sleep(1000);
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
  test('New Cluster… starts in a vSphere Namespace (or asks for one) and shows no error before input: what is required is a prompt', async function () {
    this.timeout(120_000);
    await closeAllEditors();
    if (KUBECONFIG) await vscode.workspace.getConfiguration('tanzuGitops').update('kubeconfig', [KUBECONFIG], vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('tanzuGitops.newCluster');
      await webview.waitFor('[data-field="name"]', 1, 30_000);
      if (KUBECONFIG) await webview.waitFor('#connection', 1, 45_000, '·');
      let namespace = ((await webview.text('[data-field="namespace"]')) ?? [])[0] ?? '';
      const offered = (await webview.text('datalist#choices-namespaces option')) ?? [];
      for (const system of ['kube-system', 'kube-public', 'default']) assert.ok(!offered.includes(system), `${system} is not offered: ${offered.join(', ')}`);
      if (!namespace) {
        // The form asks: the namespace field has the focus and the status line says why.
        assert.match(((await webview.text('#status')) ?? []).join(' '), /Which vSphere Namespace/);
        namespace = 'team-a';
        assert.ok(await webview.fill('[data-field="namespace"]', namespace));
      }
      if (offered.length > 0) assert.ok(offered.includes(namespace), `${namespace} is one of the vSphere Namespaces offered (${offered.join(', ')})`);
      for (const field of ['controlPlane.vmClass', 'controlPlane.storageClass', 'tkr']) {
        assert.strictEqual(((await webview.text(`[data-field="${field}"]`)) ?? [])[0] ?? '', '', `${field} is the user's to pick`);
      }
      await webview.waitFor('.finding-prompt', 1, 20_000);
      assert.match(((await webview.text('.problem-count')) ?? []).join(' '), /to fill in/);
      assert.strictEqual(await webview.count('.finding-error'), 0, 'no error before input');
      assert.strictEqual(await webview.count('.monaco-editor .squiggly-error'), 0, 'no error squiggle before input');
      await screenshot('designer-new-cluster-prompts', { settleMs: 800 });
      if (KUBECONFIG) {
        // VM classes say their CPU and memory in the picker.
        const labels = await poll(async () => ((await webview.text('datalist#choices-vmClasses option[label*="CPU"]')) ?? []).length, (n) => n > 0, 20_000, 300);
        assert.ok(labels > 0, 'the VM class options carry their size');
      }
    } finally {
      if (KUBECONFIG) {
        await vscode.workspace.getConfiguration('tanzuGitops').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
        await vscode.commands.executeCommand('tanzuGitops.disconnect');
      }
    }
  });

  test('Edit in Designer on a misspelt vmclass says so at the VM class field and adds no vmClass beside it', async function () {
    this.timeout(90_000);
    await closeAllEditors();
    const text = FIXABLE.replace('      vmClass: best-effort-small', '      vmclass: best-effort-small').replace('designer-fixes', 'designer-misspelt');
    const uri = await write('clusters/designer-misspelt.yaml', text);
    await vscode.commands.executeCommand('tanzuGitops.editInDesigner', uri);
    await webview.waitFor('[data-field="name"]', 1, 30_000);
    await waitForValue('[data-field="name"]', 'designer-misspelt');
    await webview.waitFor('[id="findings-controlPlane.vmClass"] .finding-note', 1, 15_000);
    assert.match(((await webview.text('[id="findings-controlPlane.vmClass"] .finding-note')) ?? []).join(' '), /"vmclass" where vmClass is meant/);
    await screenshot('designer-misspelt-field', { settleMs: 500 });
    await sleep(1500);
    assert.doesNotMatch(await editorText(), /^\s*vmClass: best-effort-small/m, 'no vmClass was added beside vmclass');
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'), text, 'the file is untouched');
  });

  test("the designer's Monaco offers the editor's quick fixes: 200GB, the mountPath's /, a duplicate pool name", async function () {
    this.timeout(120_000);
    await closeAllEditors();
    const uri = await write('clusters/designer-fixes.yaml', FIXABLE);
    await vscode.commands.executeCommand('tanzuGitops.editInDesigner', uri);
    await webview.waitFor('.monaco-editor .view-lines', 1, 30_000);
    await waitForValue('[data-field="name"]', 'designer-fixes');
    await webview.waitFor('.finding-error', 1, 20_000);
    await designerQuickFix('200GB', 'Change to 200Gi', 'designer-quick-fix-quantity');
    await waitForEditorText(/storage: 200Gi/);
    await waitForValue('[data-field="nodePools.0.volumes.0.capacity"]', '200Gi');
    await designerQuickFix('var/lib/containerd', '/var/lib/containerd', 'designer-quick-fix-mount-path');
    await waitForEditorText(/mountPath: \/var\/lib\/containerd/);
    const dup = ((await webview.text('.finding-error')) ?? []).join(' | ');
    assert.match(dup, /workers/, `the duplicate pool name is an error: ${dup}`);
    // F8 goes to the next problem, the second pool's name (below the mountPath), then Ctrl+. there.
    await sleep(1500);
    assert.ok(await webview.click('.monaco-editor .view-line span span', '/var/lib/containerd'));
    await keys([{ press: 'F8', waitMs: 800 }, { press: 'Escape', waitMs: 300 }, { press: 'Control+.', waitMs: 1000 }]);
    await webview.waitFor('.action-widget .monaco-list-row', 1, 10_000);
    await screenshot('designer-quick-fix-pool-name', { settleMs: 300 });
    assert.ok(await webview.click('.action-widget .monaco-list-row', 'workers-'));
    await waitForEditorText(/- name: workers-\d/);
    await webview.waitFor('[role="status"]', 1, 5_000);
    const started = Date.now();
    while (Date.now() - started < 15_000 && ((await webview.count('.finding-error')) ?? 0) > 0) await sleep(300);
    assert.strictEqual(await webview.count('.finding-error'), 0, 'every fixed finding is gone');
    await screenshot('designer-quick-fixes-applied', { settleMs: 500 });
  });

  test('a TKC v1alpha3 converts to a Cluster of class tanzukubernetescluster from its deprecated-api quick fix', async function () {
    this.timeout(90_000);
    await closeAllEditors();
    const uri = await write('clusters/designer-convert.yaml', FIXABLE.replace('designer-fixes', 'designer-convert').replace('storage: 200GB', 'storage: 20Gi').replace('mountPath: var', 'mountPath: /var').replace(/ {6}- name: workers\n {8}replicas: 1\n[^]*$/, ''));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    await waitForDiagnostics(uri, (d) => d.some((x) => diagnosticCode(x) === 'deprecated-api'), 20_000);
    editor.selection = new vscode.Selection(new vscode.Position(0, 16), new vscode.Position(0, 16));
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await sleep(300);
    await keys([{ press: 'Control+.', waitMs: 1200 }]);
    await waitForVisible('.action-widget .monaco-list-row', 1, 10_000);
    await screenshot('designer-convert-to-cluster-menu', { settleMs: 200 });
    assert.ok(await click('.action-widget .monaco-list-row', 'Convert to Cluster'));
    await poll(() => doc.getText(), (t) => /^kind: Cluster$/m.test(t), 10_000, 100);
    const out = doc.getText();
    assert.match(out, /^# - spec\.settings\.network|^kind: Cluster$/m);
    assert.match(out, /class: tanzukubernetescluster/);
    assert.match(out, /version: v1\.25\.7---vmware\.3-fips\.1-tkg\.1/);
    await whenValidated(uri);
    assert.deepStrictEqual(ourDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.message), [], out);
    await screenshot('designer-converted-to-cluster', { settleMs: 500 });
    await doc.save();
  });
});
