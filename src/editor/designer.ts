/**
 * The cluster designer's host side: opens the webview (form beside a Monaco editor, bundled in
 * dist/webview/), feeds it the extension's schemas and, when connected, the namespace's live VM
 * classes, storage classes, TKRs and zones; validates what it sends with the same engine as the
 * editor (offline and live rules); and saves, commits (through the Git layer) and syncs the
 * manifest it designs.
 *
 * Invariants: nothing is written without the user choosing where (New Cluster asks for a path
 * in the save dialog, which asks before replacing a file; Edit in Designer writes back to its own
 * document only);
 * the webview gets no secrets and loads nothing remote (strict CSP with a nonce per page).
 * State: the webview keeps its text with setState, so hiding the panel loses nothing; a panel
 * restored after a reload comes back through the serializer.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { designFromText } from '../core/designer';
import type { ApiForm, ClusterDesign, DesignerChoices } from '../core/designer/types';
import { validateText } from '../core/engine';
import { openRepository } from '../git/repository';
import { pickableNamespaces, type SupervisorFacts } from '../core/live/facts';
import { sizeLabel } from '../core/live/vm-class';
import { getSchema } from '../core/schema/registry';
import { designerPage } from '../webview/designer/page';
import type { DesignerPersist, HostMessage, WebviewMessage } from '../webview/designer/protocol';
import type { ConnectionController } from './connection';

export const DESIGNER_VIEW_TYPE = 'tanzuGitops.designer';

const FORM_SCHEMAS: Record<ApiForm, string> = {
  'tkc-v1alpha3': 'tkc-v1alpha3',
  'tkc-v1alpha2': 'tkc-v1alpha2',
  'cluster-v1beta1': 'cluster-v1beta1-tanzukubernetescluster',
};

export interface DesignerHost {
  readonly connection: ConnectionController;
  /** Sync one saved file through the sync plan and its confirmation. */
  syncFile(uri: vscode.Uri): Promise<void>;
}

/** What the webview keeps in its state for the host (besides its text), so a restored panel writes where it did. */
type PanelState = DesignerPersist;

