/**
 * "Check Current File on the Supervisor": a server-side dry run of every Tanzu document of the
 * file, the Supervisor's refusals (422 field causes, webhook denials) shown as diagnostics at the
 * fields they name. Nothing is changed on the server. The diagnostics go when the file changes.
 */
import * as vscode from 'vscode';
import { ClusterError, redact, type ConnectionSession } from '../cluster';
import { shiftFinding } from '../core/engine';
import { refusalFindings } from '../core/live/admission';
import { isManifest, parseChunk } from '../core/manifest/document';
import { splitDocuments } from '../core/manifest/split';
import { FIELD_MANAGER } from '../core/sync/types';
import { toDiagnostic } from './convert';

export class DryRunChecker implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('tanzu-gitops-admission');
  private readonly sub = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length > 0) this.collection.delete(e.document.uri);
  });

  async check(session: ConnectionSession, document: vscode.TextDocument, namespace: string, token?: vscode.CancellationToken): Promise<{ accepted: number; refused: number; skipped: number }> {
    const findings = [];
    let accepted = 0;
    let refused = 0;
    let skipped = 0;
    for (const chunk of splitDocuments(document.getText())) {
      if (token?.isCancellationRequested) break;
      const parsed = parseChunk(chunk.text);
      if (!isManifest(parsed) || parsed.problems.length > 0) {
        skipped++;
        continue;
      }
      try {
        await session.client.apply(parsed.value, { fieldManager: FIELD_MANAGER, force: true, dryRun: true, namespace });
        accepted++;
      } catch (err) {
        if (!(err instanceof ClusterError) || (err.kind !== 'invalid' && err.kind !== 'forbidden' && err.kind !== 'conflict')) throw err;
        refused++;
        const causes = err.kind === 'invalid' ? err.causes : [];
        for (const f of refusalFindings(chunk.text, redact(err.message), causes)) findings.push(shiftFinding(f, chunk.startLine));
      }
    }
    this.collection.set(document.uri, findings.map(toDiagnostic));
    return { accepted, refused, skipped };
  }

  dispose(): void {
    this.sub.dispose();
    this.collection.dispose();
  }
}
