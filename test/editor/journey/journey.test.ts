/**
 * The whole journey, as a new user walks it, in the real VS Code (code-server) opened on a clone of
 * the sample GitOps repository (`editor-bench test --journey`), against the local Supervisor with
 * part of the sample applied (as `npm run demo` does): see a squiggle, apply a quick fix, open the
 * drift tree, open a diff, sync the drifted file through its plan and confirmation and see the
 * tree turn Synced, then design a new cluster in the designer, save, commit and sync it; when
 * someone else changes two clusters, tick both in the tree and sync only those; and when a cluster
 * is in sync but its controller says Ready=False, see its health beside its sync status. Each step leaves a screenshot in
 * test-artifacts/journey/ for a person to look at. The tests run in order and build on each other.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { ConnectionSession, loadKubeconfig } from '../../../src/cluster';
import { validateText } from '../../../src/core/engine';
import {
  EXTENSION_ID, click, diagnosticCode, keys, ourDiagnostics, poll, quickInputText, runFromPalette, screenshot, sleep, textOf, tickRows, underBench,
  waitForDiagnostics, waitForVisible, webview, whenValidated, workspaceRoot,
} from '../helpers';

const KUBECONFIG = process.env.TANZU_GITOPS_TEST_KUBECONFIG ?? '';
const CLI = process.env.TANZU_GITOPS_EDITOR_CLI ?? '';
const NEW_CLUSTER = 'cluster-journey';

/** The sample's clusters (and the one the journey designs), removed before and after. */
const SAMPLE_OBJECTS = [
  { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', namespace: 'team-a', name: 'tkc-web' },
  { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', namespace: 'team-a', name: 'tkc-db' },
  { group: 'cluster.x-k8s.io', kind: 'Cluster', namespace: 'team-a', name: NEW_CLUSTER },
  { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', namespace: 'team-b', name: 'tkc-legacy' },
  { group: 'cluster.x-k8s.io', kind: 'Cluster', namespace: 'team-b', name: 'cluster-ci' },
];

const rowsSelector = '#workbench\\.parts\\.sidebar .monaco-list-row';

async function treeRows(): Promise<string[]> {
  return (await textOf(rowsSelector)) ?? [];
}

function waitForRows(ok: (rows: string[]) => boolean, timeoutMs = 60_000): Promise<string[]> {
  return poll(treeRows, ok, timeoutMs, 500);
}

/** The resource row of `name` (Kind/name at its start: the Git row's commit subject may name it too). */
const row = (rows: string[], name: string): string => rows.find((r) => /^\w+\//.test(r) && r.slice(r.indexOf('/') + 1).startsWith(name)) ?? '';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

/** `tanzu-gitops sync --yes` of sample files, as the demo seeds the Supervisor. */
function cliSync(cwd: string, ...files: string[]): void {
  execFileSync(process.execPath, [CLI, 'sync', '--kubeconfig', KUBECONFIG, '--yes', ...files], { cwd, encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
}

/** As someone else changes a sample file: in a clone of the remote, synced from there with the command line. */
function someoneElseSyncs(root: string, file: string, change: (text: string) => string): void {
  const other = fs.mkdtempSync(path.join(path.dirname(root), 'someone-else-'));
  try {
    git(other, 'clone', '-q', git(root, 'remote', 'get-url', 'origin').trim(), '.');
    const at = path.join(other, ...file.split('/'));
    const before = fs.readFileSync(at, 'utf8');
    const after = change(before);
    assert.notStrictEqual(after, before, `${file} changed`);
    fs.writeFileSync(at, after);
    cliSync(other, file);
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
}

/** As the TKG controller writes a cluster's status: a server-side apply of the status subresource under its own manager. */
async function controllerWritesStatus(session: ConnectionSession, ref: { namespace: string; name: string }, phase: string, ready: { status: string; reason: string; message: string }): Promise<void> {
  const body = {
    apiVersion: 'run.tanzu.vmware.com/v1alpha3', kind: 'TanzuKubernetesCluster', metadata: { name: ref.name, namespace: ref.namespace },
    status: { phase, conditions: [{ type: 'Ready', status: ready.status, reason: ready.reason, message: ready.message, severity: 'Warning', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] },
  };
  await session.client.connection.request({
    method: 'PATCH', path: `/apis/run.tanzu.vmware.com/v1alpha3/namespaces/${ref.namespace}/tanzukubernetesclusters/${ref.name}/status`,
    query: { fieldManager: 'vmware-system-tkg-controller', force: 'true' }, body: JSON.stringify(body), contentType: 'application/apply-patch+yaml',
  });
}

suite('the whole journey: a new user in the sample repository', () => {
  let session: ConnectionSession | undefined;
  let root = '';

  suiteSetup(async function () {
    if (!KUBECONFIG || !underBench() || !CLI) this.skip();
    this.timeout(180_000);
    root = workspaceRoot().fsPath;
    assert.ok(fs.existsSync(path.join(root, '.git')), 'the workspace is the sample repository clone');
    git(root, 'config', 'user.name', 'Journey Test');
    git(root, 'config', 'user.email', 'journey@example.com');

    // The Supervisor as the demo leaves it: tkc-web in sync, cluster-ci drifted, tkc-legacy
    // missing, tkc-db never applied (its errors would block the sync).
    session = await ConnectionSession.open({ kubeconfig: loadKubeconfig({ paths: [KUBECONFIG] }), allowExec: false });
    for (const ref of SAMPLE_OBJECTS) await session.client.delete(ref).catch(() => undefined);
    cliSync(root, 'clusters/team-a/tkc-web.yaml');
    cliSync(root, 'clusters/team-b/cluster-ci.yaml');
    someoneElseSyncs(root, 'clusters/team-b/cluster-ci.yaml', (t) => t.replace('replicas: 4', 'replicas: 6'));

    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await vscode.workspace.getConfiguration('tanzuGitops').update('kubeconfig', [KUBECONFIG], vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('tanzuGitops').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    for (const ref of SAMPLE_OBJECTS) await session?.client.delete(ref).catch(() => undefined);
    session?.dispose();
  });

  test('1. opening a broken manifest shows squiggles where the errors are', async () => {
    const doc = await vscode.workspace.openTextDocument(path.join(root, 'clusters', 'team-a', 'tkc-db.yaml'));
    await vscode.window.showTextDocument(doc);
    const diags = await waitForDiagnostics(doc.uri, (d) => d.some((x) => diagnosticCode(x) === 'control-plane-replicas'), 20_000);
    assert.ok(diags.length >= 5, `several findings: ${diags.map((d) => d.message).join(' | ')}`);
    await waitForVisible('.monaco-editor .squiggly-error', 3);
    await screenshot('journey-1-squiggles', { settleMs: 500 });
  });

  test('2. a quick fix from the light bulb menu corrects the misspelt field', async () => {
    const editor = vscode.window.activeTextEditor!;
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('vmclass:'));
    assert.ok(line >= 0);
    const at = new vscode.Position(line, editor.document.lineAt(line).text.indexOf('vmclass') + 2);
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await sleep(300);
    await keys([{ press: 'Control+.', waitMs: 1200 }]);
    await waitForVisible('.action-widget .monaco-list-row', 1, 10_000);
    await screenshot('journey-2-quick-fix-menu', { settleMs: 200 });
    assert.ok(await click('.action-widget .monaco-list-row', 'Change to vmClass'));
    const started = Date.now();
    while (Date.now() - started < 10_000 && editor.document.getText().includes('vmclass:')) await sleep(100);
    assert.match(editor.document.lineAt(line).text, /vmClass: guaranteed-large/);
    await waitForDiagnostics(editor.document.uri, (d) => !d.some((x) => x.message.includes('"vmclass"')), 10_000);
    assert.ok(!ourDiagnostics(editor.document.uri).some((x) => x.message.includes('"vmclass"')), 'the finding is gone');
    await screenshot('journey-2-fixed', { settleMs: 500 });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('3. the drift tree shows the sample: in sync, drifted and missing', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    const rows = await waitForRows((r) => /Synced/.test(row(r, 'tkc-web')) && /OutOfSync/.test(row(r, 'cluster-ci')) && /Missing/.test(row(r, 'tkc-legacy')));
    assert.match(row(rows, 'tkc-web'), /Synced/, `rows: ${rows.join(' | ')}`);
    assert.match(row(rows, 'cluster-ci'), /OutOfSync/);
    assert.match(row(rows, 'tkc-legacy'), /Missing/);
    await screenshot('journey-3-drift-tree', { settleMs: 500 });
  });

  test('4. clicking the drifted cluster opens its diff: live 6 replicas, Git 4', async () => {
    assert.ok(await click(rowsSelector, 'Cluster/cluster-ci'));
    let input: unknown;
    const started = Date.now();
    while (Date.now() - started < 20_000) {
      input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      if (input instanceof vscode.TabInputTextDiff) break;
      await sleep(200);
    }
    assert.ok(input instanceof vscode.TabInputTextDiff, 'a diff editor is open');
    const left = (await vscode.workspace.openTextDocument(input.original)).getText();
    const right = (await vscode.workspace.openTextDocument(input.modified)).getText();
    assert.match(left, /replicas: 6/);
    assert.match(right, /replicas: 4/);
    await screenshot('journey-4-diff', { settleMs: 800 });
  });

  test('5. Sync Current File shows the plan review with the field that changes, applies on a click, and the drifted cluster turns Synced', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(root, 'clusters', 'team-b', 'cluster-ci.yaml')));
    assert.ok(await runFromPalette('Tanzu GitOps: Sync Current File'));
    // The plan review names the file chosen and shows the field that changes.
    await webview.waitFor('header h1', 1, 60_000, 'Sync clusters/team-b/cluster-ci.yaml');
    const plan = ((await webview.text('header .sub')) ?? []).join(' ');
    assert.match(plan, /1 to change/, `the plan is shown: ${plan}`);
    const fields = ((await webview.text('.field')) ?? []).join(' | ');
    assert.match(fields, /replicas 6 → 4/, `the field diff: ${fields}`);
    await screenshot('journey-5-plan', { settleMs: 300 });
    assert.ok(await webview.click('button.apply', 'Sync 1 resource'));
    const rows = await waitForRows((r) => /Synced/.test(row(r, 'cluster-ci')));
    assert.match(row(rows, 'cluster-ci'), /Synced/, `rows after the sync: ${rows.join(' | ')}`);
    const live = await session!.client.get({ group: 'cluster.x-k8s.io', kind: 'Cluster', namespace: 'team-b', name: 'cluster-ci' }) as { spec?: { topology?: { workers?: { machineDeployments?: { replicas?: number }[] } } } };
    assert.strictEqual(live.spec?.topology?.workers?.machineDeployments?.[0]?.replicas, 4, 'the Supervisor has Git\'s 4 replicas again');
    await screenshot('journey-5-synced', { settleMs: 500 });
  });

  test('6. New Cluster… opens the designer; the form and the YAML stay in step; Save writes the file, Commit commits it', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.ok(await runFromPalette('Tanzu GitOps: New Cluster…'));
    await webview.waitFor('.monaco-editor .view-lines', 1, 30_000);
    await webview.waitFor('[data-field="name"]');
    await webview.fill('[data-field="name"]', NEW_CLUSTER);
    await webview.fill('[data-field="namespace"]', 'team-a');
    // The live pickers offer team-a's VM classes, storage classes and releases from the
    // Supervisor; the designer picks none of them itself: the user does.
    const started = Date.now();
    let options: string[] = [];
    let storage: string[] = [];
    let releases: string[] = [];
    while (Date.now() - started < 20_000) {
      options = (await webview.text('datalist#choices-vmClasses option')) ?? [];
      storage = (await webview.text('datalist#choices-storageClasses option')) ?? [];
      releases = (await webview.text('datalist#choices-tkrs option')) ?? [];
      if (options.length > 0 && storage.length > 0 && releases.length > 0) break;
      await sleep(300);
    }
    assert.ok(options.includes('best-effort-small'), `team-a's VM classes are offered: ${options.join(', ')}`);
    assert.deepStrictEqual(((await webview.text('[data-field="controlPlane.vmClass"]')) ?? [])[0] ?? '', '', 'no VM class is chosen for the user');
    await webview.fill('[data-field="controlPlane.vmClass"]', 'best-effort-small');
    await webview.fill('[data-field="controlPlane.storageClass"]', storage[0]);
    await webview.fill('[data-field="tkr"]', releases[0]);
    await screenshot('journey-6-designer', { settleMs: 800 });
    const yaml = ((await webview.text('.monaco-editor .view-lines')) ?? []).join('\n');
    assert.match(yaml.replace(/\u00a0/g, ' '), new RegExp(`name: ${NEW_CLUSTER}`), `the YAML follows the form: ${yaml.slice(0, 400)}`);
    assert.ok(await webview.click('button', 'Save'));
    // The save dialog proposes clusters/<namespace>/<name>.yaml in the workspace: accept it.
    await waitForVisible('.quick-input-widget', 1, 15_000);
    await screenshot('journey-6-save-dialog', { settleMs: 300 });
    await keys([{ press: 'Enter', waitMs: 1000 }]);
    const file = path.join(root, 'clusters', 'team-a', `${NEW_CLUSTER}.yaml`);
    const saved = Date.now();
    while (Date.now() - saved < 15_000 && !fs.existsSync(file)) await sleep(200);
    assert.ok(fs.existsSync(file), `${file} was written`);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, new RegExp(`name: ${NEW_CLUSTER}`));
    assert.match(text, /namespace: team-a/);
    await webview.waitFor('[role="status"]', 1, 10_000, 'Saved');
    await screenshot('journey-6-saved', { settleMs: 300 });
    // Commit… stages and commits the saved file with a proposed message.
    assert.ok(await webview.click('button', 'Commit'));
    await waitForVisible('.quick-input-widget', 1, 15_000);
    await screenshot('journey-6-commit-message', { settleMs: 300 });
    await keys([{ press: 'Enter', waitMs: 500 }]);
    const committing = Date.now();
    let log = '';
    while (Date.now() - committing < 15_000) {
      log = git(root, 'log', '-1', '--name-only', '--format=%s');
      if (log.includes(NEW_CLUSTER)) break;
      await sleep(300);
    }
    assert.match(log, new RegExp(`^Add cluster team-a/${NEW_CLUSTER}\\n+clusters/team-a/${NEW_CLUSTER}\\.yaml`), log);
    // What was saved is a complete cluster: no error from the engine, and none in the editor.
    assert.deepStrictEqual(validateText(text).filter((f) => f.severity === 'error').map((f) => f.message), [], text);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc, { preview: false });
    await whenValidated(doc.uri);
    assert.deepStrictEqual(ourDiagnostics(doc.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.message), []);
  });

  test('7. Sync… in the designer goes through the plan review and a click on its button; the new cluster turns Synced', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('tanzuGitops.editInDesigner', vscode.Uri.file(path.join(root, 'clusters', 'team-a', `${NEW_CLUSTER}.yaml`)));
    await webview.waitFor('[data-field="name"]', 1, 30_000);
    assert.ok(await webview.click('button', 'Sync'));
    await webview.waitFor('header h1', 1, 60_000, `Sync clusters/team-a/${NEW_CLUSTER}.yaml`);
    const plan = ((await webview.text('header .sub')) ?? []).join(' ');
    assert.match(plan, /1 to create/, `the plan is shown: ${plan}`);
    const items = ((await webview.text('details.item summary')) ?? []).join(' | ');
    assert.match(items, new RegExp(`create\\s*Cluster team-a/${NEW_CLUSTER}`), items);
    await screenshot('journey-7-designer-sync-plan', { settleMs: 300 });
    assert.ok(await webview.click('button.apply', 'Sync 1 resource'));
    const live = await poll(() => session!.client.get({ group: 'cluster.x-k8s.io', kind: 'Cluster', namespace: 'team-a', name: NEW_CLUSTER }).catch(() => undefined), (o) => !!o, 30_000, 300);
    assert.ok(live, `${NEW_CLUSTER} exists on the Supervisor`);
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    const rows = await waitForRows((r) => /Synced/.test(row(r, NEW_CLUSTER)));
    assert.match(row(rows, NEW_CLUSTER), /Synced/, `rows: ${rows.join(' | ')}`);
    await screenshot('journey-7-synced', { settleMs: 500 });
  });
  test('8. someone else changes two clusters: ticked together in the tree, they alone are synced through one plan; the rest stays as it was', async function () {
    this.timeout(180_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    someoneElseSyncs(root, 'clusters/team-b/cluster-ci.yaml', (t) => t.replace('replicas: 4', 'replicas: 6'));
    someoneElseSyncs(root, 'clusters/team-a/tkc-web.yaml', (t) => t.replace(/(nodePools:[\s\S]*?replicas:) 3/, '$1 5'));
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    const drifted = await waitForRows((r) => /OutOfSync/.test(row(r, 'cluster-ci')) && /OutOfSync/.test(row(r, 'tkc-web')), 90_000);
    assert.match(row(drifted, 'tkc-web'), /OutOfSync/, `rows: ${drifted.join(' | ')}`);
    assert.match(row(drifted, 'tkc-legacy'), /Missing/);
    await tickRows(rowsSelector, ['tkc/tkc-web', 'Cluster/cluster-ci']);
    await screenshot('journey-8-ticked', { settleMs: 300 });
    assert.ok(await click('#workbench\\.parts\\.sidebar .monaco-list-row.selected .action-label[aria-label="Sync"]'), 'the Sync action of the ticked rows');
    await waitForVisible('.quick-input-widget .monaco-list-row', 1, 60_000);
    assert.match(await quickInputText(/create and change what differs/, 60_000), /create and change what differs/);
    await keys([{ press: 'Enter', waitMs: 300 }]); // the mode: Sync (no prune)
    // One plan for the two: tkc-db's errors and tkc-legacy, not ticked, neither block nor go.
    await webview.waitFor('header h1', 1, 60_000, 'Sync 2 resources');
    const plan = ((await webview.text('header .sub')) ?? []).join(' ');
    assert.match(plan, /2 to change/, `the plan is shown: ${plan}`);
    const fields = ((await webview.text('.field')) ?? []).join(' | ');
    assert.match(fields, /replicas 5 → 3/, `tkc-web's field: ${fields}`);
    assert.match(fields, /replicas 6 → 4/, `cluster-ci's field: ${fields}`);
    assert.doesNotMatch(fields, /tanzu-gitops\.io/, 'no tracking among the fields: both are tracked already');
    assert.strictEqual(await webview.count('.blocker'), 0);
    assert.deepStrictEqual(await webview.text('button.apply'), ['Sync 2 resources']);
    await screenshot('journey-8-plan', { settleMs: 300 });
    assert.ok(await webview.click('button.apply', 'Sync 2 resources'));
    await webview.waitFor('.status.ok', 1, 90_000);
    const rows = await waitForRows((r) => /Synced/.test(row(r, 'cluster-ci')) && /Synced/.test(row(r, 'tkc-web')), 90_000);
    assert.match(row(rows, 'tkc-web'), /Synced/, `rows after the sync: ${rows.join(' | ')}`);
    assert.match(row(rows, 'cluster-ci'), /Synced/);
    assert.match(row(rows, 'tkc-legacy'), /Missing/, 'what was not ticked was not synced');
    const web = await session!.client.get({ group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', namespace: 'team-a', name: 'tkc-web' }) as { spec?: { topology?: { nodePools?: { replicas?: number }[] } } };
    assert.strictEqual(web.spec?.topology?.nodePools?.[0]?.replicas, 3, 'the Supervisor has Git\'s 3 workers again');
    await screenshot('journey-8-synced', { settleMs: 500 });
  });

  test('9. a cluster in sync whose controller says Ready=False shows its health beside its sync status', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    await controllerWritesStatus(session!, { namespace: 'team-a', name: 'tkc-web' }, 'running', { status: 'False', reason: 'NodesNotReady', message: 'node tkc-web-workers-1 is NotReady' });
    const rows = await waitForRows((r) => /Degraded/.test(row(r, 'tkc-web')), 60_000);
    const web = row(rows, 'tkc-web');
    // two signals: sync from the comparison, health from the controller's status
    assert.match(web, /Synced/, `rows: ${rows.join(' | ')}`);
    assert.match(web, /Degraded/);
    assert.ok(web.indexOf('Synced') < web.indexOf('Degraded'), `sync first, then health: ${web}`);
    assert.match(web, /Ready False/, 'the condition that makes it so');
    assert.match(row(rows, 'cluster-ci'), /Synced/);
    assert.doesNotMatch(row(rows, 'cluster-ci'), /Degraded/, 'the other cluster\'s health is its own');
    // a wider side bar, so both signals show in full
    for (let i = 0; i < 8; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
    await screenshot('journey-9-health', { settleMs: 500 });
  });
});
