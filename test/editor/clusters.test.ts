/**
 * The Clusters view in the real editor, against the local Supervisor and a workload cluster the
 * bench started and registered with Argo CD (scripts/editor-bench.ts, suiteWorkload): the cluster
 * with its phase, readiness, replicas and registration, the Argo CD Application deploying into it
 * and, under it, its drift inside the cluster (a replica count changed by hand, and its diff), Save
 * Kubeconfig… (a file of mode 600 that reaches the cluster), and Unregister / Register with Argo
 * CD through their plans.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { ConnectionSession, loadKubeconfig } from '../../src/cluster';
import { EXTENSION_ID, click, keys, poll, revertAndCloseAll, runFromPalette, screenshot, textOf, underBench, waitForVisible, workspaceRoot } from './helpers';

const KUBECONFIG = process.env.TANZU_GITOPS_TEST_KUBECONFIG ?? '';
/** NS/NAME of the workload cluster, and its admin kubeconfig. */
const WORKLOAD = process.env.TANZU_GITOPS_TEST_WORKLOAD ?? '';
const WORKLOAD_KUBECONFIG = process.env.TANZU_GITOPS_TEST_WORKLOAD_KUBECONFIG ?? '';
const [CLUSTER_NS, CLUSTER] = WORKLOAD.split('/');
const APP = 'editor-clusters-web';
/** The namespace the Application deploys into, in the workload cluster. */
const TARGET_NS = 'editor-clusters';
const FOLDER = 'clusters-suite/web';
const rowsSelector = '.monaco-list-row';
const env = { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' };

function kubectl(kubeconfig: string, args: string[], input?: string): string {
  return execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' });
}

const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } };
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] } };

/** The visible rows of the Clusters view (and any other tree) that name what this suite made. */
async function rows(): Promise<string[]> {
  return ((await textOf(rowsSelector)) ?? []).filter((t) => t.includes(CLUSTER) || t.includes(APP));
}

/** The cluster's row, or the Application's row under it (the drift view's row of the Application names no destination). */
function row(seen: readonly string[], name: string): string {
  return seen.find((r) => r.startsWith(name) && (name !== APP || r.includes('→'))) ?? '';
}

/**
 * Collapses (or expands again) the Drift view's pane, which shares the side bar: the Clusters
 * view's rows are drawn only while they are in sight. The click is on the pane's title: the
 * header's middle holds the view's buttons (its filter among them).
 */
async function driftPane(expanded: boolean): Promise<void> {
  const isOpen = async () => ((await textOf('.pane-header[aria-expanded="true"]')) ?? []).some((t) => t.includes('Drift'));
  if ((await isOpen()) !== expanded) await click('.pane-header .title', 'Drift');
  assert.strictEqual(await poll(isOpen, (o) => o === expanded, 5_000, 200), expanded, `the Drift pane is ${expanded ? 'expanded' : 'collapsed'}`);
}

async function waitForRows(done: (seen: string[]) => boolean, timeoutMs = 60_000): Promise<string[]> {
  return poll(rows, done, timeoutMs, 500);
}

