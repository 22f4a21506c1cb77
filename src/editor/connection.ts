/**
 * The connection to a Supervisor, in the editor: which kubeconfig and context, the context and
 * namespace pickers, the status bar item, token-expiry warnings, and the facts the live rules
 * read. Loaded on first need (it brings the Kubernetes client); the cluster layer does the work.
 *
 * Lifetimes: the controller lives as long as the extension; a session lives as long as one
 * context is chosen, and a switch disposes it (with all its watches) before the next one opens.
 */
import * as vscode from 'vscode';
import { SessionManager, loadKubeconfig, redact, type ConnectionSession, type ContextInfo, type SupervisorFactsSource } from '../cluster';
import type { SupervisorFacts } from '../core/live/facts';
import { DryRunChecker } from './dry-run';

const CONTEXT_KEY = 'tanzuGitops.context';
const NAMESPACE_KEY = 'tanzuGitops.namespace';
/** Warn this long before a token expires. */
const EXPIRY_WARNING_MS = 15 * 60_000;

type State =
  | { kind: 'none'; why: string }
  | { kind: 'connecting'; context: string }
  | { kind: 'connected'; context: string; namespace: string }
  | { kind: 'error'; context?: string; message: string };

export class ConnectionController implements vscode.Disposable {
  private readonly sessions = new SessionManager();
  private readonly status = vscode.window.createStatusBarItem('tanzuGitops.connection', vscode.StatusBarAlignment.Left, 50);
  private readonly output: vscode.LogOutputChannel;
  private readonly factsEmitter = new vscode.EventEmitter<SupervisorFacts | undefined>();
  /** Fires with the facts the live rules should use (undefined: offline or untrusted). */
  readonly onDidChangeFacts = this.factsEmitter.event;
  private readonly sessionEmitter = new vscode.EventEmitter<ConnectionSession | undefined>();
  /** Fires when a session opens (connected) or ends. */
  readonly onDidChangeSession = this.sessionEmitter.event;
  private factsSource?: SupervisorFactsSource;
  private factsSub?: { dispose(): void };
  private expiryTimers: ReturnType<typeof setTimeout>[] = [];
  private state: State = { kind: 'none', why: 'not connected' };
  private readonly disposables: vscode.Disposable[] = [];
  private readonly dryRun = new DryRunChecker();

