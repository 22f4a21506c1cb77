/**
 * Sync what you chose, through a plan you can read, in the real editor against the local
 * Supervisor and a real Git repository: rows ticked in the drift tree are synced alone and are
 * blocked only by their own finding; the plan review shows each change's fields and diff, and
 * applies on a click of "Sync N resources" (Enter does not); an Argo CD Application's node shows
 * Argo CD's verdict beside the local one, and a row of it synced from the tree becomes Argo CD's
 * selective sync; Open in Argo CD is in the context menu of a row the Application tracks, and
 * says plainly which setting it needs. The Argo CD application controller is played by test/integration/argocd-controller.ts
 * (no controller runs here); the test reads the operation our sync wrote.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { ConnectionSession, loadKubeconfig } from '../../src/cluster';
import { identityOf } from '../../src/core/reconcile/identity';
import { objectToApply } from '../../src/core/reconcile/ownership';
import { patchApp, playController, type Controller } from '../integration/argocd-controller';
import {
  EXTENSION_ID, click, keys, poll, quickInputText, revertAndCloseAll, rightClick, screenshot, sleep, textOf, tickRows, underBench, waitForVisible, webview, workspaceRoot,
} from './helpers';

const KUBECONFIG = process.env.TANZU_GITOPS_TEST_KUBECONFIG ?? '';
const NS = 'team-a';
const TARGET = 'editor-review';
const PREFIX = 'tg-review';
const APP = { name: `${PREFIX}-app`, namespace: 'argocd' };
const ROWS = '.monaco-list-row';
/** The inline Sync action of the selected rows of the drift tree. */
const ROW_SYNC = '.monaco-list-row.selected .action-label[aria-label="Sync"]';

