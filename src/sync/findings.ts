/**
 * A failed resource's refusal as findings in its manifest: each 422 cause at the range of its
 * field (core/live/admission.ts), a conflict at the fields other managers own, anything else at
 * the document's kind. Positions are the file's (0-based), ready for diagnostics.
 */
import { shiftFinding } from '../core/engine';
import { refusalFindings } from '../core/live/admission';
import { splitDocuments } from '../core/manifest/split';
import type { Finding } from '../core/types';
import { parseFieldPath } from '../cluster/fieldpath';
import type { ResourceResult } from './types';

/** Findings (code `admission`) for a failed result, given the text of its file; [] when it did not fail or has no source. */
export function resultFindings(result: ResourceResult, fileText: string): Finding[] {
  if (result.outcome !== 'failed' || !result.source) return [];
  const line = result.source.line;
  const chunk = splitDocuments(fileText).find((c) => line >= c.startLine && line < c.startLine + c.text.split('\n').length);
  if (!chunk) return [];
  const causes = result.causes?.length
    ? result.causes.map((c) => ({ path: c.path, field: c.field, message: c.message }))
    : (result.conflicts ?? []).map((c) => ({ path: parseFieldPath(c.field), field: c.field, message: `owned by the field manager "${c.manager}": not forced` }));
  return refusalFindings(chunk.text, result.message, causes).map((f) => shiftFinding(f, chunk.startLine));
}
