/**
 * Overlays in the drift view, in the real editor against the local Supervisor: a repository with
 * a base and two overlays shows one target node per overlay (named by its path, rendered with
 * Kustomize and compared on its own), none for the base, and a Git node with the commit compared.
 * Edit in Git on an overlay object's diff opens the document it renders from, or the overlay's
 * kustomization when a patch shapes it too.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID, click, poll, revertAndCloseAll, screenshot, textOf, underBench, workspaceRoot } from './helpers';

const KUBECONFIG = process.env.TANZU_GITOPS_TEST_KUBECONFIG ?? '';
const FOLDER = 'kustomize-demo';
const PREFIX = 'tg-editor-overlay';

const kustomization = (o: Record<string, unknown>) => JSON.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...o }) + '\n';
const configMap = (data: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${PREFIX}-settings`, namespace: 'team-a' }, data }) + '\n';

async function rows(): Promise<string[]> {
  return (await textOf('.monaco-list-row')) ?? [];
}

suite('overlays in the drift view', () => {
  suiteSetup(async function () {
    if (!KUBECONFIG || !underBench()) this.skip();
    this.timeout(120_000);
    const root = workspaceRoot().fsPath;
    const files: Record<string, string> = {
      'base/kustomization.yaml': kustomization({ resources: ['settings.yaml'] }),
      'base/settings.yaml': configMap({ level: 'info' }),
      'overlays/dev/kustomization.yaml': kustomization({ resources: ['../../base'], namePrefix: 'dev-' }),
      'overlays/prod/kustomization.yaml': kustomization({ resources: ['../../base'], namePrefix: 'prod-', patches: [{ path: 'level.yaml' }] }),
      'overlays/prod/level.yaml': configMap({ level: 'warn' }),
    };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, FOLDER, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, FOLDER, rel), text);
    }
    const env = { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' };
    if (!fs.existsSync(path.join(root, '.git'))) execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root, env });
    execFileSync('git', ['add', '-A'], { cwd: root, env });
    execFileSync('git', ['commit', '-q', '-m', 'overlays'], { cwd: root, env });

    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const config = vscode.workspace.getConfiguration('tanzuGitops');
    // no targets in the settings: the workspace's own targets, the overlays among them
    await config.update('targets', undefined, vscode.ConfigurationTarget.Global);
    await config.update('kubeconfig', [KUBECONFIG], vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('tanzuGitops').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await revertAndCloseAll();
  });

  test('one drift node per overlay, each with what it renders; none for the base', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    await vscode.commands.executeCommand('tanzuGitops.drift.refresh');
    const dev = `${FOLDER}/overlays/dev`;
    const prod = `${FOLDER}/overlays/prod`;
    const seen = await poll(rows, (r) => r.some((x) => x.includes(`cm/dev-${PREFIX}-settings`)) && r.some((x) => x.includes(`cm/prod-${PREFIX}-settings`)), 90_000, 500);
    const targetRow = (name: string) => seen.filter((r) => r.startsWith(name) && /out of sync|in sync/.test(r));
    assert.strictEqual(targetRow(dev).length, 1, `one node for ${dev}: ${seen.join(' | ')}`);
    assert.strictEqual(targetRow(prod).length, 1, `one node for ${prod}: ${seen.join(' | ')}`);
    assert.deepStrictEqual(seen.filter((r) => r.includes(`${FOLDER}/base`)), [], 'the base is no target');
    // each overlay rendered on its own: its prefix, not the base's plain name
    assert.ok(!seen.some((r) => r.includes(`cm/${PREFIX}-settings`)), `no unprefixed object: ${seen.join(' | ')}`);
    assert.ok(seen.some((r) => /^Git: [0-9a-f]{7} overlays/.test(r)), `the Git node names the commit compared: ${seen.join(' | ')}`);
    await screenshot('drift-overlays', { settleMs: 500 });
  });
  test('Edit in Git on an overlay object\'s diff: the base document it renders from; with a patch, the overlay\'s kustomization', async function () {
    this.timeout(90_000);
    const root = workspaceRoot().fsPath;
    for (const [overlay, expected] of [['dev', 'base/settings.yaml'], ['prod', 'overlays/prod/kustomization.yaml']]) {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      assert.ok(await click('.monaco-list-row', `cm/${overlay}-${PREFIX}-settings`));
      const diff = await poll(() => vscode.window.tabGroups.activeTabGroup.activeTab?.input, (i) => i instanceof vscode.TabInputTextDiff && i.modified.path.includes(`${overlay}-${PREFIX}`), 20_000, 200);
      assert.ok(diff instanceof vscode.TabInputTextDiff, `a diff of the ${overlay} object`);
      const git = (await vscode.workspace.openTextDocument(diff.modified)).getText();
      assert.match(git, new RegExp(`name: ${overlay}-${PREFIX}-settings`), 'the Git side is the rendered object');
      assert.doesNotMatch(git, /^\s+tanzu-gitops\.io\/(target|tracking-id):/m);
      await vscode.commands.executeCommand('tanzuGitops.drift.editInGit', diff.modified);
      const editor = await poll(() => vscode.window.activeTextEditor, (e) => e?.document.uri.scheme === 'file', 15_000, 200);
      assert.strictEqual(editor?.document.uri.fsPath, path.join(root, FOLDER, ...expected.split('/')), `${overlay}: the file that defines it`);
      assert.strictEqual(editor?.selection.active.line, 0);
    }
    await screenshot('drift-overlay-edit-in-git', { settleMs: 500 });
  });
});
