/**
 * The drift tree kept current and plain, in the real editor against the local Supervisor and a
 * real Git repository: a `git checkout` and files written by another program show without
 * Refresh; a file that does not parse is a ComparisonError with the last known statuses greyed,
 * never Extra; the status bar counts what is out of sync and opens the view; a TKC that is
 * Ready=False shows its health beside its sync status; a designer save shows without Refresh.
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
import { EXTENSION_ID, click, countVisible, poll, revertAndCloseAll, screenshot, sleep, textOf, underBench, waitForVisible, webview, workspaceRoot } from './helpers';

const KUBECONFIG = process.env.TANZU_GITOPS_TEST_KUBECONFIG ?? '';
const NS = 'team-a';
const TARGET = 'editor-tree';
const PREFIX = 'tg-editor-tree';
const OTHER_BRANCH = 'tree-other';

function configMap(name: string, data: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${PREFIX}-${name}`, namespace: NS }, data };
}

const text = (...objects: Record<string, unknown>[]) => objects.map((o) => JSON.stringify(o)).join('\n---\n') + '\n';
const APP = text(configMap('a', { a: '1' }), configMap('b', { replicas: '3' }));

const TKC_NAME = `${PREFIX}-tkc`;
const TKC = {
  apiVersion: 'run.tanzu.vmware.com/v1alpha2', kind: 'TanzuKubernetesCluster', metadata: { name: TKC_NAME, namespace: NS },
  spec: {
    topology: {
      controlPlane: { replicas: 3, vmClass: 'best-effort-small', storageClass: 'vsan-default-storage-policy', tkr: { reference: { name: 'v1.25.7---vmware.3-fips.1-tkg.1' } } },
      nodePools: [{ name: 'workers', replicas: 3, vmClass: 'best-effort-medium', storageClass: 'vsan-default-storage-policy' }],
    },
    settings: { network: { cni: { name: 'antrea' }, services: { cidrBlocks: ['10.96.0.0/12'] }, pods: { cidrBlocks: ['192.168.0.0/16'] }, serviceDomain: 'cluster.local' } },
  },
};
/** The same cluster as a person writes it (the designer reads and writes YAML). */
const TKC_YAML = [
  'apiVersion: run.tanzu.vmware.com/v1alpha2', 'kind: TanzuKubernetesCluster', 'metadata:', `  name: ${TKC_NAME}`, `  namespace: ${NS}`, 'spec:',
  '  topology:', '    controlPlane:', '      replicas: 3', '      vmClass: best-effort-small', '      storageClass: vsan-default-storage-policy',
  '      tkr:', '        reference:', '          name: v1.25.7---vmware.3-fips.1-tkg.1',
  '    nodePools:', '      - name: workers', '        replicas: 3', '        vmClass: best-effort-medium', '        storageClass: vsan-default-storage-policy',
  '  settings:', '    network:', '      cni:', '        name: antrea', '      services:', '        cidrBlocks: ["10.96.0.0/12"]',
  '      pods:', '        cidrBlocks: ["192.168.0.0/16"]', '      serviceDomain: cluster.local', '',
].join('\n');

const env = { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' };
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
}

async function rows(): Promise<string[]> {
  return ((await textOf('.monaco-list-row')) ?? []).filter((t) => !t.startsWith('Git:'));
}

/** The row of a resource of this suite, by the end of its name. */
const row = (seen: string[], name: string): string => seen.find((r) => r.includes(`${PREFIX}-${name}`)) ?? '';

