/**
 * Entry point. activate() only registers: the language features (engine, yaml, Ajv, schemas)
 * load on first need from ./language.js, so activation on a YAML file costs almost nothing.
 * One owner of disposables: the extension context.
 */
import * as vscode from 'vscode';
import type { LanguageFeatures } from './language';

const YAML: vscode.DocumentSelector = [{ language: 'yaml' }];

export function activate(context: vscode.ExtensionContext): { activationMs: number } {
  const started = performance.now();
  let features: LanguageFeatures | undefined;
  const load = (): LanguageFeatures => {
    if (!features) {
      const language: typeof import('./language') = require('./language.js');
      features = language.createLanguageFeatures();
      context.subscriptions.push(features);
    }
    return features;
  };

  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(YAML, {
      provideCodeActions: (doc, _range, ctx) => (ctx.diagnostics.some((d) => d.source === 'tanzu-gitops') ? load().provideCodeActions(doc, ctx) : []),
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.languages.registerCompletionItemProvider(YAML, { provideCompletionItems: (doc, pos) => load().provideCompletionItems(doc, pos) }, ':'),
    vscode.languages.registerHoverProvider(YAML, { provideHover: (doc, pos) => load().provideHover(doc, pos) }),
    vscode.commands.registerCommand('tanzuGitops.validateWorkspace', () => load().validateWorkspace()),
  );

  // Validation of the open YAML documents starts right after activation returns.
  const timer = setTimeout(() => load(), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  return { activationMs: performance.now() - started };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
