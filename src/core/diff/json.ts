/** Small helpers over plain JSON values, shared by the normaliser, the masker and the differ. */
import { isRecord } from '../json';

export type JsonMap = Record<string, unknown>;

export function isScalar(v: unknown): boolean {
  return v === null || v === undefined || typeof v !== 'object';
}

/** Structural equality; map key order does not matter, list order does. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isRecord(a)) {
    if (!isRecord(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/**
 * A deep copy of plain JSON (parsed YAML and API objects hold nothing else). Hand-written: for
 * small objects it is several times faster than structuredClone, and reconcile clones a lot.
 */
export function clone<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(clone) as T;
  const out: JsonMap = {};
  for (const k of Object.keys(v)) setKey(out, k, clone((v as JsonMap)[k]));
  return out as T;
}

/** `obj[key] = value`, also for a key named `__proto__` (an own property, never the prototype). */
export function setKey(obj: JsonMap, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** The map at `obj[key]`, or undefined. */
export function mapAt(obj: unknown, ...path: string[]): JsonMap | undefined {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[p];
  }
  return isRecord(cur) ? cur : undefined;
}
