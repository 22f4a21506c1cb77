/**
 * A refusal from the Supervisor (422 Invalid, or an admission webhook's denial) as findings: each
 * field cause at the range of its field in the document, so the editor underlines what the
 * server refused, where the user wrote it.
 */
import { parseChunk, rangeOf, rangeOfNearest } from '../manifest/document';
import type { Finding, YamlPath } from '../types';

export interface RefusalCause {
  /** The field as a path, e.g. ['spec', 'topology', 'controlPlane', 'replicas']; empty when unknown. */
  readonly path: YamlPath;
  readonly field?: string;
  readonly message: string;
}

/** Findings (chunk-local positions) for a refusal of the document in `chunkText`. */
export function refusalFindings(chunkText: string, message: string, causes: readonly RefusalCause[]): Finding[] {
  const doc = parseChunk(chunkText);
  const whole = rangeOf(doc, ['kind'], 'value') ?? doc.lines.range(0, 0);
  if (causes.length === 0) return [{ code: 'admission', severity: 'error', message: `The Supervisor refused this document: ${message}`, range: whole }];
  return causes.map((c) => ({
    code: 'admission',
    severity: 'error' as const,
    message: `The Supervisor refused ${c.field || (c.path.length ? c.path.join('.') : 'this document')}: ${c.message}`,
    range: c.path.length ? rangeOf(doc, c.path, 'value') ?? rangeOfNearest(doc, c.path) : whole,
  }));
}
