/**
 * The language features, loaded on first need (not at activation): diagnostics, quick fixes,
 * completion and hover from the schemas, and Validate Workspace. Everything heavy (the engine,
 * yaml, Ajv, the schemas) enters the extension host through this module.
 */
import * as vscode from 'vscode';
import { completionsAt, hoverAt } from '../core/assist';
import { toRange, toWorkspaceEdit, sameRange, DIAGNOSTIC_SOURCE } from './convert';
import { DiagnosticsManager } from './diagnostics';
import { readValidationSettings } from './settings';

export interface LanguageFeatures extends vscode.Disposable {
  readonly diagnostics: DiagnosticsManager;
  provideCodeActions(document: vscode.TextDocument, context: vscode.CodeActionContext): vscode.CodeAction[];
  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[];
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined;
  validateWorkspace(): Promise<void>;
}

import type { SupervisorFacts } from '../core/live/facts';

export function createLanguageFeatures(facts: () => SupervisorFacts | undefined = () => undefined): LanguageFeatures {
  const diagnostics = new DiagnosticsManager();
  const status = vscode.languages.createLanguageStatusItem('tanzuGitops.validation', { language: 'yaml' });
  status.name = 'Tanzu GitOps validation';
  status.text = 'Tanzu GitOps';
  status.command = { title: vscode.l10n.t('Validate Workspace'), command: 'tanzuGitops.validateWorkspace' };
  const onValidated = diagnostics.onDidValidate((r) => {
    status.text = `Tanzu GitOps: ${r.findings} finding${r.findings === 1 ? '' : 's'}`;
    status.detail = `${r.documents} document${r.documents === 1 ? '' : 's'}, ${r.validated} re-validated in ${r.millis.toFixed(0)} ms`;
    // Over budget: say so, as the best linters do, rather than let the editor feel slow silently.
    status.severity = r.millis > 500 ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  });
  diagnostics.revalidateOpen();

  return {
    diagnostics,

    provideCodeActions(document, context) {
      const findings = diagnostics.findingsFor(document.uri);
      const actions: vscode.CodeAction[] = [];
      for (const diag of context.diagnostics) {
        if (diag.source !== DIAGNOSTIC_SOURCE) continue;
        const code = typeof diag.code === 'object' ? String(diag.code.value) : String(diag.code);
        const finding = findings.find((f) => f.code === code && f.message === diag.message && sameRange(diag.range, f.range));
        for (const fix of finding?.fixes ?? []) {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.edit = toWorkspaceEdit(document.uri, fix);
          action.diagnostics = [diag];
          action.isPreferred = fix.preferred;
          actions.push(action);
        }
      }
      return actions;
    },

    provideCompletionItems(document, position) {
      return completionsAt(document.getText(), position, facts()).map((e) => {
        const item = new vscode.CompletionItem(e.label, e.kind === 'field' ? vscode.CompletionItemKind.Field : vscode.CompletionItemKind.EnumMember);
        item.insertText = new vscode.SnippetString(e.insertText.replace(/\$(?!0)/g, '\\$'));
        item.range = toRange(e.range);
        item.detail = e.detail;
        if (e.documentation) item.documentation = new vscode.MarkdownString(e.documentation);
        item.sortText = `${e.required ? '0' : '1'}${e.label}`;
        if (e.kind === 'field' && e.insertText.includes('\n')) item.command = { title: vscode.l10n.t('Suggest'), command: 'editor.action.triggerSuggest' };
        return item;
      });
    },

    provideHover(document, position) {
      const h = hoverAt(document.getText(), position);
      return h ? new vscode.Hover(new vscode.MarkdownString(h.markdown), toRange(h.range)) : undefined;
    },

    async validateWorkspace() {
      const settings = readValidationSettings();
      const exclude = settings.exclude.length > 0 ? `{${settings.exclude.join(',')}}` : undefined;
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tanzu GitOps: validating workspace'), cancellable: true },
        async (progress, token) => {
          const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', exclude, undefined, token);
          const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
          let errors = 0, warnings = 0, done = 0, unreadable = 0;
          const decoder = new TextDecoder('utf-8');
          for (const uri of files) {
            if (token.isCancellationRequested) break;
            let text: string;
            try {
              text = open.get(uri.toString())?.getText() ?? decoder.decode(await vscode.workspace.fs.readFile(uri));
            } catch {
              unreadable++;
              continue;
            }
            const found = await diagnostics.validateClosed(uri, text);
            errors += found.filter((f) => f.severity === 'error').length;
            warnings += found.filter((f) => f.severity === 'warning').length;
            done++;
            progress.report({ message: vscode.l10n.t('{0}/{1} {2}', done, files.length, vscode.workspace.asRelativePath(uri)), increment: 100 / Math.max(files.length, 1) });
            // Let the extension host breathe between files.
            await new Promise<void>((r) => setImmediate(r));
          }
          const summary = `Tanzu GitOps: ${done} YAML file${done === 1 ? '' : 's'} validated${token.isCancellationRequested ? ' (cancelled)' : ''}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${unreadable ? `, ${unreadable} unreadable` : ''}.`;
          const choice = await Promise.race([
            vscode.window.showInformationMessage(summary, 'Open Problems'),
            new Promise<undefined>((r) => setTimeout(() => r(undefined), 50)),
          ]);
          if (choice === 'Open Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
        },
      );
    },

    dispose() {
      onValidated.dispose();
      status.dispose();
      diagnostics.dispose();
    },
  };
}
