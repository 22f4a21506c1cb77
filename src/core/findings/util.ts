/** Small helpers rules share: make a finding at a path, test shapes, compare names. */
import { rangeOf, rangeOfNearest, type ManifestDocument } from '../manifest/document';
import type { Finding, Fix, Severity, YamlPath } from '../types';

export function at(
  doc: ManifestDocument,
  code: string,
  severity: Severity,
  path: YamlPath,
  message: string,
  opts: { prefer?: 'key' | 'value'; fixes?: Fix[] } = {},
): Finding {
  const range = rangeOf(doc, path, opts.prefer ?? 'value') ?? rangeOfNearest(doc, path);
  return opts.fixes ? { code, severity, message, range, fixes: opts.fixes } : { code, severity, message, range };
}

/** A fix that replaces the scalar value at a path. */
export function replaceValueFix(doc: ManifestDocument, path: YamlPath, newText: string, title: string, preferred = false): Fix | undefined {
  const range = rangeOf(doc, path, 'value');
  if (!range) return undefined;
  // Keep the user's quoting style: "198.51.100.0/12" becomes "198.48.0.0/12", not a bare scalar.
  const first = doc.text.charAt(doc.lines.offset(range.start));
  const text = first === '"' || first === "'" ? `${first}${newText}${first}` : newText;
  return { title, edits: [{ range, newText: text }], preferred };
}

/**
 * A name not in `taken`, made from `base` with a numeric suffix ("workers" -> "workers-2"),
 * kept within `max` characters and a valid DNS-1123 label when the base is one.
 */
export function uniqueName(base: string, taken: ReadonlySet<string>, max = 63): string {
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const stem = base.slice(0, Math.max(1, max - suffix.length)).replace(/-+$/, '');
    const name = `${stem}${suffix}`;
    if (!taken.has(name)) return name;
  }
}

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Levenshtein distance, bounded: returns > max as soon as it is certain. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** The closest known name to a misspelt one ("vmclass" -> "vmClass"), or undefined. */
export function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const exactCase = known.find((k) => k.toLowerCase() === lower);
  if (exactCase) return exactCase;
  const max = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestD = max + 1;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase(), max);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}