  constructor(private readonly context: vscode.ExtensionContext, output: vscode.LogOutputChannel) {
    this.output = output;
    this.status.name = 'Tanzu GitOps connection';
    this.status.command = 'tanzuGitops.selectContext';
    this.disposables.push(
      this.status,
      this.factsEmitter,
      this.sessionEmitter,
      this.dryRun,
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.connect()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tanzuGitops.kubeconfig')) void this.connect();
      }),
    );
    this.render();
    this.status.show();
  }

  /** The facts for the live rules right now: only when connected in a trusted workspace. */
  get facts(): SupervisorFacts | undefined {
    if (!vscode.workspace.isTrusted || !this.factsSource || this.state.kind !== 'connected') return undefined;
    return this.withNamespace(this.factsSource.current());
  }

  /** The context and namespace connected to, if any (what the designer's pickers draw from). */
  get connected(): { context: string; namespace: string } | undefined {
    return this.state.kind === 'connected' ? { context: this.state.context, namespace: this.state.namespace } : undefined;
  }

  /** Learn another namespace's VM classes, storage classes and zones too (the designer asks). */
  watchNamespace(namespace: string): void {
    if (this.state.kind === 'connected' && vscode.workspace.isTrusted) this.factsSource?.addNamespace(namespace);
  }

  get session(): ConnectionSession | undefined {
    return this.sessions.current;
  }

  /** The kubeconfig files of the setting (empty: KUBECONFIG, else ~/.kube/config). */
  kubeconfigPaths(): string[] {
    const v = vscode.workspace.getConfiguration('tanzuGitops').get<string | string[]>('kubeconfig', []);
    return (Array.isArray(v) ? v : [v]).filter((p) => typeof p === 'string' && p.trim() !== '');
  }

  private chosenNamespace(session: ConnectionSession): string {
    return this.context.workspaceState.get<string>(`${NAMESPACE_KEY}/${session.context}`) ?? session.namespace;
  }

  private withNamespace(facts: SupervisorFacts): SupervisorFacts {
    const session = this.sessions.current;
    const ns = session ? this.chosenNamespace(session) : facts.defaultNamespace;
    return ns === facts.defaultNamespace ? facts : { ...facts, defaultNamespace: ns, liveObject: facts.liveObject.bind(facts) };
  }

  /** Connects to the chosen context (or the kubeconfig's current one). Never throws: errors show in the status bar. */
  async connect(): Promise<void> {
    let kubeconfig;
    try {
      kubeconfig = loadKubeconfig({ paths: this.kubeconfigPaths() });
    } catch (err) {
      this.disconnect({ kind: 'none', why: errorMessage(err) });
      return;
    }
    const names = kubeconfig.contextNames();
    const chosen = this.context.workspaceState.get<string>(CONTEXT_KEY);
    const contextName = chosen && names.includes(chosen) ? chosen : undefined;
    this.setState({ kind: 'connecting', context: contextName ?? '(current context)' });
    try {
      const session = await this.sessions.switchTo({
        kubeconfig,
        context: contextName,
        allowExec: vscode.workspace.isTrusted,
        // one line per request: kept at debug level, so the Output reads as what happened
        log: (line: string) => (/^(GET|POST|PUT|PATCH|DELETE|HEAD) \S+ → /.test(line) ? this.output.debug(line) : this.output.info(line)),
      });
      this.teardownFacts();
      const ns = this.chosenNamespace(session);
      const source = session.facts({ namespaces: [ns] });
      this.factsSource = source;
      this.factsSub = source.onDidChange(() => this.factsEmitter.fire(this.facts));
      this.setState({ kind: 'connected', context: session.context, namespace: ns });
      this.scheduleExpiryWarnings(session);
      this.output.info(`connected to context ${session.context} (${redact(session.connection.server)})`);
      this.factsEmitter.fire(this.facts);
    } catch (err) {
      if ((err as { kind?: string }).kind === 'cancelled') return;
      this.teardownFacts();
      this.setState({ kind: 'error', context: contextName, message: errorMessage(err) });
      this.output.warn(`connection failed: ${errorMessage(err)}`);
      this.factsEmitter.fire(undefined);
    }
  }

  disconnect(state: State = { kind: 'none', why: 'disconnected' }): void {
    this.teardownFacts();
    this.sessions.disconnect();
    this.setState(state);
    this.factsEmitter.fire(undefined);
  }

  async selectContext(): Promise<void> {
    let contexts: ContextInfo[];
    try {
      contexts = loadKubeconfig({ paths: this.kubeconfigPaths() }).contexts();
    } catch (err) {
      const open = 'Open Settings';
      const pick = await vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: {0}', errorMessage(err)), open);
      if (pick === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'tanzuGitops.kubeconfig');
      return;
    }
    if (contexts.length === 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: the kubeconfig has no context. Log in with `kubectl vsphere login` first.'));
      return;
    }
    const current = this.sessions.current?.context;
    const items = contexts.map((c) => ({
      label: c.name,
      description: [c.server, c.namespace !== 'default' ? `namespace ${c.namespace}` : ''].filter(Boolean).join(' · '),
      detail: c.auth === 'exec' && !vscode.workspace.isTrusted ? `$(shield) runs ${c.execCommand}: needs a trusted workspace` : `user ${c.user}${c.auth === 'exec' ? ` (runs ${c.execCommand})` : ''}`,
      picked: c.name === current,
      context: c,
    }));
    const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Tanzu GitOps: Select Context'), placeHolder: current ? `Connected to ${current}` : 'Choose the Supervisor context' });
    if (!pick) return;
    await this.context.workspaceState.update(CONTEXT_KEY, pick.context.name);
    await this.connect();
  }

  /** A server-side dry run of the active file; refusals become diagnostics at their fields. */
  async checkCurrentFile(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'yaml') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: open a YAML manifest to check it on the Supervisor.'));
      return;
    }
    if (!this.sessions.current) await this.connect();
    const session = this.sessions.current;
    if (!session) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: not connected ({0}).', this.state.kind === 'error' ? this.state.message : 'choose a context first'));
      return;
    }
    const name = vscode.workspace.asRelativePath(editor.document.uri);
    try {
      const r = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tanzu GitOps: dry run of {0} on {1}', name, session.context), cancellable: true },
        (_p, token) => this.dryRun.check(session, editor.document, this.chosenNamespace(session), token),
      );
      const summary = `${r.accepted} document${r.accepted === 1 ? '' : 's'} accepted, ${r.refused} refused${r.skipped ? `, ${r.skipped} not checked (not Tanzu documents, or malformed)` : ''}`;
      if (r.refused > 0) void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: {0} refused part of {1} (dry run): {2}. See Problems.', session.context, name, summary));
      else void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: {0} accepts {1} (dry run, nothing changed): {2}.', session.context, name, summary));
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: dry run failed: {0}', errorMessage(err)));
    }
  }

  async selectNamespace(): Promise<void> {
    const session = this.sessions.current;
    if (!session) {
      const choose = 'Select Context';
      if ((await vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: connect to a Supervisor context first.'), choose)) === choose) await this.selectContext();
      return;
    }
    const namespaces = this.factsSource?.current().namespaces;
    const current = this.chosenNamespace(session);
    let ns: string | undefined;
    if (namespaces && namespaces.size > 0) {
      const items = [...namespaces].sort().map((n) => ({ label: n, description: n === current ? 'current' : undefined }));
      ns = (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Tanzu GitOps: Select Namespace ({0})', session.context) }))?.label;
    } else {
      ns = await vscode.window.showInputBox({
        title: vscode.l10n.t('Tanzu GitOps: Select Namespace ({0})', session.context),
        prompt: vscode.l10n.t('You may not list namespaces on this Supervisor: type the vSphere Namespace'),
        value: current,
        validateInput: (v) => (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v) ? undefined : 'A namespace name is a DNS-1123 label'),
      });
    }
    if (!ns) return;
    await this.context.workspaceState.update(`${NAMESPACE_KEY}/${session.context}`, ns);
    this.factsSource?.addNamespace(ns);
    this.setState({ kind: 'connected', context: session.context, namespace: ns });
    this.factsEmitter.fire(this.facts);
  }

  private scheduleExpiryWarnings(session: ConnectionSession): void {
    for (const t of this.expiryTimers) clearTimeout(t);
    this.expiryTimers = [];
    const expiry = session.tokenExpiry();
    if (!expiry) return;
    const warn = () => {
      if (this.sessions.current !== session) return;
      const notice = session.expiryNotice();
      if (notice) void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: {0}', notice));
      this.render();
    };
    const untilWarning = expiry.getTime() - Date.now() - EXPIRY_WARNING_MS;
    // Timers beyond ~24 days overflow; vSphere tokens last 10 hours.
    if (untilWarning <= 0) warn();
    else if (untilWarning < 2 ** 31 - 1) this.expiryTimers.push(setTimeout(warn, untilWarning));
    const untilExpiry = expiry.getTime() - Date.now();
    if (untilExpiry > 0 && untilExpiry < 2 ** 31 - 1) this.expiryTimers.push(setTimeout(warn, untilExpiry + 1000));
  }

  private teardownFacts(): void {
    this.factsSub?.dispose();
    this.factsSub = undefined;
    this.factsSource = undefined;
    for (const t of this.expiryTimers) clearTimeout(t);
    this.expiryTimers = [];
  }

  private setState(state: State): void {
    const was = this.state;
    this.state = state;
    this.render();
    void vscode.commands.executeCommand('setContext', 'tanzuGitops.connected', state.kind === 'connected');
    const session = state.kind === 'connected' ? this.sessions.current : undefined;
    const wasSession = was.kind === 'connected' ? was.context : undefined;
    if (state.kind !== 'connected' || wasSession !== state.context || was.kind !== 'connected') this.sessionEmitter.fire(session);
    else if (was.namespace !== state.namespace) this.sessionEmitter.fire(session);
  }

  /** The namespace manifests without one go to (chosen, else the context's). */
  get namespace(): string | undefined {
    const session = this.sessions.current;
    return session ? this.chosenNamespace(session) : undefined;
  }

  private render(): void {
    const s = this.state;
    const trust = vscode.workspace.isTrusted ? '' : '\n\nRestricted mode: live checks are off until the workspace is trusted.';
    switch (s.kind) {
      case 'none':
        this.status.text = '$(debug-disconnect) Tanzu: offline';
        this.status.tooltip = `Tanzu GitOps: ${s.why}. Click to choose a Supervisor context.${trust}`;
        this.status.backgroundColor = undefined;
        break;
      case 'connecting':
        this.status.text = `$(sync~spin) Tanzu: ${s.context}`;
        this.status.tooltip = `Tanzu GitOps: connecting to ${s.context}…`;
        this.status.backgroundColor = undefined;
        break;
      case 'connected': {
        const session = this.sessions.current;
        const expiry = session?.tokenExpiry();
        const expiring = expiry && expiry.getTime() - Date.now() < EXPIRY_WARNING_MS;
        this.status.text = `$(${expiring ? 'warning' : 'cloud'}) ${s.context} / ${s.namespace}`;
        this.status.tooltip = `Tanzu GitOps: connected to ${s.context}, namespace ${s.namespace}.${expiring ? `\n\n${session?.expiryNotice() ?? ''}` : ''}${trust}\n\nClick to choose another context.`;
        this.status.backgroundColor = expiring ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
        break;
      }
      case 'error':
        this.status.text = `$(error) Tanzu: ${s.context ?? 'connection failed'}`;
        this.status.tooltip = `Tanzu GitOps: ${s.message}\n\nClick to choose a context.`;
        this.status.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
    }
  }

  dispose(): void {
    this.teardownFacts();
    this.sessions.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function errorMessage(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err));
}
