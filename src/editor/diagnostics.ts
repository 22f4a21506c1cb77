/**
 * The diagnostics manager: editor events, debounce, cancellation and the diagnostic collection.
 * The computing is the core's IncrementalValidator (one per open document), which re-validates
 * only the YAML documents an edit touched.
 */
import * as vscode from 'vscode';
import { IncrementalValidator, validateText } from '../core/engine';
import { hasKustomizationAbove, isKustomizePatch, patchFindings } from '../sources/patches';
import { namedByOverlay, overlayFindingsFor, type FileInOverlays } from '../sources/validate';
import type { SupervisorFacts } from '../core/live/facts';
import type { Finding } from '../core/types';
import { toDiagnostic } from './convert';
import { readRenderSettings, readValidationSettings, reportSyntaxErrors, type ValidationSettings } from './settings';

export interface ValidationReport {
  readonly uri: vscode.Uri;
  readonly documents: number;
  readonly validated: number;
  readonly millis: number;
  readonly findings: number;
}

interface Pending {
  timer?: ReturnType<typeof setTimeout>;
  readonly cts: vscode.CancellationTokenSource;
  /** The validation ran (to its end, or it stopped for a newer version). */
  done?: boolean;
}

export class DiagnosticsManager implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('tanzu-gitops');
  private readonly validators = new Map<string, IncrementalValidator>();
  private readonly pending = new Map<string, Pending>();
  /** The document version each open document's diagnostics were computed from. */
  private readonly validatedVersions = new Map<string, number>();
  private readonly waiters = new Set<{ readonly key: string; readonly version: number; readonly resolve: (version: number | undefined) => void }>();
  /** The findings behind the diagnostics of each file, for quick fixes. */
  private readonly findings = new Map<string, readonly Finding[]>();
  private readonly disposables: vscode.Disposable[] = [];
  private settings: ValidationSettings = readValidationSettings();
  private facts: SupervisorFacts | undefined;
  private readonly onDidValidateEmitter = new vscode.EventEmitter<ValidationReport>();
  readonly onDidValidate = this.onDidValidateEmitter.event;
  private readonly deletions = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
  /** Files deleted on disk whose documents the editor may still hold. */
  private readonly gone = new Set<string>();

  constructor() {
    this.disposables.push(
      this.collection,
      this.onDidValidateEmitter,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length > 0) this.schedule(e.document, this.settings.debounceMs); }),
      // a saved file a kustomization may read changes what overlays render: every open file is checked again
      vscode.workspace.onDidSaveTextDocument((d) => (this.inKustomization(d) ? this.revalidateOpen() : this.schedule(d, 0))),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      this.deletions,
      // a file (or folder) deleted by any program takes its problems with it
      this.deletions.onDidCreate((uri) => this.gone.delete(uri.toString())),
      this.deletions.onDidDelete((gone) => {
        this.gone.add(gone.toString());
        const prefix = `${gone.toString()}/`;
        this.collection.forEach((uri) => {
          const key = uri.toString();
          if (key === gone.toString() || key.startsWith(prefix)) {
            this.gone.add(key);
            this.forget(uri);
            this.collection.delete(uri);
          }
        });
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tanzuGitops.validation') || e.affectsConfiguration('yaml.validate')) {
          this.settings = readValidationSettings();
          this.revalidateOpen();
        }
      }),
      vscode.extensions.onDidChange(() => this.revalidateOpen()),
    );
  }

  /** New facts from the connected Supervisor (undefined: offline); every open document is validated again. */
  setFacts(facts: SupervisorFacts | undefined): void {
    if (facts === this.facts) return;
    this.facts = facts;
    this.revalidateOpen();
  }

  revalidateOpen(): void {
    // a document still held after its file was deleted is not checked again until it is edited
    for (const d of vscode.workspace.textDocuments) if (!this.gone.has(d.uri.toString())) this.schedule(d, 0);
  }

  findingsFor(uri: vscode.Uri): readonly Finding[] {
    return this.findings.get(uri.toString()) ?? [];
  }

  private isCandidate(d: vscode.TextDocument): boolean {
    // the drift view's sides (tanzu-gitops-drift) are what Git or the cluster hold, not files to fix
    return d.languageId === 'yaml' && d.uri.scheme !== 'git' && d.uri.scheme !== 'output' && d.uri.scheme !== 'tanzu-gitops-drift';
  }

  schedule(d: vscode.TextDocument, delay: number): void {
    if (!this.isCandidate(d)) return;
    const key = d.uri.toString();
    const prev = this.pending.get(key);
    if (prev) {
      if (prev.timer) clearTimeout(prev.timer);
      prev.cts.cancel();
      prev.cts.dispose();
    }
    const cts = new vscode.CancellationTokenSource();
    const entry: Pending = { cts };
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.validate(d, cts.token)
        .catch((err) => console.error('[tanzu-gitops] validation failed', err))
        .finally(() => { entry.done = true; });
    }, delay);
    this.pending.set(key, entry);
  }

  private async validate(d: vscode.TextDocument, token: vscode.CancellationToken): Promise<void> {
    const key = d.uri.toString();
    if (!this.settings.enable) {
      this.collection.delete(d.uri);
      this.settle(key, d.version);
      return;
    }
    let validator = this.validators.get(key);
    if (!validator) {
      validator = new IncrementalValidator();
      this.validators.set(key, validator);
    }
    validator.setFacts(this.facts);
    const started = performance.now();
    const version = d.version;
    const findings = await validator.validateAsync(d.getText(), token);
    if (!findings || token.isCancellationRequested || d.isClosed || d.version !== version) return;
    const millis = performance.now() - started;
    const overlays = await this.overlayFindings(d.uri, d.isDirty);
    if (token.isCancellationRequested || d.isClosed || d.version !== version) return;
    const shown = this.publish(d.uri, findings, overlays);
    this.settle(key, version);
    this.onDidValidateEmitter.fire({
      uri: d.uri, documents: validator.lastStats.documents, validated: validator.lastStats.validated, millis, findings: shown,
    });
  }

  private inKustomization(d: vscode.TextDocument): boolean {
    return this.isCandidate(d) && d.uri.scheme === 'file' && hasKustomizationAbove(d.uri.fsPath);
  }

  /**
   * What the overlays that read this file render, validated, for a file as saved (the render reads
   * the disk; while the file has unsaved edits, only the file itself is validated).
   */
  private async overlayFindings(uri: vscode.Uri, dirty: boolean): Promise<FileInOverlays | undefined> {
    if (dirty || uri.scheme !== 'file' || !hasKustomizationAbove(uri.fsPath)) return undefined;
    const root = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    if (!root) return undefined;
    try {
      return await overlayFindingsFor(uri.fsPath, root, { facts: this.facts }, readRenderSettings(uri));
    } catch (err) {
      console.error('[tanzu-gitops] overlay validation failed', err);
      return undefined;
    }
  }

  /**
   * The version of `d` whose diagnostics are published, once it is `version` or later (default:
   * the document's version now) and no validation of it is on its way (a save, new facts or a
   * setting validate the same version again); undefined at once for a document the engine does not
   * read (not YAML, a Git or output view), or when it is closed first. A negative check (no
   * diagnostic) waits for this, then asserts.
   */
  whenValidated(d: vscode.TextDocument, version = d.version): Promise<number | undefined> {
    if (!this.isCandidate(d) || d.isClosed) return Promise.resolve(undefined);
    const key = d.uri.toString();
    const done = this.validatedVersions.get(key);
    const p = this.pending.get(key);
    const idle = !p || !!p.done;
    if (idle && done !== undefined && done >= version) return Promise.resolve(done);
    return new Promise((resolve) => {
      this.waiters.add({ key, version, resolve });
      // nothing on its way (every validation since the last edit has ended): validate now
      if (idle) this.schedule(d, 0);
    });
  }

  private settle(key: string, version: number): void {
    this.validatedVersions.set(key, version);
    for (const w of this.waiters) {
      if (w.key === key && version >= w.version) {
        this.waiters.delete(w);
        w.resolve(version);
      }
    }
  }

  /**
   * Sets the diagnostics of a file from findings, after the user's filters. A file that overlays
   * read shows what they render, at its lines, naming the overlays; its own findings only where an
   * overlay did not render (else only its syntax errors: what is applied is what is rendered).
   */
  publish(uri: vscode.Uri, all: readonly Finding[], overlays?: FileInOverlays): number {
    const syntax = reportSyntaxErrors(this.settings);
    // a Kustomize patch is partial by design: what the base sets is not missing
    let own = uri.scheme === 'file' && isKustomizePatch(uri.fsPath) ? patchFindings(all) : all;
    if (overlays) {
      const rendered = namedByOverlay(overlays.findings, (dir) => vscode.workspace.asRelativePath(dir, false));
      const allRendered = overlays.overlays.every((o) => o.error === undefined);
      const same = (a: Finding, b: Finding) => a.code === b.code && a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character;
      own = [...own.filter((f) => (allRendered ? f.fromParser === true : !rendered.some((r) => same(r, f)))), ...rendered];
    }
    const shown = own.filter((f) => !this.settings.disabledRules.has(f.code) && (syntax || !f.fromParser));
    this.findings.set(uri.toString(), shown);
    this.collection.set(uri, shown.map(toDiagnostic));
    return shown.length;
  }

  /** Validates a file that may not be open (Validate Workspace), with what the overlays that read it render. */
  async validateClosed(uri: vscode.Uri, text: string): Promise<readonly Finding[]> {
    const all = validateText(text, { facts: this.facts });
    const dirty = vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty);
    this.publish(uri, all, await this.overlayFindings(uri, dirty));
    return this.findingsFor(uri);
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const p = this.pending.get(key);
    if (p) {
      if (p.timer) clearTimeout(p.timer);
      p.cts.cancel();
      p.cts.dispose();
      this.pending.delete(key);
    }
    this.validators.delete(key);
    this.validatedVersions.delete(key);
    for (const w of this.waiters) {
      if (w.key !== key) continue;
      this.waiters.delete(w);
      w.resolve(undefined);
    }
  }

  dispose(): void {
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.cts.cancel();
      p.cts.dispose();
    }
    this.pending.clear();
    for (const w of this.waiters) w.resolve(undefined);
    this.waiters.clear();
    for (const d of this.disposables) d.dispose();
  }
}