suite('clusters view with a workload cluster', () => {
  let remote = '';
  let saved = '';
  let madeSettings = false;

  suiteSetup(async function () {
    if (!KUBECONFIG || !WORKLOAD || !WORKLOAD_KUBECONFIG || !underBench()) this.skip();
    this.timeout(120_000);
    // Git: the workload in a folder of the workspace's repository, pushed to a bare remote the Application names.
    const root = workspaceRoot().fsPath;
    fs.mkdirSync(path.join(root, FOLDER), { recursive: true });
    fs.writeFileSync(path.join(root, FOLDER, 'web.yaml'), [deployment, service].map((o) => JSON.stringify(o)).join('\n---\n') + '\n');
    remote = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-clusters-remote-'));
    git(remote, 'init', '-q', '--bare', '-b', 'main');
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'the web workload');
    // another suite may have made the workspace a repository with its own origin already
    try { git(root, 'remote', 'remove', 'origin'); } catch { /* none yet */ }
    git(root, 'remote', 'add', 'origin', remote);
    git(root, 'push', '-q', 'origin', 'main');

    // The workload cluster: what Argo CD's sync left (its field manager and tracking), then 3 replicas by hand.
    const tracked = (o: Record<string, unknown>, group: string) => {
      const meta = o.metadata as Record<string, unknown>;
      return { ...o, metadata: { ...meta, namespace: TARGET_NS, annotations: { 'argocd.argoproj.io/tracking-id': `${APP}:${group}/${String(o.kind)}:${TARGET_NS}/${String(meta.name)}` } } };
    };
    const objects = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: TARGET_NS } }, tracked(deployment, 'apps'), tracked(service, '')];
    kubectl(WORKLOAD_KUBECONFIG, ['apply', '--server-side', '--force-conflicts', '--field-manager=argocd-controller', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    kubectl(WORKLOAD_KUBECONFIG, ['scale', '-n', TARGET_NS, 'deployment/web', '--replicas=3']);

    // The Supervisor: the Application, deploying the folder into the cluster by the name registration gave it.
    const app = {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: APP, namespace: 'argocd' },
      spec: { project: 'default', source: { repoURL: remote, targetRevision: 'main', path: FOLDER }, destination: { name: `${CLUSTER_NS}-${CLUSTER}`, namespace: TARGET_NS } },
    };
    kubectl(KUBECONFIG, ['--context', 'local-supervisor-admin', 'apply', '--server-side', '--field-manager=platform-team', '-f', '-'], JSON.stringify(app));
    // Argo CD's settings as its install leaves them (annotation tracking, its default since Argo CD 3)
    try {
      kubectl(KUBECONFIG, ['--context', 'local-supervisor-admin', 'get', '-n', 'argocd', 'configmap/argocd-cm']);
    } catch {
      kubectl(KUBECONFIG, ['--context', 'local-supervisor-admin', 'apply', '--server-side', '--field-manager=argocd-install', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' }, data: { 'application.resourceTrackingMethod': 'annotation' } }));
      madeSettings = true;
    }

    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await vscode.workspace.getConfiguration('tanzuGitops').update('kubeconfig', [KUBECONFIG], vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    if (!KUBECONFIG || !WORKLOAD) return;
    try {
      kubectl(KUBECONFIG, ['--context', 'local-supervisor-admin', 'delete', '--ignore-not-found', '-n', 'argocd', `application/${APP}`]);
      if (madeSettings) kubectl(KUBECONFIG, ['--context', 'local-supervisor-admin', 'delete', '--ignore-not-found', '-n', 'argocd', 'configmap/argocd-cm']);
      kubectl(WORKLOAD_KUBECONFIG, ['delete', '--ignore-not-found', 'namespace', TARGET_NS, '--wait=false']);
    } catch {
      // a server that is gone leaves nothing to clean
    }
    const root = workspaceRoot().fsPath;
    try {
      git(root, 'remote', 'remove', 'origin');
    } catch {
      // no repository was made
    }
    fs.rmSync(path.join(root, 'clusters-suite'), { recursive: true, force: true });
    if (remote) fs.rmSync(remote, { recursive: true, force: true });
    if (saved) fs.rmSync(path.dirname(saved), { recursive: true, force: true });
    await vscode.workspace.getConfiguration('tanzuGitops').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    if (underBench()) await driftPane(true);
    await revertAndCloseAll();
  });

  test('the view shows the cluster (phase, Ready, release, replicas, registered) and the Application that deploys into it', async () => {
    await vscode.commands.executeCommand('tanzuGitops.clusters.focus');
    await driftPane(false);
    const seen = await waitForRows((r) => /running · Ready/.test(row(r, CLUSTER)) && row(r, APP) !== '');
    const cluster = row(seen, CLUSTER);
    assert.match(cluster, /running · Ready · v1\.26\.5---vmware\.2-fips\.1-tkg\.1 · CP 1\/1 · workers 2\/2 · Argo CD/, `rows: ${seen.join(' | ')}`);
    assert.ok(row(seen, APP), `the Application is under its cluster: ${seen.join(' | ')}`);
    assert.ok(seen.indexOf(row(seen, APP)) > seen.indexOf(cluster), 'the Application row comes after (under) its cluster');
    assert.match(row(seen, APP), new RegExp(`→ ${TARGET_NS}`), 'the row names the namespace it deploys into');
    await screenshot('clusters-view', { settleMs: 500 });
  });

  test('under the Application, its Deployment inside the cluster is OutOfSync; its diff shows the workload cluster\'s 3 replicas against Git\'s 2', async function () {
    this.timeout(150_000);
    // the resources are the rows under the Application (the drift view's rows name them `deploy/web`, `svc/web`)
    const all = async () => (await textOf(rowsSelector)) ?? [];
    const seen = await poll(all, (r) => /^deploy\/web.*OutOfSync/.test(r.find((x) => x.startsWith('deploy/web')) ?? '') && /Synced/.test(r.find((x) => x.startsWith('svc/web')) ?? ''), 120_000, 500);
    const deploymentRow = seen.find((x) => x.startsWith('deploy/web')) ?? '';
    assert.match(deploymentRow, /OutOfSync/, `rows: ${seen.join(' | ')}`);
    assert.match(deploymentRow, /replicas/, 'the row names what differs');
    assert.match(seen.find((x) => x.startsWith('svc/web')) ?? '', /Synced/, `rows: ${seen.join(' | ')}`);
    assert.match(row(seen, APP), /1 out of sync here/, `rows: ${seen.join(' | ')}`);
    assert.ok(seen.indexOf(deploymentRow) > seen.indexOf(row(seen, APP)), 'the Deployment\'s row is under the Application');
    assert.ok(await click(rowsSelector, 'deploy/web'));
    const input = await poll(() => vscode.window.tabGroups.activeTabGroup.activeTab?.input, (i) => i instanceof vscode.TabInputTextDiff, 20_000, 200);
    assert.ok(input instanceof vscode.TabInputTextDiff, 'a diff editor is open');
    const left = (await vscode.workspace.openTextDocument(input.original)).getText();
    const right = (await vscode.workspace.openTextDocument(input.modified)).getText();
    assert.match(left, /replicas: 3/, `live, as scaled by hand inside the workload cluster: ${left}`);
    assert.match(left, new RegExp(`namespace: ${TARGET_NS}`));
    assert.match(right, /replicas: 2/, `Git: ${right}`);
    // the live side comes from the workload cluster: the Supervisor has no such object
    assert.throws(() => kubectl(KUBECONFIG, ['--context', 'local-supervisor-admin', 'get', '-n', TARGET_NS, 'deployment/web']), /NotFound|not found/);
    assert.match(kubectl(WORKLOAD_KUBECONFIG, ['get', '-n', TARGET_NS, 'deployment/web', '-o', 'jsonpath={.spec.replicas}']), /^3$/);
    // the diff editor shows both sides before the picture is taken (it draws spaces as no-break spaces, which \s matches)
    const shown = await poll(async () => ((await textOf('.monaco-diff-editor .view-lines')) ?? []).join('\n'), (t) => /replicas:\s3/.test(t) && /replicas:\s2/.test(t), 30_000, 300);
    assert.match(shown, /replicas:\s3[\s\S]*replicas:\s2/, `the diff editor shows the live side, then Git: ${shown}`);
    await screenshot('clusters-application-diff', { settleMs: 800 });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Save Kubeconfig… writes the cluster\'s kubeconfig to the file picked, mode 600, and it reaches the cluster', async function () {
    this.timeout(90_000);
    saved = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tg-clusters-save-')), `${CLUSTER}.kubeconfig`);
    assert.ok(await runFromPalette('Tanzu GitOps: Save Kubeconfig…'));
    // the cluster picker, then the save dialog (a quick input in code-server) with the path typed over its proposal
    await waitForVisible('.quick-input-widget .monaco-list-row', 1, 30_000);
    await keys([{ type: CLUSTER, waitMs: 500 }, { press: 'Enter', waitMs: 1500 }]);
    await waitForVisible('.quick-input-widget', 1, 15_000);
    await keys([{ press: 'Control+a', waitMs: 200 }, { type: saved, waitMs: 800 }]);
    await screenshot('clusters-save-kubeconfig', { settleMs: 300 });
    await keys([{ press: 'Enter', waitMs: 500 }]);
    await poll(() => fs.existsSync(saved), (x) => x, 20_000);
    assert.ok(fs.existsSync(saved), `${saved} was written`);
    assert.strictEqual(fs.statSync(saved).mode & 0o777, 0o600, 'readable by its owner alone');
    const session = await ConnectionSession.open({ kubeconfig: loadKubeconfig({ paths: [saved] }), allowExec: false, requestTimeoutMs: 10_000 });
    try {
      const live = await session.client.get({ group: 'apps', kind: 'Deployment', namespace: TARGET_NS, name: 'web' }) as { spec?: { replicas?: number } };
      assert.strictEqual(live.spec?.replicas, 3, 'the saved kubeconfig reaches the workload cluster');
    } finally {
      session.dispose();
    }
  });
});
