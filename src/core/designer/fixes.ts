/**
 * The quick fixes the designer's editor offers at a range: those of the findings the host computed
 * for exactly the text on show (a fix's edits are positions in that text, so for any other text
 * there are none), and whose range meets the asked one.
 */
import type { Fix, Range } from '../types';

export interface FindingWithFixes {
  readonly code: string;
  readonly message: string;
  readonly range: Range;
  readonly fixes?: readonly Fix[];
}

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Whether two ranges overlap or touch (a cursor at a finding's edge is on it). */
export function rangesMeet(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** The findings with fixes whose range meets `range`, when `text` is the text they were computed for. */
export function fixesAt<F extends FindingWithFixes>(findings: readonly F[], findingsText: string, text: string, range: Range): F[] {
  if (text !== findingsText) return [];
  return findings.filter((f) => (f.fixes?.length ?? 0) > 0 && rangesMeet(f.range, range));
}
