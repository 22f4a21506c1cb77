/**
 * What a person reads: both sides as YAML in a stable, readable order, a unified diff (live as
 * "a", Git as "b", as kubectl diff), and one line describing the change ("replicas 3 → 1; 2 more").
 *
 * Order: apiVersion, kind, metadata (name, namespace, labels, annotations first), spec, then the
 * rest; within every map, keys in the Git object's order where it has them, then the object's own.
 * Both sides are ordered after the same reference, so a line diff lines up.
 */
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import { changesBetween } from './changes';
import { isScalar, setKey } from './json';
import { fastYaml } from './yaml-fast';
import type { Change, KubeObject, ResourceDiff } from './types';
import { isRecord } from '../json';

const TOP = ['apiVersion', 'kind', 'metadata', 'spec'];
const META = ['name', 'generateName', 'namespace', 'labels', 'annotations'];

function orderedKeys(own: readonly string[], ref: unknown, first: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (k: string) => {
    if (!seen.has(k) && own.includes(k)) {
      seen.add(k);
      out.push(k);
    }
  };
  first.forEach(add);
  if (isRecord(ref)) Object.keys(ref).forEach(add);
  own.forEach(add);
  return out;
}

/** `value` with its keys in `ref`'s order (see the module header); lists follow items of the same name, else index. */
export function orderLike(value: unknown, ref: unknown, first: readonly string[] = [], depth = 0): unknown {
  if (Array.isArray(value)) {
    const refList = Array.isArray(ref) ? ref : [];
    return value.map((item, i) => {
      const byName = isRecord(item) && typeof item.name === 'string' ? refList.find((r) => isRecord(r) && r.name === item.name) : undefined;
      return orderLike(item, byName ?? refList[i], [], depth + 1);
    });
  }
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of orderedKeys(Object.keys(value), ref, first)) {
    const r = isRecord(ref) && Object.prototype.hasOwnProperty.call(ref, k) ? ref[k] : undefined;
    setKey(out, k, orderLike(value[k], r, depth === 0 && k === 'metadata' ? META : [], depth + 1));
  }
  return out;
}

/** YAML of an object in the readable order ('' for none). */
export function toYaml(obj: KubeObject | undefined, orderRef?: unknown): string {
  if (!obj) return '';
  const ordered = orderLike(obj, orderRef ?? obj, TOP);
  // the same text as the library's for plain data (most objects), without its document model
  return fastYaml(ordered) ?? stringify(ordered, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** A unified diff with file headers `live/<name>` and `git/<name>`; '' when the texts are equal. */
export function unifiedDiff(name: string, liveText: string, gitText: string, contextLines = 3): string {
  if (liveText === gitText) return '';
  // one side absent (a create, a delete): every line added or removed, as the library writes it
  if (liveText === '' && wholeLines(gitText)) return oneSided(name, gitText, '+');
  if (gitText === '' && wholeLines(liveText)) return oneSided(name, liveText, '-');
  return createTwoFilesPatch(`live/${name}`, `git/${name}`, liveText, gitText, undefined, undefined, {
    context: contextLines,
    headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true },
  });
}

/** Text of whole lines (ending with a newline, no carriage return). */
function wholeLines(text: string): boolean {
  return text.endsWith('\n') && !text.includes('\r');
}

/** The library's patch of an empty side against `text` (whole lines): one hunk of every line. */
function oneSided(name: string, text: string, sign: '+' | '-'): string {
  const lines = text.slice(0, -1).split('\n');
  const hunk = sign === '+' ? `@@ -0,0 +1,${lines.length} @@` : `@@ -1,${lines.length} +0,0 @@`;
  return `--- live/${name}\n+++ git/${name}\n${hunk}\n${sign}${lines.join(`\n${sign}`)}\n`;
}

/** Texts, unified diff and changes of two normalised sides. */
export function renderDiff(name: string, live: KubeObject | undefined, git: KubeObject | undefined, options: { orderRef?: unknown; contextLines?: number; changes?: readonly Change[] } = {}): ResourceDiff {
  const ref = options.orderRef ?? git ?? live;
  const liveText = toYaml(live, ref);
  const gitText = toYaml(git, ref);
  const changes = options.changes ?? (live && git ? changesBetween(live, git) : []);
  return {
    gitText,
    liveText,
    unified: unifiedDiff(name, liveText, gitText, options.contextLines),
    changedPaths: changes.map((c) => c.path),
    changes,
  };
}

// ---- one line -------------------------------------------------------------------------------------

/** What describeChange reads; a ResourceStatus is one. */
export interface Describable {
  readonly status: string;
  readonly reason?: string;
  readonly diff?: { readonly changes?: readonly Change[]; readonly changedPaths: readonly string[]; readonly tracking?: readonly Change[] };
}

const MASK = /^\+{8,}$/;

/** A path's last parts: `controlPlane.replicas`, `nodePools[workers].replicas`, `nodePools[workers].labels.team`, `labels.team`. */
export function shortPath(path: string): string {
  const units: string[] = [];
  const re = /\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[name=([^\]]*)\]|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const m of path.matchAll(re)) {
    if (m[1] !== undefined) units.push(m[1]);
    else if (m[2] !== undefined || m[3] !== undefined) {
      const item = `[${m[2] ?? m[3]}]`;
      if (units.length) units[units.length - 1] += item;
      else units.push(item);
    } else units.push(JSON.parse(m[4]) as string);
  }
  // From the nearest list item among the last three parts (`nodePools[workers].labels.team`), else the last two.
  const tail = units.slice(-3);
  const item = tail.findIndex((u) => u.includes('['));
  return (item >= 0 ? tail.slice(item) : units.slice(-2)).join('.') || path;
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string') {
    if (MASK.test(v)) return '(hidden)';
    if (v === '' || /^\s|\s$|\n/.test(v)) return JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v);
    return v.length > 40 ? `${v.slice(0, 39)}…` : v;
  }
  if (Array.isArray(v)) {
    const s = `[${v.map((x) => (isScalar(x) ? String(x) : '…')).join(', ')}]`;
    return s.length > 40 ? `${s.slice(0, 38)}…]` : s;
  }
  return String(v);
}

