/**
 * Read-only documents for the drift view: the live and Git sides of a diff and the live object,
 * served from memory under the `tanzu-gitops-drift` scheme (never written to disk, never
 * editable). Secret values never reach them: the core masks them before. Each remembers the
 * resource it shows, so Edit in Git finds its file and a newer comparison updates it.
 */
import * as vscode from 'vscode';
import { stringify } from 'yaml';
import { trackingNote } from '../core/diff/unified';
import type { ResourceStatus } from '../core/reconcile/types';

/** What a drift document shows: a side of a target's resource. */
export interface DriftOrigin {
  readonly side: 'live' | 'git' | 'describe';
  readonly target: string;
  readonly resource: ResourceStatus;
}

export const DRIFT_SCHEME = 'tanzu-gitops-drift';

export class DriftDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly origins = new Map<string, DriftOrigin>();
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
    this.origins.set(key, { side, target, resource: r });
    if (this.texts.get(key) !== text) {
      this.texts.set(key, text);
      this.changeEmitter.fire(uri);
    }
    return uri;
  }

  /** The resource a drift document shows (undefined: not one of ours). */
  originOf(uri: vscode.Uri): DriftOrigin | undefined {
    return this.origins.get(uri.toString());
  }

  /**
   * The sides of open diffs, again from a newer comparison (after a save, a checkout, a change on
   * the cluster): an open diff editor updates in place. `find` answers the newer status of a
   * target's resource, undefined when it is gone (its documents are left as they were).
   */
  refreshDiffs(find: (target: string, key: string) => ResourceStatus | undefined): void {
    const open = new Set(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === DRIFT_SCHEME).map((d) => d.uri.toString()));
    for (const [key, o] of this.origins) {
      if (o.side !== 'git' || !open.has(key)) continue;
      const r = find(o.target, o.resource.key);
      if (!r || r === o.resource) continue;
      const { live, git } = sides(r);
      this.put('live', o.target, r, live);
      this.put('git', o.target, r, git);
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.changeEmitter.dispose();
    this.texts.clear();
    this.origins.clear();
  }
}

function yamlOf(obj: unknown): string {
  return obj === undefined ? '' : stringify(obj, { lineWidth: 0 });
}

/**
 * The two sides of a diff, as compared: without tracking metadata, which one comment line on both
 * sides (so it is no hunk) names when a sync would add or change it.
 */
export function sides(r: ResourceStatus): { live: string; git: string } {
  if (r.diff) {
    const note = trackingNote(r.diff.tracking, r.diff.changes.length === 0 && !!r.diff.liveText && !!r.diff.gitText);
    const head = note ? `# ${note}\n` : '';
    return { live: head + r.diff.liveText, git: head + r.diff.gitText };
  }
  const head = r.status === 'Synced' && r.tracked === false ? '# Compared equal apart from tracking metadata, which the next sync adds; below, the objects as stored.\n' : '';
  return { live: head + yamlOf(r.live), git: head + yamlOf(r.git?.object) };
}

export function diffTitle(r: ResourceStatus): string {
  const where = r.namespace ? `${r.namespace}/` : '';
  const trackingOnly = r.status === 'OutOfSync' && !!r.diff?.tracking?.length && r.diff.changes.length === 0;
  const status = r.status === 'Missing' ? ' (not on the cluster)' : r.status === 'Extra' ? ' (not in Git)' : trackingOnly ? ' (tracking only)' : '';
  return `${r.kind} ${where}${r.name}: live ↔ Git${status}`;
}

export function liveText(r: ResourceStatus): string {
  return yamlOf(r.live);
}
