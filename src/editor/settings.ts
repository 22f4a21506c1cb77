/** The extension's settings, read in one place (the manager never touches configuration directly). */
import * as vscode from 'vscode';
import type { RenderSettings } from '../sources';

export type SyntaxErrorMode = 'auto' | 'always' | 'never';

export interface ValidationSettings {
  readonly enable: boolean;
  readonly debounceMs: number;
  readonly syntaxErrors: SyntaxErrorMode;
  readonly disabledRules: ReadonlySet<string>;
  readonly exclude: readonly string[];
}

export function readValidationSettings(scope?: vscode.ConfigurationScope): ValidationSettings {
  const c = vscode.workspace.getConfiguration('tanzuGitops.validation', scope);
  return {
    enable: c.get<boolean>('enable', true),
    debounceMs: Math.max(0, c.get<number>('debounceMs', 250)),
    syntaxErrors: c.get<SyntaxErrorMode>('syntaxErrors', 'auto'),
    disabledRules: new Set(c.get<string[]>('disabledRules', [])),
    exclude: c.get<string[]>('exclude', ['**/node_modules/**', '**/.git/**']),
  };
}

/**
 * Whether our YAML syntax errors would double the Red Hat YAML extension's: with it installed and
 * validating, it reports parse errors itself, so in `auto` mode we leave them to it.
 */
export function reportSyntaxErrors(settings: ValidationSettings): boolean {
  if (settings.syntaxErrors !== 'auto') return settings.syntaxErrors === 'always';
  const redhat = vscode.extensions.getExtension('redhat.vscode-yaml');
  if (!redhat) return true;
  return vscode.workspace.getConfiguration('yaml').get<boolean>('validate', true) === false;
}

/** Where kustomize and helm are, and whether remote Kustomize bases may be fetched (src/sources). */
export function readRenderSettings(scope?: vscode.ConfigurationScope): RenderSettings {
  const c = vscode.workspace.getConfiguration('tanzuGitops', scope);
  const kustomizePath = c.get<string>('kustomize.path', '').trim();
  const helmPath = c.get<string>('helm.path', '').trim();
  return {
    ...(kustomizePath ? { kustomizePath } : {}),
    ...(helmPath ? { helmPath } : {}),
    allowRemoteBases: c.get<boolean>('kustomize.allowRemoteBases', false),
  };
}

/** The setting tanzuGitops.clusterContexts: `NAMESPACE/NAME` to a kubeconfig context (entries that are not strings are left out). */
export function readClusterContexts(): Record<string, string> {
  const raw = vscode.workspace.getConfiguration('tanzuGitops').get<unknown>('clusterContexts', {});
  const contexts: Record<string, string> = {};
  if (raw && typeof raw === 'object') for (const [k, v] of Object.entries(raw)) if (typeof v === 'string' && v.trim()) contexts[k] = v.trim();
  return contexts;
}

/** The setting tanzuGitops.argocd.url: the address of the Argo CD UI, as written ('' when unset). */
export function readArgoCdUrl(): string {
  return vscode.workspace.getConfiguration('tanzuGitops').get<string>('argocd.url', '').trim();
}