export function describeOne(c: Change): string {
  const label = shortPath(c.path);
  switch (c.kind) {
    case 'reordered':
      return `${label} order differs`;
    case 'added':
      return c.git === undefined ? `${label} only in Git` : `${label} ${show(undefined)} → ${show(c.git)}`;
    case 'removed':
      return c.live === undefined ? `${label} only live` : `${label} ${show(c.live)} → ${show(undefined)}`;
    default:
      if (typeof c.live === 'string' && typeof c.git === 'string' && MASK.test(c.live) && MASK.test(c.git)) return `${label} changed (values hidden)`;
      if (c.live === undefined && c.git === undefined) return `${label} changed`;
      return `${label} ${show(c.live)} → ${show(c.git)}`;
  }
}

/** One line for a resource's status: what differs, or why it is not compared. */
export function describeChange(s: Describable): string {
  switch (s.status) {
    case 'Synced':
      return 'in sync';
    case 'Missing':
      return s.reason ? `not on the cluster; ${s.reason}` : 'not on the cluster';
    case 'Extra':
      return 'not in Git: a prune would delete it';
    case 'OutOfSync': {
      const changes = s.diff?.changes ?? s.diff?.changedPaths.map((path): Change => ({ path, kind: 'changed' })) ?? [];
      if (changes.length === 0) return s.reason ?? (s.diff?.tracking?.length ? `tracking only: ${trackingKeys(s.diff.tracking).join(', ')}` : 'out of sync');
      const more = changes.length > 1 ? `; ${changes.length - 1} more` : '';
      return `${describeOne(changes[0])}${more}`;
    }
    default:
      return s.reason ?? s.status;
  }
}

// ---- tracking -------------------------------------------------------------------------------------

/** `label tanzu-gitops.io/target`, `annotation argocd.argoproj.io/tracking-id`: the keys, never their values (a value may hold a local path). */
export function trackingKeys(tracking: readonly Change[]): string[] {
  return tracking.map((c) => {
    const m = /^metadata\.(labels|annotations)(?:\.([A-Za-z_$][A-Za-z0-9_$-]*)|\[("(?:[^"\\]|\\.)*")\])$/.exec(c.path);
    if (!m) return shortPath(c.path);
    return `${m[1] === 'labels' ? 'label' : 'annotation'} ${m[2] ?? (JSON.parse(m[3]) as string)}`;
  });
}

/**
 * One line on what a diff leaves out: the tracking a sync would add or change. `onlyTracking`:
 * the sides differ in nothing else. '' when there is none.
 */
export function trackingNote(tracking: readonly Change[] | undefined, onlyTracking: boolean): string {
  if (!tracking?.length) return '';
  const list = (cs: readonly Change[]) => trackingKeys(cs).join(', ');
  const added = tracking.filter((c) => c.kind === 'added');
  const changed = tracking.filter((c) => c.kind !== 'added');
  const what = [added.length ? `adds ${list(added)}` : '', changed.length ? `changes ${list(changed)}` : ''].filter(Boolean).join(' and ');
  return onlyTracking
    ? `Live differs from Git only in tracking metadata: a sync ${what}.`
    : `Tracking metadata is left out of both sides: a sync also ${what}.`;
}