/** As the TKG controller writes a cluster's status: a server-side apply of the status subresource under its own manager. */
async function writeStatus(session: ConnectionSession, phase: string, ready: { status: string; reason: string; message: string }): Promise<void> {
  const body = {
    apiVersion: TKC.apiVersion, kind: TKC.kind, metadata: { name: TKC_NAME, namespace: NS },
    status: { phase, conditions: [{ type: 'Ready', status: ready.status, reason: ready.reason, message: ready.message, severity: 'Warning', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] },
  };
  await session.client.connection.request({
    method: 'PATCH', path: `/apis/run.tanzu.vmware.com/v1alpha2/namespaces/${NS}/tanzukubernetesclusters/${TKC_NAME}/status`,
    query: { fieldManager: 'vmware-system-tkg-controller', force: 'true' }, body: JSON.stringify(body), contentType: 'application/apply-patch+yaml',
  });
}

function waitForRows(ok: (seen: string[]) => boolean, timeoutMs = 30_000): Promise<string[]> {
  return poll(rows, ok, timeoutMs, 300);
}

suite('the drift tree: never stale, plain rows, the status bar', () => {
  let session: ConnectionSession | undefined;
  let root = '';
  let branch = '';

  suiteSetup(async function () {
    if (!KUBECONFIG || !underBench()) this.skip();
    this.timeout(120_000);
    root = workspaceRoot().fsPath;
    fs.mkdirSync(path.join(root, 'tree'), { recursive: true });
    fs.writeFileSync(path.join(root, 'tree', 'app.yaml'), APP);
    fs.writeFileSync(path.join(root, 'tree', 'tkc.yaml'), TKC_YAML);
    if (!fs.existsSync(path.join(root, '.git'))) git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'tree fixtures');
    branch = git(root, 'rev-parse', '--abbrev-ref', 'HEAD');
    // another branch that adds a file: a checkout of it must show in the tree
    git(root, 'checkout', '-q', '-b', OTHER_BRANCH);
    fs.writeFileSync(path.join(root, 'tree', 'more.yaml'), text(configMap('c', { c: '1' })));
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'one more config map');
    git(root, 'checkout', '-q', branch);

    // The Supervisor: a as Git says, b changed by someone else; both tracked by the target.
    session = await ConnectionSession.open({ kubeconfig: loadKubeconfig({ paths: [KUBECONFIG] }), allowExec: false });
    const apply = (o: Record<string, unknown>) => session!.client.apply(objectToApply(o, identityOf(o)!, { kind: 'tanzu-gitops', target: TARGET }), { fieldManager: 'someone-else', force: true });
    for (const n of ['c', 'd']) await session.client.delete({ group: '', kind: 'ConfigMap', namespace: NS, name: `${PREFIX}-${n}` }).catch(() => undefined);
    await apply(configMap('a', { a: '1' }));
    await apply(configMap('b', { replicas: '1' }));
    // The cluster as Git says, its status as the TKG controller leaves it while it updates.
    await apply(TKC);
    await writeStatus(session, 'updating', { status: 'False', reason: 'WaitingForControlPlaneAvailable', message: '1 of 3 control plane nodes ready' });

    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const config = vscode.workspace.getConfiguration('tanzuGitops');
    await config.update('targets', [{ name: TARGET, path: 'tree', namespace: NS }], vscode.ConfigurationTarget.Global);
    await config.update('kubeconfig', [KUBECONFIG], vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    if (root && branch) {
      try {
        fs.writeFileSync(path.join(root, 'tree', 'app.yaml'), APP);
        git(root, 'checkout', '-q', branch);
      } catch {
        // the workspace is thrown away after the run
      }
    }
    const config = vscode.workspace.getConfiguration('tanzuGitops');
    await config.update('targets', undefined, vscode.ConfigurationTarget.Global);
    await config.update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    for (const n of ['a', 'b', 'c', 'd']) await session?.client.delete({ group: '', kind: 'ConfigMap', namespace: NS, name: `${PREFIX}-${n}` }).catch(() => undefined);
    await session?.client.delete({ group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', namespace: NS, name: TKC_NAME }).catch(() => undefined);
    session?.dispose();
    await revertAndCloseAll();
  });

  test('a git checkout of another branch, and back, changes the tree without Refresh', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    let seen = await waitForRows((s) => /Synced/.test(row(s, 'a')) && /OutOfSync/.test(row(s, 'b')), 90_000);
    assert.match(row(seen, 'a'), /Synced/, `rows: ${seen.join(' | ')}`);
    assert.equal(row(seen, 'c'), '', 'c is only on the other branch');

    git(root, 'checkout', '-q', OTHER_BRANCH);
    seen = await waitForRows((s) => /Missing/.test(row(s, 'c')));
    assert.match(row(seen, 'c'), /Missing/, `after the checkout: ${seen.join(' | ')}`);
    await screenshot('tree-after-checkout', { settleMs: 400 });

    git(root, 'checkout', '-q', branch);
    seen = await waitForRows((s) => row(s, 'c') === '' && /Synced/.test(row(s, 'a')));
    assert.equal(row(seen, 'c'), '', `back on ${branch}: ${seen.join(' | ')}`);
  });

  test('rows speak plainly: a short kind and the name, the namespace in the description; a Synced row opens the live object', async () => {
    const seen = await waitForRows((s) => /Synced/.test(row(s, 'a')));
    assert.ok(row(seen, 'a').startsWith(`cm/${PREFIX}-a`), `label: ${row(seen, 'a')}`);
    assert.match(row(seen, 'a'), new RegExp(`Synced.*${NS}`));
    assert.ok(await click('.monaco-list-row', `cm/${PREFIX}-a`));
    const label = await poll(() => vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '', (l) => l.includes(`${PREFIX}-a`), 15_000, 200);
    assert.match(label, /live\.yaml/, 'the live object opens');
    assert.match(vscode.window.activeTextEditor?.document.getText() ?? '', /kind: ConfigMap/);
    await screenshot('tree-plain-rows', { settleMs: 300 });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a file written, renamed and deleted by another program changes the tree without Refresh', async () => {
    const file = path.join(root, 'tree', 'extra.yaml');
    fs.writeFileSync(file, text(configMap('d', { d: '1' })));
    let seen = await waitForRows((s) => /Missing/.test(row(s, 'd')));
    assert.match(row(seen, 'd'), /Missing/, `after the write: ${seen.join(' | ')}`);
    await screenshot('tree-after-write', { settleMs: 300 });

    // renamed out of the target's folder: no longer part of it
    fs.renameSync(file, path.join(root, 'extra.yaml'));
    seen = await waitForRows((s) => row(s, 'd') === '');
    assert.equal(row(seen, 'd'), '', `after the rename: ${seen.join(' | ')}`);

    fs.renameSync(path.join(root, 'extra.yaml'), file);
    seen = await waitForRows((s) => /Missing/.test(row(s, 'd')));
    assert.match(row(seen, 'd'), /Missing/, `renamed back: ${seen.join(' | ')}`);
    fs.unlinkSync(file);
    seen = await waitForRows((s) => row(s, 'd') === '');
    assert.equal(row(seen, 'd'), '', `after the delete: ${seen.join(' | ')}`);
  });

  test('the status bar shows the context with the count of OutOfSync, and opens the drift view', async () => {
    const item = async () => ((await textOf('.statusbar-item')) ?? []).find((t) => /OutOfSync|Synced · Healthy/.test(t)) ?? '';
    const shown = await poll(item, (t) => /\d+ OutOfSync/.test(t), 30_000, 300);
    const seen = await rows();
    const drifted = seen.filter((r) => r.includes(PREFIX) && /OutOfSync|Missing|Extra/.test(r)).length;
    assert.ok(drifted > 0, `rows: ${seen.join(' | ')}`);
    assert.equal(Number(/(\d+) OutOfSync/.exec(shown)?.[1]), drifted, `status bar "${shown}", rows: ${seen.join(' | ')}`);
    assert.match(shown, /:/, 'the context is named before the counts');
    await screenshot('tree-status-bar', { settleMs: 300 });

    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    assert.ok(await click('.statusbar-item', 'OutOfSync'));
    const visible = await waitForVisible('.part.sidebar .monaco-list-row', 1, 10_000);
    assert.ok((visible ?? 0) >= 1, 'the drift view is shown');
  });

  test('a file that does not parse is a ComparisonError: the last known statuses stay, greyed, and nothing turns Extra', async () => {
    const file = path.join(root, 'tree', 'app.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n');
    let seen = await waitForRows((s) => s.some((r) => r.startsWith('ComparisonError')));
    const error = seen.find((r) => r.startsWith('ComparisonError')) ?? '';
    assert.match(error, /tree\/app\.yaml:1/, `rows: ${seen.join(' | ')}`);
    assert.match(row(seen, 'a'), /last known: Synced/);
    assert.match(row(seen, 'b'), /last known: OutOfSync/);
    assert.ok(!seen.some((r) => r.includes(PREFIX) && /Extra/.test(r)), `no Extra: ${seen.join(' | ')}`);
    assert.ok(seen.some((r) => r.includes(TARGET) && /ComparisonError/.test(r)), 'the target says it too');
    await screenshot('tree-comparison-error', { settleMs: 400 });

    fs.writeFileSync(file, APP);
    seen = await waitForRows((s) => !s.some((r) => r.startsWith('ComparisonError')) && /Synced/.test(row(s, 'a')));
    assert.ok(!seen.some((r) => r.startsWith('ComparisonError')), `fixed: ${seen.join(' | ')}`);
    assert.doesNotMatch(row(seen, 'a'), /last known/);
  });
  test('a TKC that is Ready=False shows its sync status and, beside it, its health: Progressing while updating, then Degraded', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    let seen = await waitForRows((s) => /Synced · Progressing/.test(row(s, 'tkc')), 90_000);
    const updating = row(seen, 'tkc');
    assert.ok(updating.startsWith(`tkc/${TKC_NAME}`), `rows: ${seen.join(' | ')}`);
    // two signals: the controller's status is not drift (Synced), and the cluster is on its way
    assert.match(updating, /Synced · Progressing/);
    assert.match(updating, /updating · Ready False/, 'the live summary names the phase and the condition');
    assert.doesNotMatch(updating, /OutOfSync/);
    await screenshot('tree-health-progressing', { settleMs: 400 });

    // running, Ready still False: Degraded, and the row's icon says so instead of a green check
    await writeStatus(session!, 'running', { status: 'False', reason: 'NodesNotReady', message: 'node workers-1 is NotReady' });
    seen = await waitForRows((s) => /Synced · Degraded/.test(row(s, 'tkc')));
    const degraded = row(seen, 'tkc');
    assert.match(degraded, /Synced · Degraded/, `rows: ${seen.join(' | ')}`);
    assert.match(degraded, /running · Ready False/);
    assert.ok(((await countVisible('.monaco-list-row .codicon-heart')) ?? 0) >= 1, 'the Degraded icon is shown');
    await screenshot('tree-health-degraded', { settleMs: 400 });
  });

  test('a cluster changed in the designer and saved shows OutOfSync in the tree without Refresh', async function () {
    this.timeout(120_000);
    const file = path.join(root, 'tree', 'tkc.yaml');
    fs.writeFileSync(file, TKC_YAML);
    await vscode.commands.executeCommand('workbench.view.extension.tanzu-gitops');
    let seen = await waitForRows((s) => /Synced/.test(row(s, 'tkc')), 60_000);
    assert.match(row(seen, 'tkc'), /Synced/, `before the save: ${seen.join(' | ')}`);

    await vscode.commands.executeCommand('tanzuGitops.editInDesigner', vscode.Uri.file(file));
    await webview.waitFor('[data-field="nodePools.0.replicas"]', 1, 30_000);
    const name = await poll(async () => ((await webview.text('[data-field="name"]')) ?? [])[0] ?? '', (v) => v === TKC_NAME, 15_000, 200);
    assert.strictEqual(name, TKC_NAME);
    assert.ok(await webview.fill('[data-field="nodePools.0.replicas"]', '5'));
    await sleep(1000);
    assert.ok(await webview.click('button', 'Save'));
    await webview.waitFor('[role="status"]', 1, 15_000, 'Saved');
    const saved = await poll(() => fs.readFileSync(file, 'utf8'), (t) => /replicas: 5/.test(t), 10_000, 200);
    assert.match(saved, /^ {8}replicas: 5$/m, 'the designer wrote the file');

    // no Refresh: the tree follows the file the designer saved
    seen = await waitForRows((s) => /OutOfSync/.test(row(s, 'tkc')));
    assert.match(row(seen, 'tkc'), /OutOfSync/, `after the save: ${seen.join(' | ')}`);
    assert.match(row(seen, 'tkc'), /replicas/, 'the row names what differs');
    await screenshot('tree-after-designer-save', { settleMs: 400 });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.writeFileSync(file, TKC_YAML);
  });
});