export class DesignerPanels implements vscode.Disposable {
  private readonly panels = new Set<DesignerPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly host: DesignerHost, private readonly output: vscode.LogOutputChannel) {}

  /** A panel VS Code restores after a reload (its webview state holds the text). */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const s = (state ?? {}) as PanelState;
    panel.webview.options = options(this.extensionUri);
    this.track(new DesignerPanel(panel, this.extensionUri, this.host, this.output, '', s.target ? vscode.Uri.parse(s.target) : undefined, s.editsDocument === true));
  }

  /** New Cluster…: a fresh design in the connected namespace. */
  newCluster(): void {
    const panel = vscode.window.createWebviewPanel(DESIGNER_VIEW_TYPE, 'New Cluster', vscode.ViewColumn.Active, options(this.extensionUri));
    this.track(new DesignerPanel(panel, this.extensionUri, this.host, this.output, '', undefined, false));
  }

  /** Edit in Designer: the TKC or Cluster document of the given (or active) editor. */
  async editDocument(uri?: vscode.Uri): Promise<void> {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: open a TanzuKubernetesCluster or Cluster manifest to edit it in the designer.'));
      return;
    }
    const read = designFromText(doc.getText());
    if ('error' in read) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: {0} cannot be edited in the designer: {1}.', path.basename(doc.uri.fsPath), read.error));
      return;
    }
    for (const p of this.panels) {
      if (p.target?.toString() === doc.uri.toString()) {
        p.reveal();
        return;
      }
    }
    const panel = vscode.window.createWebviewPanel(DESIGNER_VIEW_TYPE, `Design: ${path.basename(doc.uri.fsPath)}`, vscode.ViewColumn.Beside, options(this.extensionUri));
    this.track(new DesignerPanel(panel, this.extensionUri, this.host, this.output, doc.getText(), doc.uri, true));
  }

  private track(p: DesignerPanel): void {
    this.panels.add(p);
    p.onDidDispose(() => this.panels.delete(p));
  }

  dispose(): void {
    for (const p of [...this.panels]) p.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableFindWidget: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

class DesignerPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;
  private text: string;
  private version = 0;
  private validateTimer: ReturnType<typeof setTimeout> | undefined;
  private readOf?: { text: string; design: ClusterDesign | undefined };
  private disposed = false;
  /** The namespace whose choices were last sent to the webview. */
  private shownNamespace: string | undefined;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly host: DesignerHost,
    private readonly output: vscode.LogOutputChannel,
    initialText: string,
    /** Edit in Designer: the document it writes back to; New Cluster: the file last saved to. */
    public target: vscode.Uri | undefined,
    private readonly editsDocument: boolean,
  ) {
    this.text = initialText;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tanzu-gitops.svg');
    panel.webview.html = html(panel.webview, extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: WebviewMessage) => void this.receive(m).catch((err) => this.fail(err))),
      host.connection.onDidChangeFacts(() => {
        this.postChoices();
        this.scheduleValidation();
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  private post(message: HostMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private facts(): SupervisorFacts | undefined {
    return this.host.connection.facts;
  }

  /** The namespace whose choices the pickers show: the design's, else the connected one. */
  private choicesNamespace(): string {
    return this.designNamespace() ?? this.host.connection.connected?.namespace ?? '';
  }

  /**
   * Sends the pickers' values for `namespace` (by default the design's). The namespace is
   * remembered, so a text change that moves the design to another namespace sends them again even
   * when the facts arrived before the text did.
   */
  private postChoices(namespace = this.choicesNamespace()): void {
    this.shownNamespace = namespace;
    this.post({ type: 'choices', choices: this.choices(namespace), connected: this.host.connection.connected });
  }

  /** The pickers' values: the connected namespace's (or the design's) live choices; empty offline. */
  private choices(namespace?: string): DesignerChoices {
    const facts = this.facts();
    const ns = namespace ?? this.choicesNamespace();
    const byNs = facts?.byNamespace.get(ns);
    const sorted = (s?: ReadonlySet<string>): string[] => [...(s ?? [])].sort();
    const tkrs = facts?.tkrs ? [...facts.tkrs.values()]
      .filter((t) => t.compatible && t.ready && !t.deactivated)
      .map((t) => t.name)
      .sort((a, b) => b.localeCompare(a, undefined, { numeric: true })) : [];
    const vmClasses = sorted(byNs?.vmClasses);
    const vmClassSizes: Record<string, string> = {};
    for (const c of vmClasses) {
      const size = sizeLabel(facts?.vmClassSizes?.get(c));
      if (size) vmClassSizes[c] = size;
    }
    return {
      namespaces: sorted(facts ? pickableNamespaces(facts) : undefined),
      vmClasses,
      vmClassSizes,
      storageClasses: sorted(byNs?.storageClasses),
      tkrs,
      zones: sorted(byNs?.zones),
    };
  }

  /** The design in the current text (read once per text: facts changes ask for it often). */
  private design(): ClusterDesign | undefined {
    if (this.readOf?.text !== this.text) {
      const read = this.text ? designFromText(this.text) : undefined;
      this.readOf = { text: this.text, design: read && !('error' in read) ? read.design : undefined };
    }
    return this.readOf.design;
  }

  /**
   * Where New Cluster starts: the connected namespace when it is a vSphere Namespace (or none are
   * known to tell), else nothing, and the form asks for one.
   */
  private startNamespace(): string {
    const connected = this.host.connection.connected;
    if (!connected) return '';
    const marked = this.facts()?.vsphereNamespaces;
    return marked && marked.size > 0 && !marked.has(connected.namespace) ? '' : connected.namespace;
  }

  private designNamespace(): string | undefined {
    return this.design()?.namespace || undefined;
  }

  private async receive(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready': {
        const start = this.text.trim() === '' && !this.editsDocument ? this.startNamespace() : undefined;
        const ns = this.designNamespace() ?? start;
        if (ns) this.host.connection.watchNamespace(ns);
        this.shownNamespace = ns || this.choicesNamespace();
        this.post({
          type: 'init',
          text: this.text,
          ...(start !== undefined ? { namespace: start } : {}),
          schemas: (Object.keys(FORM_SCHEMAS) as ApiForm[]).map((form) => ({ form, uri: `https://tanzu-gitops.dev/schemas/${FORM_SCHEMAS[form]}.schema.json`, schema: getSchema(FORM_SCHEMAS[form]) ?? {} })),
          choices: this.choices(this.shownNamespace),
          connected: this.host.connection.connected,
          title: this.panel.title,
          persist: this.persist(),
        });
        return;
      }
      case 'changed':
        this.text = m.text;
        this.version = m.version;
        if (this.choicesNamespace() !== this.shownNamespace) {
          const ns = this.designNamespace();
          if (ns) this.host.connection.watchNamespace(ns);
          this.postChoices();
        }
        this.scheduleValidation();
        return;
      case 'namespace':
        this.host.connection.watchNamespace(m.namespace);
        this.postChoices(m.namespace);
        return;
      case 'save':
        this.text = m.text;
        await this.save();
        return;
      case 'commit':
        this.text = m.text;
        await this.commit();
        return;
      case 'sync':
        this.text = m.text;
        await this.sync();
        return;
    }
  }

  private scheduleValidation(): void {
    if (this.validateTimer) clearTimeout(this.validateTimer);
    this.validateTimer = setTimeout(() => {
      this.validateTimer = undefined;
      const findings = validateText(this.text, { facts: this.facts() });
      this.post({
        type: 'findings',
        version: this.version,
        findings: findings.map((f) => ({
          severity: f.severity, message: f.message, code: f.code, range: f.range,
          ...(f.fixes?.length ? { fixes: f.fixes.map((x) => ({ title: x.title, edits: x.edits.map((e) => ({ range: e.range, newText: e.newText })), preferred: x.preferred })) } : {}),
        })),
      });
    }, 50);
  }

  /** True when the design has no error, or the user chose to save it anyway. */
  private async confirmErrors(): Promise<boolean> {
    const errors = validateText(this.text, { facts: this.facts() }).filter((f) => f.severity === 'error');
    if (errors.length === 0) return true;
    const anyway = vscode.l10n.t('Save Anyway');
    const choice = await vscode.window.showWarningMessage(
      errors.length === 1
        ? vscode.l10n.t('The design has an error. Save it anyway?')
        : vscode.l10n.t('The design has {0} errors. Save it anyway?', errors.length),
      { modal: true, detail: errors.slice(0, 5).map((f) => `Line ${f.range.start.line + 1}: ${f.message}`).join('\n') + (errors.length > 5 ? `\n… and ${errors.length - 5} more` : '') },
      anyway,
    );
    if (choice === anyway) return true;
    this.status(`Not saved: the design has ${errors.length} error${errors.length === 1 ? '' : 's'}.`, 'info');
    return false;
  }

  /**
   * Writes the design: back to its document, or to a path the user picks (the save dialog asks
   * before replacing a file). A design with errors is saved only when the user says so. Returns the file.
   */
  private async save(): Promise<vscode.Uri | undefined> {
    if (!(await this.confirmErrors())) return undefined;
    if (this.editsDocument && this.target) {
      const doc = await vscode.workspace.openTextDocument(this.target);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), this.text);
      if (!(await vscode.workspace.applyEdit(edit)) || !(await doc.save())) {
        this.status(`Could not save ${vscode.workspace.asRelativePath(doc.uri)}.`, 'error');
        return undefined;
      }
      this.saved(doc.uri);
      return doc.uri;
    }
    if (this.target) {
      await vscode.workspace.fs.writeFile(this.target, Buffer.from(this.text, 'utf8'));
      this.saved(this.target);
      return this.target;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const design = this.design();
    const suggested = design?.name ? `clusters/${design.namespace ? `${design.namespace}/` : ''}${design.name}.yaml` : 'cluster.yaml';
    const picked = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Save the cluster manifest'),
      saveLabel: 'Save',
      defaultUri: folder ? vscode.Uri.joinPath(folder, suggested) : undefined,
      filters: { YAML: ['yaml', 'yml'] },
    });
    if (!picked) return undefined;
    // The save dialog itself asks before a file is replaced (native and VS Code's own dialog).
    await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(picked.fsPath)));
    await vscode.workspace.fs.writeFile(picked, Buffer.from(this.text, 'utf8'));
    this.target = picked;
    this.saved(picked);
    return picked;
  }

  private persist(): PanelState {
    return { target: this.target?.toString(), editsDocument: this.editsDocument };
  }

  private saved(uri: vscode.Uri): void {
    this.output.info(`designer: saved ${vscode.workspace.asRelativePath(uri)}`);
    this.post({ type: 'saved', path: vscode.workspace.asRelativePath(uri), persist: this.persist() });
  }

  /** Saves, then stages and commits that one file with a message the user confirms. */
  private async commit(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      this.status('Committing is disabled in Restricted Mode: Git runs the repository\'s hooks.', 'error');
      return;
    }
    const uri = await this.save();
    if (!uri) return;
    const design = this.design();
    let repo;
    try {
      repo = await openRepository(path.dirname(uri.fsPath));
    } catch (err) {
      this.status(err instanceof Error ? err.message : String(err), 'error');
      return;
    }
    if (!repo) {
      this.status(`${vscode.workspace.asRelativePath(uri)} is not in a Git repository.`, 'error');
      return;
    }
    const rel = path.relative(repo.root, uri.fsPath).split(path.sep).join('/');
    const tracked = await repo.tracks(rel);
    const message = await vscode.window.showInputBox({
      title: vscode.l10n.t('Commit the cluster manifest'),
      prompt: vscode.l10n.t('Commit message for {0}', rel),
      value: design?.name ? `${tracked ? 'Update' : 'Add'} cluster ${design.namespace ? `${design.namespace}/` : ''}${design.name}` : `Update ${rel}`,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'A commit message is needed'),
    });
    if (!message) return;
    try {
      const commit = await repo.commitFile(rel, message);
      const what = commit ? `Committed ${rel} as ${commit.slice(0, 7)}` : `Nothing to commit: ${rel} is unchanged`;
      this.status(`${what}.`, 'info');
      this.output.info(`designer: ${what}`);
    } catch (err) {
      this.status(`git commit failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, 'error');
    }
  }

  /** Saves, then syncs that file through the sync plan and its confirmation. */
  private async sync(): Promise<void> {
    const uri = await this.save();
    if (!uri) return;
    await this.host.syncFile(uri);
  }

  private status(message: string, kind: 'info' | 'error'): void {
    this.post({ type: 'status', message, kind });
    if (kind === 'error') void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: {0}', message));
  }

  private fail(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.output.error(`designer: ${message}`);
    this.status(message, 'error');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.validateTimer) clearTimeout(this.validateTimer);
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** The page: one script and one stylesheet from dist/webview, under the designer's CSP with a fresh nonce. */
function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const asset = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString();
  return designerPage({ cspSource: webview.cspSource, nonce: randomBytes(16).toString('base64'), scriptUri: asset('designer.js'), styleUri: asset('designer.css') });
}
