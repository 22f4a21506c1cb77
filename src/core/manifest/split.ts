/**
 * Splits a multi-document YAML text into document chunks at `---` / `...` lines.
 *
 * Why line-based: a document marker at the start of a line always ends a document in YAML 1.2
 * (even inside a block scalar), so splitting on lines is exact and lets each document be parsed,
 * cached and validated on its own: an edit re-parses only the chunk it touched.
 */

export interface Chunk {
  /** Index of the document in the file, counting only non-empty chunks. */
  readonly index: number;
  /** 0-based line of the chunk's first line in the file. */
  readonly startLine: number;
  /** UTF-16 offset of the chunk's first character in the file. */
  readonly startOffset: number;
  readonly text: string;
}

/** '---' or '...' at `offset`, followed by a blank, a line end or the end of the text. */
function markerAt(text: string, offset: number): '---' | '...' | undefined {
  const c = text.charCodeAt(offset);
  if (c !== 45 && c !== 46) return undefined;
  if (text.charCodeAt(offset + 1) !== c || text.charCodeAt(offset + 2) !== c) return undefined;
  const next = text.charCodeAt(offset + 3);
  if (!(Number.isNaN(next) || next === 32 || next === 9 || next === 10 || next === 13)) return undefined;
  return c === 45 ? '---' : '...';
}


export function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let chunkStart = 0;
  let chunkLine = 0;
  let line = 0;
  let offset = 0;
  const push = (endOffset: number) => {
    const body = text.slice(chunkStart, endOffset);
    if (hasContent(body)) chunks.push({ index: chunks.length, startLine: chunkLine, startOffset: chunkStart, text: body });
  };
  while (offset <= text.length) {
    const nl = text.indexOf('\n', offset);
    const lineEnd = nl === -1 ? text.length : nl;
    const m = lineEnd - offset >= 3 ? markerAt(text, offset) : undefined;
    if (m && offset > chunkStart) {
      push(offset);
      chunkStart = offset;
      chunkLine = line;
    }
    if (m === '...') {
      // A document-end marker closes the chunk; what follows starts a new one on the next line.
      const next = nl === -1 ? text.length : nl + 1;
      push(next);
      chunkStart = next;
      chunkLine = line + 1;
    }
    if (nl === -1) break;
    offset = nl + 1;
    line++;
  }
  if (chunkStart < text.length) push(text.length);
  return chunks;
}

/** True when the text holds something other than blank lines, comments and document markers. */
function hasContent(body: string): boolean {
  for (const line of body.matchAll(/^.*$/gm)) {
    const l = line[0].trim();
    if (l === '' || l.startsWith('#') || l === '---' || l === '...') continue;
    return true;
  }
  return false;
}
