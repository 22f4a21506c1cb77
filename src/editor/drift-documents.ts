/**
 * Read-only documents for the drift view: the live and Git sides of a diff and the live object,
 * served from memory under the `tanzu-gitops-drift` scheme (never written to disk, never
 * editable). Secret values never reach them: the core masks them before.
 */
import * as vscode from 'vscode';
import { stringify } from 'yaml';
import type { ResourceStatus } from '../core/reconcile/types';

export const DRIFT_SCHEME = 'tanzu-gitops-drift';

export class DriftDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(DRIFT_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# This document is no longer available: refresh the drift view.\n';
  }

  /** A URI for a side of a resource; the same URI shows the newest text (and updates an open editor). */
  put(side: 'live' | 'git' | 'describe', target: string, r: ResourceStatus, text: string): vscode.Uri {
    const file = `${r.kind}-${r.namespace ? `${r.namespace}-` : ''}${r.name}.${side}.yaml`;
    const uri = vscode.Uri.from({ scheme: DRIFT_SCHEME, path: `/${encodeURIComponent(target)}/${side}/${file}` });
    const key = uri.toString();
    if (this.texts.get(key) !== text) {
      this.texts.set(key, text);
      this.changeEmitter.fire(uri);
    }
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
    this.changeEmitter.dispose();
    this.texts.clear();
  }
}

function yamlOf(obj: unknown): string {
  return obj === undefined ? '' : stringify(obj, { lineWidth: 0 });
}

export function sides(r: ResourceStatus): { live: string; git: string } {
  if (r.diff) return { live: r.diff.liveText, git: r.diff.gitText };
  return { live: yamlOf(r.live), git: yamlOf(r.git?.object) };
}

export function diffTitle(r: ResourceStatus): string {
  const where = r.namespace ? `${r.namespace}/` : '';
  const status = r.status === 'Missing' ? ' (not on the cluster)' : r.status === 'Extra' ? ' (not in Git)' : '';
  return `${r.kind} ${where}${r.name}: live ↔ Git${status}`;
}

export function liveText(r: ResourceStatus): string {
  return yamlOf(r.live);
}
