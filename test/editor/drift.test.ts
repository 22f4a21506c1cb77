/**
 * The drift view in the real editor, against the local Supervisor and a real Git repository:
 * the tree shows each status, and opening an out-of-sync resource shows a diff editor with the
 * live object on the left and Git's on the right: Git as written, without the tracking a sync
 * sets (named once above both sides), and Edit in Git on the diff opens the file beside it.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { ConnectionSession, loadKubeconfig } from '../../src/cluster';
import { identityOf } from '../../src/core/reconcile/identity';
import { objectToApply } from '../../src/core/reconcile/ownership';
import { EXTENSION_ID, click, keys, poll, quickInputText, revertAndCloseAll, runFromPalette, screenshot, sleep, textOf, underBench, waitForVisible, webview, workspaceRoot } from './helpers';

const KUBECONFIG = process.env.TANZU_GITOPS_TEST_KUBECONFIG ?? '';
const NS = 'team-a';
const TARGET = 'editor-drift';
const PREFIX = 'tg-editor-drift';

function configMap(name: string, data: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${PREFIX}-${name}`, namespace: NS }, data };
}

function tracked(obj: Record<string, unknown>): Record<string, unknown> {
  return objectToApply(obj, identityOf(obj)!, { kind: 'tanzu-gitops', target: TARGET });
}

const rowsSelector = '.monaco-list-row';

async function rows(): Promise<string[]> {
  return ((await textOf(rowsSelector)) ?? []).filter((t) => t.includes(PREFIX) || t.includes(TARGET));
}

suite('drift view against the local Supervisor', () => {
  let session: ConnectionSession | undefined;

  suiteSetup(async function () {
    if (!KUBECONFIG || !underBench()) this.skip();
    this.timeout(120_000);
    // Git: the workspace becomes a repository with the target's manifests committed.
    const root = workspaceRoot().fsPath;
    fs.mkdirSync(path.join(root, 'drift'), { recursive: true });
    const git = [configMap('synced', { a: '1' }), configMap('changed', { replicas: '3' }), configMap('missing', { a: '1' })];
    fs.writeFileSync(path.join(root, 'drift', 'config.yaml'), git.map((o) => JSON.stringify(o)).join('\n---\n') + '\n');
    const env = { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' };
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root, env });
    execFileSync('git', ['add', '-A'], { cwd: root, env });
    execFileSync('git', ['commit', '-q', '-m', 'drift fixtures'], { cwd: root, env });

    // The Supervisor: one object as Git says, one changed, one extra (tracked, not in Git).
    session = await ConnectionSession.open({ kubeconfig: loadKubeconfig({ paths: [KUBECONFIG] }), allowExec: false });
    const apply = (o: Record<string, unknown>) => session!.client.apply(o, { fieldManager: 'tanzu-gitops', force: true });
    for (const name of ['missing', 'adopted']) await session.client.delete({ group: '', kind: 'ConfigMap', namespace: NS, name: `${PREFIX}-${name}` }).catch(() => undefined);
    await apply(tracked(configMap('synced', { a: '1' })));
    await apply(tracked(configMap('changed', { replicas: '1' })));
    await apply(tracked(configMap('extra', { b: '2' })));

    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const config = vscode.workspace.getConfiguration('tanzuGitops');
    await config.update('targets', [{ name: TARGET, path: 'drift', namespace: NS }], vscode.ConfigurationTarget.Global);
    await config.update('kubeconfig', [KUBECONFIG], vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    const config = vscode.workspace.getConfiguration('tanzuGitops');
    await config.update('targets', undefined, vscode.ConfigurationTarget.Global);
    await config.update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    for (const name of ['synced', 'changed', 'extra', 'missing', 'adopted']) await session?.client.delete({ group: '', kind: 'ConfigMap', namespace: NS, name: `${PREFIX}-${name}` }).catch(() => undefined);
    session?.dispose();
    await revertAndCloseAll();
  });

  test('the tree shows Synced, OutOfSync, Missing and Extra', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    let seen: string[] = [];
    const started = Date.now();
    while (Date.now() - started < 60_000) {
      seen = await rows();
      if (['synced', 'changed', 'missing', 'extra'].every((n) => seen.some((r) => r.includes(`${PREFIX}-${n}`)))) break;
      await sleep(500);
    }
    const row = (n: string) => seen.find((r) => r.includes(`cm/${PREFIX}-${n}`)) ?? '';
    assert.match(row('synced'), /Synced/, `rows: ${seen.join(' | ')}`);
    assert.match(row('changed'), /OutOfSync/);
    assert.match(row('changed'), /replicas/, 'the description names what differs');
    assert.match(row('missing'), /Missing/);
    assert.match(row('extra'), /Extra/);
    assert.ok(seen.some((r) => r.includes(TARGET) && /3 out of sync/.test(r)), `the target row counts the drift: ${seen.join(' | ')}`);
    await screenshot('drift-tree', { settleMs: 500 });
  });

  test('clicking an out-of-sync resource opens a diff: live on the left, Git on the right', async () => {
    await click(rowsSelector, `cm/${PREFIX}-changed`);
    let input: unknown;
    const started = Date.now();
    while (Date.now() - started < 20_000) {
      input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      if (input instanceof vscode.TabInputTextDiff) break;
      await sleep(200);
    }
    assert.ok(input instanceof vscode.TabInputTextDiff, 'a diff editor is open');
    const diff = input as vscode.TabInputTextDiff;
    assert.strictEqual(diff.original.scheme, 'tanzu-gitops-drift');
    const left = (await vscode.workspace.openTextDocument(diff.original)).getText();
    const right = (await vscode.workspace.openTextDocument(diff.modified)).getText();
    assert.match(left, /replicas: "1"/);
    assert.match(right, /replicas: "3"/);
    assert.match(vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '', /ConfigMap team-a\/tg-editor-drift-changed: live ↔ Git/);
    await screenshot('drift-diff', { settleMs: 800 });
  });

  test('Sync… from the command palette, applied from its plan review, turns the tree Synced', async function () {
    this.timeout(150_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.ok(await runFromPalette('Tanzu GitOps: Sync…'));
    // The mode picker: the first entry is "Sync" (no prune).
    await quickInputText(/create and change what differs/, 60_000);
    await keys([{ press: 'Enter', waitMs: 500 }]);
    // The plan to review: a webview naming what was chosen, applied by a click on its button.
    await webview.waitFor('header h1', 1, 60_000, `Sync ${TARGET}`);
    const detail = ((await webview.text('header .sub')) ?? []).join(' ');
    assert.match(detail, /1 to create, 1 to change/, `the plan is shown: ${detail}`);
    const items = ((await webview.text('details.item summary')) ?? []).join(' | ');
    assert.match(items, /create\s*ConfigMap team-a\/tg-editor-drift-missing/, `the plan's items: ${items}`);
    await screenshot('sync-confirm', { settleMs: 300 });
    assert.ok(await webview.click('button.apply', 'Sync 2 resources'));
    let seen: string[] = [];
    const started = Date.now();
    while (Date.now() - started < 60_000) {
      seen = await rows();
      const row = (n: string) => seen.find((r) => r.includes(`cm/${PREFIX}-${n}`)) ?? '';
      if (/Synced/.test(row('changed')) && /Synced/.test(row('missing'))) break;
      await sleep(500);
    }
    const row = (n: string) => seen.find((r) => r.includes(`cm/${PREFIX}-${n}`)) ?? '';
    assert.match(row('changed'), /Synced/, `rows after the sync: ${seen.join(' | ')}`);
    assert.match(row('missing'), /Synced/);
    assert.match(row('extra'), /Extra/, 'no prune: the extra object stays');
    const live = await session!.client.get({ group: '', kind: 'ConfigMap', namespace: NS, name: `${PREFIX}-changed` });
    assert.deepStrictEqual((live as { data?: unknown }).data, { replicas: '3' });
    await screenshot('sync-done', { settleMs: 500 });
  });
  test('the diff\'s Git side is Git as written: no tracking metadata, one line names what a sync adds; Edit in Git opens the file beside it and the diff follows a save', async function () {
    this.timeout(150_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Another tool applied it, without this target's tracking; Git says otherwise.
    const root = workspaceRoot().fsPath;
    await session!.client.apply(configMap('adopted', { level: 'info' }), { fieldManager: 'someone-else', force: true });
    const file = path.join(root, 'drift', 'adopted.yaml');
    fs.writeFileSync(file, `# written by hand\n${JSON.stringify(configMap('adopted', { level: 'warn' }))}\n`);
    const seen = await poll(rows, (r) => r.some((x) => x.includes(`cm/${PREFIX}-adopted`) && /OutOfSync/.test(x)), 60_000, 500);
    assert.ok(seen.some((x) => x.includes(`cm/${PREFIX}-adopted`) && /OutOfSync/.test(x) && /level/.test(x)), `the row names the real change: ${seen.join(' | ')}`);

    await click(rowsSelector, `cm/${PREFIX}-adopted`);
    const diff = await poll(() => vscode.window.tabGroups.activeTabGroup.activeTab?.input, (i) => i instanceof vscode.TabInputTextDiff && i.modified.path.includes('adopted'), 20_000, 200);
    assert.ok(diff instanceof vscode.TabInputTextDiff, 'a diff editor is open');
    const left = (await vscode.workspace.openTextDocument(diff.original)).getText();
    const right = (await vscode.workspace.openTextDocument(diff.modified)).getText();
    // Git as written: its data, none of the keys a sync adds, no target name nor local path
    assert.match(right, /level: warn/);
    assert.match(left, /level: info/);
    for (const side of [left, right]) assert.doesNotMatch(side, /^\s+tanzu-gitops\.io\/(target|tracking-id):/m, side);
    assert.doesNotMatch(right, new RegExp(root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const note = left.split('\n')[0];
    assert.match(note, /^# Tracking metadata is left out of both sides: a sync also adds label tanzu-gitops\.io\/target, annotation tanzu-gitops\.io\/tracking-id\b/, 'the tracking is named once, above the live side');
    assert.strictEqual(right.split('\n')[0], note, 'and above the Git side, so it is no hunk');
    // the only lines that differ are the real difference
    const l = left.split('\n');
    const r = right.split('\n');
    assert.deepStrictEqual(l.filter((x, i) => x !== r[i]), ['  level: info'], `live:\n${left}\nGit:\n${right}`);

    // Edit in Git: the editor's title action on the diff
    await waitForVisible('.editor-actions .action-label[aria-label^="Edit in Git"]', 1, 10_000);
    await screenshot('drift-diff-git-side', { settleMs: 600 });
    assert.ok(await click('.editor-actions .action-label[aria-label^="Edit in Git"]'));
    const editor = await poll(() => vscode.window.activeTextEditor, (e) => e?.document.uri.scheme === 'file', 15_000, 200);
    assert.strictEqual(editor?.document.uri.fsPath, file, 'the file that defines the object');
    assert.strictEqual(editor?.selection.active.line, 1, 'at its document, past the comment');
    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === diff.modified.toString()), 'beside the diff, which stays open');
    await screenshot('drift-edit-in-git', { settleMs: 600 });

    // resolve the drift in place: Git takes the live value; the open diff follows the save
    const doc = editor!.document;
    const at = doc.getText().indexOf('"warn"');
    assert.ok(at > 0);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + '"warn"'.length)), '"info"');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    const after = await poll(async () => (await vscode.workspace.openTextDocument(diff.modified)).getText(), (t) => /level: info/.test(t), 30_000, 300);
    assert.match(after, /level: info/, 'the diff\'s Git side follows the saved file');
    const settled = await poll(rows, (x) => x.some((y) => y.includes(`cm/${PREFIX}-adopted`) && /Synced/.test(y)), 30_000, 500);
    assert.ok(settled.some((y) => y.includes(`cm/${PREFIX}-adopted`) && /Synced/.test(y) && /not tracked yet/.test(y)), `equal apart from tracking: ${settled.join(' | ')}`);
  });
});
