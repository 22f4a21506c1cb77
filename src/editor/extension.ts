/**
 * Entry point. activate() only registers (the commands from their table, ./commands.ts): the
 * language features (engine, yaml, Ajv, schemas) load on first need from ./language.js, and what
 * needs the cluster layer from ./connection.js (built from ./connection-bundle.ts), so activation
 * on a YAML file costs almost nothing.
 * One owner of disposables: the extension context.
 */
import * as vscode from 'vscode';
import { COMMANDS, commandHandler, type CommandHost } from './commands';
import type { ClusterNode } from './clusters-view';
import type { ClustersController, ConnectionController, DesignerPanels, DriftController } from './connection-bundle';
import type { DriftNode } from './drift-view';
import type { LanguageFeatures } from './language';
import { DriftStatusBar } from './status-bar';

const YAML: vscode.DocumentSelector = [{ language: 'yaml' }];

export function activate(context: vscode.ExtensionContext): { activationMs: number } {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Tanzu GitOps', { log: true });
  context.subscriptions.push(output);
  const parts = new Parts(context, output);
  for (const [id, spec] of Object.entries(COMMANDS)) context.subscriptions.push(vscode.commands.registerCommand(id, commandHandler(spec, parts)));
  // Not contributed (no palette entry): the signal a test awaits before it asserts that a document has no diagnostic.
  context.subscriptions.push(vscode.commands.registerCommand(VALIDATED_COMMAND, (uri: unknown, version?: number) => whenValidated(parts, uri, version)));
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(YAML, {
      provideCodeActions: (doc, _range, ctx) => (ctx.diagnostics.some((d) => d.source === 'tanzu-gitops') ? parts.language().provideCodeActions(doc, ctx) : []),
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.languages.registerCompletionItemProvider(YAML, { provideCompletionItems: (doc, pos) => parts.language().provideCompletionItems(doc, pos) }, ':'),
    vscode.languages.registerHoverProvider(YAML, { provideHover: (doc, pos) => parts.language().provideHover(doc, pos) }),
    vscode.window.registerWebviewPanelSerializer('tanzuGitops.designer', {
      deserializeWebviewPanel: async (panel, state: unknown) => parts.designer().restore(panel, state),
    }),
    vscode.languages.registerCodeLensProvider(YAML, { provideCodeLenses: (doc) => designerLenses(doc) }),
  );

  // Validation of the open YAML documents starts right after activation returns; the connection
  // (when wanted) right after that, so offline findings never wait on the network.
  const timer = setTimeout(() => {
    parts.language();
    const connect = vscode.workspace.getConfiguration('tanzuGitops').get<boolean>('connectAutomatically', true) && kubeconfigExists();
    if (connect) void parts.connection().connect();
    // The status bar's counts need the drift computed: in a workspace of manifests, from the start.
    void parts.statusBar.showIfManifests().then((shown) => {
      if (shown && connect) parts.drift();
    }, () => undefined);
  }, 0);
  context.subscriptions.push(
    { dispose: () => clearTimeout(timer) },
    // A kubeconfig named later (the setting) connects then; once made, the controller follows the setting itself.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!parts.existingConnection() && e.affectsConfiguration('tanzuGitops.kubeconfig') && kubeconfigExists()) void parts.connection().connect();
    }),
  );
  return { activationMs: performance.now() - started };
}

/**
 * `tanzuGitops._whenValidated(uri, version?)`: the document version whose diagnostics are
 * published, once the open document `uri` is validated at `version` or later (default: its version
 * now); undefined for a document that is not open or that the engine does not read.
 */
export const VALIDATED_COMMAND = 'tanzuGitops._whenValidated';

function whenValidated(parts: Parts, uri: unknown, version?: number): Promise<number | undefined> {
  const wanted = uri instanceof vscode.Uri ? uri.toString() : typeof uri === 'string' ? uri : undefined;
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === wanted);
  if (!doc) return Promise.resolve(undefined);
  return parts.language().diagnostics.whenValidated(doc, typeof version === 'number' ? version : undefined);
}

/**
 * The extension's parts, each made on first use: the language features (./language.js), and the
 * connection, the drift view's controller and the designer (./connection.js, with the Kubernetes
 * client). The drift and clusters views are registered at once and filled when first shown.
 */
class Parts implements CommandHost {
  private features?: LanguageFeatures;
  private connectionController?: ConnectionController;
  private driftController?: DriftController;
  private designerPanels?: DesignerPanels;
  private clustersController?: ClustersController;
  private readonly driftChanged = new vscode.EventEmitter<DriftNode | undefined>();
  private readonly driftView: vscode.TreeView<DriftNode>;
  private readonly clustersChanged = new vscode.EventEmitter<ClusterNode | undefined>();
  readonly statusBar = new DriftStatusBar();

  constructor(private readonly context: vscode.ExtensionContext, private readonly output: vscode.LogOutputChannel) {
    this.driftView = vscode.window.createTreeView<DriftNode>('tanzuGitops.drift', {
      showCollapseAll: true,
      // resources ticked together are synced together (Sync on a selection)
      canSelectMany: true,
      treeDataProvider: {
        onDidChangeTreeData: this.driftChanged.event,
        getChildren: (node) => this.drift().tree.getChildren(node),
        getTreeItem: (node) => this.drift().tree.getTreeItem(node),
      },
    });
    const clustersView = vscode.window.createTreeView<ClusterNode>('tanzuGitops.clusters', {
      showCollapseAll: true,
      treeDataProvider: {
        onDidChangeTreeData: this.clustersChanged.event,
        getChildren: (node) => this.clusters().tree.getChildren(node),
        getTreeItem: (node) => this.clusters().tree.getTreeItem(node),
      },
    });
    context.subscriptions.push(this.driftView, this.driftChanged, clustersView, this.clustersChanged, this.statusBar);
  }

