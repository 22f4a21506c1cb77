/**
 * YAML of plain data, fast: the exact text of the yaml library's
 * `stringify(value, { lineWidth: 0, aliasDuplicateObjects: false })` for a map whose every key
 * and string value is one that library writes plain (or the empty string, which it writes `""`),
 * and whose other values are finite numbers, booleans and null. Anything else — a string it would
 * quote or write as a block, a key with odd characters, a Date, a non-finite number — gives
 * undefined, and the caller asks the library. (A diff renders every object of a target this way:
 * the library builds a document of nodes first, several times slower on a cold start.)
 *
 * The test suite holds the two to the same text (test/unit/diff-yaml-fast.test.ts).
 */

/** Characters a value may hold and stay plain (conservative: no quotes, `#`, `,`, brackets, tabs, newlines...). */
const PLAIN_VALUE = /^[A-Za-z0-9_/][A-Za-z0-9_./:@=+ -]*$/;
/** Keys: narrower still (no `:`, no spaces). */
const PLAIN_KEY = /^[A-Za-z0-9_/][A-Za-z0-9_./-]*$/;
/** What the core schema reads as something other than a string: null, booleans, numbers (and, to be safe, anything close to one). */
const NOT_STRING = /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$|^[-+.]?[0-9][0-9._]*(?:[eE][-+]?[0-9]+)?$|^0[oxOX]/;

/** The yaml library's text (see the module header), or undefined when this subset does not cover the value. */
export function fastYaml(value: unknown): string | undefined {
  if (!isPlainMap(value)) return undefined;
  const out: string[] = [];
  const keys = Object.keys(value).filter((k) => value[k] !== undefined);
  if (keys.length === 0) return '{}\n';
  return writeMap(value, keys, '', '', out) ? out.join('') : undefined;
}

function isPlainMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The scalar's text, or undefined when it is not a scalar of the subset (a map or list gives undefined too). */
function scalar(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      if (v === '') return '""';
      if (v.length > 4096 || !PLAIN_VALUE.test(v) || NOT_STRING.test(v)) return undefined;
      if (v.endsWith(' ') || v.endsWith(':') || v.includes(': ')) return undefined;
      return v;
    case 'number':
      if (!Number.isFinite(v)) return undefined;
      return Object.is(v, -0) ? '-0' : JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      return v === null ? 'null' : undefined;
    default:
      return undefined;
  }
}

function plainKey(k: string): boolean {
  return k.length <= 256 && PLAIN_KEY.test(k) && !NOT_STRING.test(k);
}

/** One value after `key:` or `- `: ` scalar`, ` {}`, ` []`, or a block below. False when not covered. */
function writeValue(v: unknown, indent: string, out: string[], inSeq: boolean): boolean {
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push(inSeq ? '[]\n' : ' []\n');
      return true;
    }
    if (inSeq) return writeSeq(v, indent, '', out);
    out.push('\n');
    return writeSeq(v, indent, indent, out);
  }
  if (isPlainMap(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (keys.length === 0) {
      out.push(inSeq ? '{}\n' : ' {}\n');
      return true;
    }
    if (inSeq) return writeMap(v, keys, indent, '', out);
    out.push('\n');
    return writeMap(v, keys, indent, indent, out);
  }
  const s = scalar(v);
  if (s === undefined) return false;
  out.push(inSeq ? `${s}\n` : ` ${s}\n`);
  return true;
}

/** A map's pairs at `indent`; the first line starts with `first` instead (after a `- `, nothing). */
function writeMap(m: Record<string, unknown>, keys: readonly string[], indent: string, first: string, out: string[]): boolean {
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (!plainKey(k)) return false;
    out.push(`${i === 0 ? first : indent}${k}:`);
    if (!writeValue(m[k], `${indent}  `, out, false)) return false;
  }
  return true;
}

/** A list's items at `indent`, each `- item`; the first line starts with `first` instead. */
function writeSeq(list: readonly unknown[], indent: string, first: string, out: string[]): boolean {
  for (let i = 0; i < list.length; i++) {
    out.push(`${i === 0 ? first : indent}- `);
    const item = list[i] === undefined ? null : list[i];
    if (!writeValue(item, `${indent}  `, out, true)) return false;
  }
  return true;
}
