/**
 * The vocabulary every layer shares: positions, findings and their fixes.
 *
 * Invariant: positions are 0-based (line, character) in UTF-16 code units, as in LSP and VS Code;
 * the command-line tool converts to 1-based on output and nothing else does.
 */

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** One text replacement; an insertion has an empty range, a deletion an empty newText. */
export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The fix a user most likely wants (VS Code's "preferred" quick fix). */
  readonly preferred?: boolean;
}

export interface Finding {
  /** Stable rule id, e.g. `control-plane-replicas`; shown as the diagnostic's code. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly range: Range;
  readonly fixes?: readonly Fix[];
  /** Set on errors of the YAML parser itself, which other YAML tooling may report too. */
  readonly fromParser?: boolean;
}

/** A path into a YAML document: map keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

export function formatPath(path: YamlPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out || '(document)';
}
