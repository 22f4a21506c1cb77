/**
 * Argo CD's `directory.include` / `directory.exclude` patterns, matched as Argo CD matches them.
 *
 * Argo CD's repo server (reposerver/repository: findManifests) walks the source path and, for each
 * *.yaml/*.yml/*.json file, matches the pattern against the path relative to the source path with
 * its util/glob.Match, which is github.com/gobwas/glob compiled WITHOUT separators. So:
 * - `*` and `**` match any run of characters, `/` included (`*.yaml` also matches `a/b.yaml`;
 *   this differs from shell globs and from Go's filepath.Match);
 * - `?` matches any one character, `/` included;
 * - `[abc]`, `[!abc]`, and a single range `[a-z]`, `[!a-z]` (gobwas takes one range or one list
 *   per bracket, not `[a-zA-Z]`);
 * - `{a,b,c}` alternatives, nested, each one a pattern itself;
 * - `\` escapes the next character; `]`, `}` and `,` are literal where they close nothing;
 * - the whole path must match.
 * A pattern gobwas cannot compile makes Argo CD's Match return false (and log a warning): an
 * invalid include includes nothing, an invalid exclude excludes nothing. `compileGlob` does the
 * same and says why in `error`.
 */

export interface PathGlob {
  readonly pattern: string;
  /** Why the pattern cannot be compiled (it then matches nothing). */
  readonly error?: string;
  matches(relativePath: string): boolean;
}

const cache = new Map<string, PathGlob>();

/** Compiles an Argo CD directory glob (memoised: patterns come from a few Applications). */
export function compileGlob(pattern: string): PathGlob {
  let g = cache.get(pattern);
  if (!g) {
    g = build(pattern);
    if (cache.size > 500) cache.clear();
    cache.set(pattern, g);
  }
  return g;
}

/** Argo CD's `glob.Match(pattern, text)`. */
export function globMatch(pattern: string, relativePath: string): boolean {
  return compileGlob(pattern).matches(relativePath);
}

/**
 * Whether a file passes a directory source's exclude and include (both optional), as Argo CD
 * decides it: excluded when the exclude matches, else included when there is no include or the
 * include matches.
 */
export function passesDirectoryFilters(relativePath: string, include?: string, exclude?: string): boolean {
  if (exclude && globMatch(exclude, relativePath)) return false;
  if (include && !globMatch(include, relativePath)) return false;
  return true;
}

function build(pattern: string): PathGlob {
  let source: string;
  try {
    source = toRegExpSource(pattern);
  } catch (e) {
    return { pattern, error: (e as Error).message, matches: () => false };
  }
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source})$`, 'su');
  } catch (e) {
    return { pattern, error: `invalid pattern: ${(e as Error).message}`, matches: () => false };
  }
  return { pattern, matches: (p) => re.test(p) };
}

/** Escapes a character for use outside a character class (u-mode allows only syntax characters). */
function lit(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/** Escapes a character for use inside a character class. */
function classLit(ch: string): string {
  return /[\\\]^[-]/.test(ch) ? `\\${ch}` : ch;
}

function toRegExpSource(pattern: string): string {
  const chars = Array.from(pattern); // code points, as gobwas reads runes
  let out = '';
  let depth = 0;
  let i = 0;
  while (i < chars.length) {
    const c = chars[i];
    if (c === '\\') {
      // gobwas drops a trailing backslash
      if (i + 1 < chars.length) out += lit(chars[i + 1]);
      i += 2;
      continue;
    }
    if (c === '*') {
      out += '.*';
      i += chars[i + 1] === '*' ? 2 : 1;
      continue;
    }
    if (c === '?') {
      out += '.';
      i++;
      continue;
    }
    if (c === '[') {
      const r = readRange(chars, i + 1);
      out += r.source;
      i = r.next;
      continue;
    }
    if (c === '{') {
      depth++;
      out += '(?:';
      i++;
      continue;
    }
    if (c === ',' && depth > 0) {
      out += '|';
      i++;
      continue;
    }
    if (c === '}' && depth > 0) {
      depth--;
      out += ')';
      i++;
      continue;
    }
    out += lit(c);
    i++;
  }
  if (depth > 0) throw new Error(`unclosed '{' in ${JSON.stringify(pattern)}`);
  return out;
}

/** After '[': `!`? then `lo-hi` or a list of characters (with escapes), then ']'. */
function readRange(chars: string[], start: number): { source: string; next: number } {
  let i = start;
  let not = false;
  if (chars[i] === '!') {
    not = true;
    i++;
  }
  if (i >= chars.length) throw new Error("unclosed '['");
  if (chars[i + 1] === '-' && i + 2 < chars.length) {
    const lo = chars[i];
    const hi = chars[i + 2];
    if (chars[i + 3] !== ']') throw new Error("expected ']' after a character range");
    // an inverted range matches no character (its negation any one), as in gobwas
    if (lo.codePointAt(0)! > hi.codePointAt(0)!) return { source: not ? '.' : '[]', next: i + 4 };
    return { source: `[${not ? '^' : ''}${classLit(lo)}-${classLit(hi)}]`, next: i + 4 };
  }
  let list = '';
  for (;;) {
    if (i >= chars.length) throw new Error("unclosed '['");
    const c = chars[i];
    if (c === ']') break;
    if (c === '\\') {
      if (i + 1 >= chars.length) throw new Error("unclosed '['");
      list += classLit(chars[i + 1]);
      i += 2;
      continue;
    }
    list += classLit(c);
    i++;
  }
  // an empty list matches no character; its negation any one
  const source = list === '' ? (not ? '.' : '[]') : `[${not ? '^' : ''}${list}]`;
  return { source, next: i + 1 };
}
