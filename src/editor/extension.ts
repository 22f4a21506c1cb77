/**
 * Entry point. activate() only registers (the commands from their table, ./commands.ts): the
 * language features (engine, yaml, Ajv, schemas) load on first need from ./language.js, and what
 * needs the cluster layer from ./connection.js (built from ./connection-bundle.ts), so activation
 * on a YAML file costs almost nothing.
 * One owner of disposables: the extension context.
 */
import * as vscode from 'vscode';
import { COMMANDS, commandHandler, type CommandHost } from './commands';
import type { ConnectionController, DesignerPanels, DriftController } from './connection-bundle';
import type { DriftNode } from './drift-view';
import type { LanguageFeatures } from './language';

const YAML: vscode.DocumentSelector = [{ language: 'yaml' }];

export function activate(context: vscode.ExtensionContext): { activationMs: number } {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Tanzu GitOps', { log: true });
  context.subscriptions.push(output);
  let features: LanguageFeatures | undefined;
  let connection: ConnectionController | undefined;
  const load = (): LanguageFeatures => {
    if (!features) {
      const language: typeof import('./language') = require('./language.js');
      features = language.createLanguageFeatures(() => connection?.facts);
      context.subscriptions.push(features);
      features.diagnostics.setFacts(connection?.facts);
    }
    return features;
  };
  // The Kubernetes client loads only when a connection is wanted.
  const connect = (): ConnectionController => {
    if (!connection) {
      const module: typeof import('./connection-bundle') = require('./connection.js');
      connection = new module.ConnectionController(context, output);
      context.subscriptions.push(connection, connection.onDidChangeFacts((facts) => features?.diagnostics.setFacts(facts)));
    }
    return connection;
  };

  // The drift view: registered now, filled by the drift controller when first shown.
  let drift: DriftController | undefined;
  const driftChanged = new vscode.EventEmitter<DriftNode | undefined>();
  const driftView = vscode.window.createTreeView<DriftNode>('tanzuGitops.drift', {
    showCollapseAll: true,
    treeDataProvider: {
      onDidChangeTreeData: driftChanged.event,
      getChildren: (node) => loadDrift().tree.getChildren(node),
      getTreeItem: (node) => loadDrift().tree.getTreeItem(node),
    },
  });
  const loadDrift = (): DriftController => {
    if (!drift) {
      const module: typeof import('./connection-bundle') = require('./connection.js');
      drift = new module.DriftController(connect(), driftView, output);
      context.subscriptions.push(drift, drift.tree.onDidChangeTreeData((n) => driftChanged.fire(n)));
      void vscode.commands.executeCommand('setContext', 'tanzuGitops.drift.onlyDrift', false);
    }
    return drift;
  };
  context.subscriptions.push(driftView, driftChanged);

  // The cluster designer: its module (and the webview's assets) load when a panel is first wanted.
  let designer: DesignerPanels | undefined;
  const loadDesigner = (): DesignerPanels => {
    if (!designer) {
      const module: typeof import('./connection-bundle') = require('./connection.js');
      designer = new module.DesignerPanels(context.extensionUri, { connection: connect(), syncFile: (uri) => loadDrift().sync.syncCurrentFile(uri) }, output);
      context.subscriptions.push(designer);
    }
    return designer;
  };

  const host: CommandHost = {
    language: load,
    connection: connect,
    existingConnection: () => connection,
    drift: loadDrift,
    designer: loadDesigner,
    uri: (arg) => (arg instanceof vscode.Uri ? arg : undefined),
  };
  for (const [id, spec] of Object.entries(COMMANDS)) context.subscriptions.push(vscode.commands.registerCommand(id, commandHandler(spec, host)));

  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(YAML, {
      provideCodeActions: (doc, _range, ctx) => (ctx.diagnostics.some((d) => d.source === 'tanzu-gitops') ? load().provideCodeActions(doc, ctx) : []),
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.languages.registerCompletionItemProvider(YAML, { provideCompletionItems: (doc, pos) => load().provideCompletionItems(doc, pos) }, ':'),
    vscode.languages.registerHoverProvider(YAML, { provideHover: (doc, pos) => load().provideHover(doc, pos) }),
    vscode.window.registerWebviewPanelSerializer('tanzuGitops.designer', {
      deserializeWebviewPanel: async (panel, state: unknown) => loadDesigner().restore(panel, state),
    }),
    vscode.languages.registerCodeLensProvider(YAML, { provideCodeLenses: (doc) => designerLenses(doc) }),
  );

  // Validation of the open YAML documents starts right after activation returns; the connection
  // (when wanted) right after that, so offline findings never wait on the network.
  const timer = setTimeout(() => {
    load();
    if (vscode.workspace.getConfiguration('tanzuGitops').get<boolean>('connectAutomatically', true) && kubeconfigExists()) void connect().connect();
  }, 0);
  context.subscriptions.push(
    { dispose: () => clearTimeout(timer) },
    // A kubeconfig named later (the setting) connects then; once made, the controller follows the setting itself.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!connection && e.affectsConfiguration('tanzuGitops.kubeconfig') && kubeconfigExists()) void connect().connect();
    }),
  );
  return { activationMs: performance.now() - started };
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