type Obj = Record<string, unknown>;
const configMap = (name: string, data: Record<string, string>): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${PREFIX}-${name}`, namespace: NS }, data });
const tracked = (obj: Obj): Obj => objectToApply(obj, identityOf(obj)!, { kind: 'tanzu-gitops', target: TARGET });
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
}

async function rows(): Promise<string[]> {
  return ((await textOf(ROWS)) ?? []).filter((t) => t.includes(PREFIX) || t.includes(TARGET));
}

async function waitForRows(done: (rows: string[]) => boolean, timeoutMs = 60_000): Promise<string[]> {
  return poll(rows, done, timeoutMs, 500);
}

const rowOf = (all: string[], name: string) => all.find((r) => r.includes(`${PREFIX}-${name}`)) ?? '';

/** Ticks rows of the tree: a click on the first, Ctrl+click on the others. */
function tick(...names: string[]): Promise<void> {
  return tickRows(ROWS, names.map((n) => `${PREFIX}-${n}`));
}

/** A picker showing `re` (the hidden widget keeps the last picker's text: its rows must be visible too). */
async function picker(re: RegExp): Promise<string> {
  await waitForVisible('.quick-input-widget .monaco-list-row', 1, 60_000);
  const text = await quickInputText(re, 60_000);
  assert.match(text, re);
  return text;
}

/** The review's headline, once a review shows one matching `re`. */
async function reviewTitle(re: RegExp): Promise<string> {
  const title = await poll(async () => ((await webview.text('header h1')) ?? [])[0] ?? '', (t) => re.test(t), 60_000, 250);
  assert.match(title, re, 'the plan review opened');
  return title;
}

suite('sync what you chose, through a plan you can read', () => {
  let session: ConnectionSession | undefined;
  let bare = '';
  let controller: Controller | undefined;

  suiteSetup(async function () {
    if (!KUBECONFIG || !underBench()) this.skip();
    this.timeout(120_000);
    const root = workspaceRoot().fsPath;
    // Git: the target's folder (two ConfigMaps and a cluster whose VM class team-a lacks), a file
    // of the same target that does not parse, and an Application's folder; pushed to a bare remote
    // the Application names.
    fs.mkdirSync(path.join(root, 'review'), { recursive: true });
    fs.mkdirSync(path.join(root, 'argo'), { recursive: true });
    fs.writeFileSync(path.join(root, 'review', 'config.yaml'), [configMap('changed', { replicas: '3' }), configMap('missing', { a: '1' })].map((o) => JSON.stringify(o)).join('\n---\n') + '\n');
    fs.writeFileSync(path.join(root, 'review', 'tkc.yaml'), [
      'apiVersion: run.tanzu.vmware.com/v1alpha3', 'kind: TanzuKubernetesCluster', 'metadata:', `  name: ${PREFIX}-tkc`, `  namespace: ${NS}`,
      'spec:', '  topology:', '    controlPlane:', '      replicas: 1', '      vmClass: no-such-class', '      storageClass: vsan-default-storage-policy',
      '      tkr:', '        reference:', '          name: v1.26.5---vmware.2-fips.1-tkg.1',
      '    nodePools:', '      - name: workers', '        replicas: 1', '        vmClass: best-effort-small', '        storageClass: vsan-default-storage-policy',
      '  settings:', '    network:', '      cni:', '        name: antrea', '      services:', '        cidrBlocks: ["10.96.0.0/12"]',
      '      pods:', '        cidrBlocks: ["192.168.0.0/16"]', '      serviceDomain: cluster.local', '',
    ].join('\n'));
    fs.writeFileSync(path.join(root, 'review', 'broken.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [${PREFIX}-broken\n`);
    fs.writeFileSync(path.join(root, 'argo', 'app.yaml'), [configMap('argo-a', { a: '1' }), configMap('argo-b', { b: '1' })].map((o) => JSON.stringify(o)).join('\n---\n') + '\n');
    bare = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-review-remote-'));
    git(bare, 'init', '-q', '--bare', '-b', 'main');
    if (!fs.existsSync(path.join(root, '.git'))) git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '--allow-empty', '-m', 'review fixtures');
    if (!git(root, 'remote').split('\n').includes('origin')) git(root, 'remote', 'add', 'origin', `file://${bare}`);
    else git(root, 'remote', 'set-url', 'origin', `file://${bare}`);
    git(root, 'push', '-q', 'origin', 'HEAD:main');
    git(root, 'fetch', '-q', 'origin');
    git(root, 'remote', 'set-head', 'origin', 'main');

    // The Supervisor: one ConfigMap as someone left it before (tracked by the target, 1 replica).
    session = await ConnectionSession.open({ kubeconfig: loadKubeconfig({ paths: [KUBECONFIG] }), allowExec: false });
    const client = session.client;
    for (const n of ['missing', 'argo-a', 'argo-b']) await client.delete({ group: '', kind: 'ConfigMap', namespace: NS, name: `${PREFIX}-${n}` }).catch(() => undefined);
    await client.apply(tracked(configMap('changed', { replicas: '1' })), { fieldManager: 'tanzu-gitops', force: true });
    // The Application, as the platform team applies it; its status as Argo CD last wrote it.
    await client.delete({ group: 'argoproj.io', kind: 'Application', namespace: APP.namespace, name: APP.name }).catch(() => undefined);
    await client.apply({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: APP,
      spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: NS }, source: { repoURL: `file://${bare}`, path: 'argo', targetRevision: 'HEAD' } },
    }, { fieldManager: 'kubectl', force: true });
    const head = git(root, 'rev-parse', 'HEAD').trim();
    await patchApp(client, APP, { status: { sync: { status: 'OutOfSync', revision: head }, health: { status: 'Healthy' } } });
    controller = playController(client, APP, () => ({ phase: 'Succeeded', runMs: 200 }));

    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const config = vscode.workspace.getConfiguration('tanzuGitops');
    await config.update('kubeconfig', [KUBECONFIG], vscode.ConfigurationTarget.Global);
    await config.update('targets', [{ name: TARGET, path: 'review', namespace: NS }], vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await controller?.stop();
    const config = vscode.workspace.getConfiguration('tanzuGitops');
    await config.update('targets', undefined, vscode.ConfigurationTarget.Global);
    await config.update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await config.update('argocd.url', undefined, vscode.ConfigurationTarget.Global);
    for (const n of ['changed', 'missing', 'argo-a', 'argo-b']) await session?.client.delete({ group: '', kind: 'ConfigMap', namespace: NS, name: `${PREFIX}-${n}` }).catch(() => undefined);
    await session?.client.delete({ group: 'argoproj.io', kind: 'Application', namespace: APP.namespace, name: APP.name }).catch(() => undefined);
    session?.dispose();
    if (bare) fs.rmSync(bare, { recursive: true, force: true });
    await revertAndCloseAll();
  });

  test('two ticked resources are blocked only by their own finding, shown in the plan with Go to', async function () {
    this.timeout(150_000);
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    const seen = await waitForRows((r) => /OutOfSync/.test(rowOf(r, 'changed')) && /Missing/.test(rowOf(r, 'tkc')) && /Missing/.test(rowOf(r, 'missing')));
    assert.match(rowOf(seen, 'changed'), /OutOfSync/, `rows: ${seen.join(' | ')}`);
    await tick('changed', 'tkc');
    await screenshot('sync-review-1-ticked', { settleMs: 300 });
    assert.ok(await click(ROW_SYNC), 'the Sync action of the ticked rows');
    await picker(/create and change what differs/);
    await keys([{ press: 'Enter', waitMs: 300 }]); // the mode: Sync (no prune)
    await reviewTitle(/^Sync 2 resources$/);
    await webview.waitFor('.blocker', 1, 30_000);
    const blockers = (await webview.text('.blocker')) ?? [];
    // the broken file of the same target, and the other ConfigMap, do not block what was ticked
    assert.strictEqual(blockers.length, 1, `blockers: ${blockers.join(' | ')}`);
    assert.match(blockers[0], /vm-class-unavailable/);
    assert.match(blockers[0], /Go to review\/tkc\.yaml:\d+/);
    assert.strictEqual(await webview.count('button.apply:disabled'), 1, 'a blocked plan cannot be applied');
    await screenshot('sync-review-2-blocked', { settleMs: 300 });
    assert.ok(await webview.click('.blocker .goto'));
    const editor = await poll(() => vscode.window.activeTextEditor, (e) => !!e && e.document.uri.fsPath.endsWith(path.join('review', 'tkc.yaml')), 15_000, 200);
    assert.ok(editor, 'Go to opened the file');
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /vmClass: no-such-class/, 'at the finding\'s line');
    await screenshot('sync-review-3-goto', { settleMs: 300 });
  });

  test('the plan shows each field that changes and its diff; Enter does not apply, a click on "Sync 2 resources" does', async function () {
    this.timeout(150_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    await tick('changed', 'missing');
    assert.ok(await click(ROW_SYNC));
    await picker(/create and change what differs/);
    await keys([{ press: 'Enter', waitMs: 300 }]);
    await reviewTitle(/^Sync 2 resources$/);
    await webview.waitFor('.field', 1, 30_000);
    const fields = (await webview.text('.field')) ?? [];
    assert.ok(fields.some((f) => /replicas 1 → 3/.test(f)), `the field diff: ${fields.join(' | ')}`);
    assert.ok(((await webview.count('.diff .line.add')) ?? 0) >= 1, 'the unified diff is shown');
    assert.deepStrictEqual(await webview.text('button.apply'), ['Sync 2 resources']);
    assert.strictEqual(await webview.count('.blocker'), 0);
    await screenshot('sync-review-4-plan', { settleMs: 300 });
    // Enter, with the focus in the review and on its button: nothing is sent
    await keys([{ press: 'Enter', waitMs: 200 }]);
    assert.ok(await webview.focus('button.apply'));
    await keys([{ press: 'Enter', waitMs: 1000 }]);
    const before = await session!.client.get({ group: '', kind: 'ConfigMap', namespace: NS, name: `${PREFIX}-changed` }) as { data?: Obj };
    assert.deepStrictEqual(before.data, { replicas: '1' }, 'Enter alone applied nothing');
    assert.ok(await webview.click('button.apply'));
    await webview.waitFor('.status.ok', 1, 60_000);
    assert.match(((await webview.text('.status')) ?? [])[0] ?? '', /^Synced 2 resources on /, 'the result names what was chosen');
    const after = await session!.client.get({ group: '', kind: 'ConfigMap', namespace: NS, name: `${PREFIX}-changed` }) as { data?: Obj };
    assert.deepStrictEqual(after.data, { replicas: '3' });
    await session!.client.get({ group: '', kind: 'ConfigMap', namespace: NS, name: `${PREFIX}-missing` });
    await screenshot('sync-review-5-synced', { settleMs: 300 });
    const seen = await waitForRows((r) => /Synced/.test(rowOf(r, 'changed')) && /Synced/.test(rowOf(r, 'missing')));
    assert.match(rowOf(seen, 'tkc'), /Missing/, 'what was not ticked was not synced');
  });

  test('an Application node shows Argo CD\'s verdict beside the local one; a row synced from the tree is Argo CD\'s selective sync', async function () {
    this.timeout(150_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    const seen = await waitForRows((r) => r.some((x) => x.includes(APP.name) && /Argo CD: OutOfSync · Healthy/.test(x)) && /Missing/.test(rowOf(r, 'argo-a')));
    const node = seen.find((r) => r.includes(APP.name)) ?? '';
    assert.match(node, /local: 2 out of sync · Argo CD: OutOfSync · Healthy/, `rows: ${seen.join(' | ')}`);
    await screenshot('sync-review-6-argocd-verdict', { settleMs: 300 });
    await tick('argo-a');
    assert.ok(await click(ROW_SYNC));
    // the Argo CD options (none ticked: a plain sync)
    assert.match(await picker(/Argo CD checks without applying/), /with Argo CD/);
    await screenshot('sync-review-7-argocd-options', { settleMs: 300 });
    await keys([{ press: 'Enter', waitMs: 300 }]);
    const handled = await poll(() => controller!.handled.length, (n) => n >= 1, 60_000, 250);
    assert.strictEqual(handled, 1, 'one operation was written');
    const sync = controller!.handled[0].sync as { resources?: unknown };
    // as Argo CD's SyncOperationResource: a core kind has no group key
    assert.deepStrictEqual(sync.resources, [{ kind: 'ConfigMap', name: `${PREFIX}-argo-a`, namespace: NS }]);
    const app = await poll(() => session!.client.get({ group: 'argoproj.io', kind: 'Application', ...APP }) as Promise<{ status?: { operationState?: { phase?: string } } }>,
      (a) => a.status?.operationState?.phase === 'Succeeded', 30_000, 250);
    assert.strictEqual(app.status?.operationState?.phase, 'Succeeded');
    await screenshot('sync-review-8-argocd-synced', { settleMs: 800 });
  });

  test('Open in Argo CD is in the context menu of a row an Application tracks; without tanzuGitops.argocd.url it says what to set', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    await waitForRows((r) => !!rowOf(r, 'argo-b'));
    const config = vscode.workspace.getConfiguration('tanzuGitops');
    await config.update('argocd.url', undefined, vscode.ConfigurationTarget.Global);
    assert.ok(await rightClick(ROWS, `${PREFIX}-argo-b`), 'the row\'s context menu');
    await sleep(800);
    await screenshot('argocd-open-menu', { settleMs: 200 });
    // (the menu is drawn in a shadow root, which the bench's clicks reach and its text queries do not)
    assert.ok(await click('.monaco-menu .action-item', 'Open in Argo CD'), 'an "Open in Argo CD" entry');
    // read from the notification list: a toast may be hidden again by the time it is read
    await vscode.commands.executeCommand('notifications.showList');
    const toast = await poll(async () => ((await textOf('.notification-list-item')) ?? []).join('\n'), (t) => /argocd\.url/.test(t), 15_000, 300);
    assert.match(toast, new RegExp(`to open Application argocd/${APP.name} in Argo CD, set tanzuGitops\\.argocd\\.url`), 'said plainly');
    await screenshot('argocd-open-no-setting', { settleMs: 200 });
    await vscode.commands.executeCommand('notifications.clearAll');
  });
});
