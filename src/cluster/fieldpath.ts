/**
 * Field paths in Kubernetes answers, turned into path arrays the engine maps to manifest ranges.
 *
 * Validation causes use the apiserver's field.Path form (`spec.x[0].y`, `metadata.labels[a.b/c]`);
 * server-side apply conflicts use the fieldpath form with a leading dot
 * (`.spec.containers[name="app"].image`). Indexes become numbers, everything else a string.
 * A list selector such as `name="app"` stays a string: it names an item, it is not an index.
 */

export type FieldPath = (string | number)[];

export function parseFieldPath(field: string | undefined): FieldPath {
  if (!field) return [];
  let s = field.trim();
  if (s === '<nil>' || s === '') return [];
  if (s.startsWith('.')) s = s.slice(1);
  const out: FieldPath = [];
  let cur = '';
  let i = 0;
  const flush = () => {
    if (cur !== '') out.push(cur);
    cur = '';
  };
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const end = closingBracket(s, i);
      const inner = s.slice(i + 1, end);
      out.push(/^\d+$/.test(inner) ? Number(inner) : inner);
      i = end + 1;
    } else {
      cur += c;
      i++;
    }
  }
  flush();
  return out;
}

/** The index of the `]` that closes the `[` at `open`, skipping quoted parts. */
function closingBracket(s: string, open: number): number {
  let quote = '';
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ']') {
      return i;
    }
  }
  return s.length;
}

/**
 * Puts back list indexes the server left out. kube-apiserver 1.20 reports CRD schema errors
 * inside lists without the index (`spec.topology.nodePools.name: Required value` for
 * `nodePools[1].name`); with the manifest at hand the item is found: for a required field the
 * first item that lacks it, otherwise the first item that has it. Without a match the path stops
 * at the list, which still points at the right place.
 */
export function alignFieldPath(path: FieldPath, manifest: unknown, reason?: string): FieldPath {
  const out: FieldPath = [];
  let cur: unknown = manifest;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (Array.isArray(cur) && typeof seg === 'string') {
      const rest = path.slice(i);
      const wantMissing = reason === 'FieldValueRequired';
      const idx = cur.findIndex((item) => hasPath(item, rest) !== wantMissing);
      if (idx < 0) return out;
      out.push(idx);
      cur = cur[idx];
    }
    out.push(seg);
    cur = step(cur, seg);
  }
  return out;
}

function step(cur: unknown, seg: string | number): unknown {
  if (Array.isArray(cur)) return typeof seg === 'number' ? cur[seg] : undefined;
  return cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg as string] : undefined;
}

function hasPath(value: unknown, path: FieldPath): boolean {
  if (!path.length) return value !== undefined;
  if (Array.isArray(value) && typeof path[0] === 'string') return value.some((item) => hasPath(item, path));
  const next = step(value, path[0]);
  return next !== undefined && hasPath(next, path.slice(1));
}