  /** The status bar item's counts, from the drift tree and the connection. */
  private showSignals(): void {
    const connected = this.connectionController?.connected;
    const signals = this.driftController?.tree.signals() ?? { outOfSync: 0, degraded: 0, targets: 0 };
    this.statusBar.update({ ...signals, ...(connected ? { context: connected.context, namespace: connected.namespace } : {}) });
  }

  language(): LanguageFeatures {
    if (!this.features) {
      const language: typeof import('./language') = require('./language.js');
      this.features = language.createLanguageFeatures(() => this.connectionController?.facts);
      this.context.subscriptions.push(this.features);
      this.features.diagnostics.setFacts(this.connectionController?.facts);
    }
    return this.features;
  }

  /** The Kubernetes client loads only when a connection is wanted. */
  connection(): ConnectionController {
    if (!this.connectionController) {
      const controller = new (bundle().ConnectionController)(this.context, this.output);
      this.connectionController = controller;
      this.context.subscriptions.push(controller, controller.onDidChangeFacts((facts) => this.features?.diagnostics.setFacts(facts)), controller.onDidChangeSession(() => this.showSignals()));
    }
    return this.connectionController;
  }

  existingConnection(): ConnectionController | undefined {
    return this.connectionController;
  }

  drift(): DriftController {
    if (!this.driftController) {
      const drift = new (bundle().DriftController)(this.connection(), this.driftView, this.output, this.context.extensionUri);
      this.driftController = drift;
      this.context.subscriptions.push(drift, drift.tree.onDidChangeTreeData((n) => {
        this.driftChanged.fire(n);
        this.showSignals();
      }));
      // a view opened in a workspace the start-up scan did not judge Tanzu still shows its counts
      this.statusBar.show();
      void vscode.commands.executeCommand('setContext', 'tanzuGitops.drift.onlyDrift', false);
    }
    return this.driftController;
  }

  /** The clusters view's controller (with the drift controller: an Application's rows come from it). */
  clusters(): ClustersController {
    if (!this.clustersController) {
      const clusters = new (bundle().ClustersController)(this.connection(), this.drift(), this.output);
      this.clustersController = clusters;
      this.context.subscriptions.push(clusters, clusters.tree.onDidChangeTreeData((n) => this.clustersChanged.fire(n)));
    }
    return this.clustersController;
  }

  /** The cluster designer: its module (and the webview's assets) load when a panel is first wanted. */
  designer(): DesignerPanels {
    if (!this.designerPanels) {
      this.designerPanels = new (bundle().DesignerPanels)(this.context.extensionUri, { connection: this.connection(), syncFile: (uri) => this.drift().sync.syncCurrentFile(uri) }, this.output);
      this.context.subscriptions.push(this.designerPanels);
    }
    return this.designerPanels;
  }

  uri(arg: unknown): vscode.Uri | undefined {
    return arg instanceof vscode.Uri ? arg : undefined;
  }
}

/** The connection bundle (built from ./connection-bundle.ts). */
function bundle(): typeof import('./connection-bundle') {
  return require('./connection.js');
}

const CLUSTER_KIND = /^kind:[ \t]*["']?(TanzuKubernetesCluster|Cluster)["']?[ \t]*(#.*)?$/m;

/**
 * "Edit in Designer" above the first TanzuKubernetesCluster or Cluster document of a file: a
 * cheap scan of the text (no parser), so YAML files without a cluster cost one regex.
 */
function designerLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
  if (!vscode.workspace.getConfiguration('tanzuGitops').get<boolean>('designer.codeLens', true)) return [];
  const text = doc.getText();
  const m = CLUSTER_KIND.exec(text);
  if (!m) return [];
  const before = text.lastIndexOf('\n---', m.index);
  const line = before < 0 ? 0 : doc.positionAt(before + 1).line + 1;
  const range = new vscode.Range(line, 0, line, 0);
  return [new vscode.CodeLens(range, { title: '$(edit) Edit in Designer', command: 'tanzuGitops.editInDesigner', arguments: [doc.uri], tooltip: 'Edit this cluster in the Tanzu GitOps designer: a form beside the YAML' })];
}

/**
 * Whether any kubeconfig file is there to connect with (the setting, KUBECONFIG, ~/.kube/config):
 * a cheap check, so that a user without a cluster never loads the Kubernetes client.
 */
function kubeconfigExists(): boolean {
  const fs: typeof import('node:fs') = require('node:fs');
  const path: typeof import('node:path') = require('node:path');
  const os: typeof import('node:os') = require('node:os');
  const setting = vscode.workspace.getConfiguration('tanzuGitops').get<string | string[]>('kubeconfig', []);
  const fromSetting = (Array.isArray(setting) ? setting : [setting]).filter((p) => typeof p === 'string' && p.trim());
  const candidates = fromSetting.length > 0 ? fromSetting
    : process.env.KUBECONFIG ? process.env.KUBECONFIG.split(path.delimiter).filter(Boolean) : [path.join(os.homedir(), '.kube', 'config')];
  return candidates.some((p) => fs.existsSync(p.startsWith('~') ? path.join(os.homedir(), p.slice(1)) : p));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
