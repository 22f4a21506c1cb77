/**
 * Secret values never leave this module unmasked: every Secret a comparison shows (both compared
 * sides, and the raw Git and live objects handed to the editor) goes through one SecretMasker.
 *
 * As Argo CD's HideSecretData: `stringData` is folded into `data` (base64) first, as the API server
 * does; then per key, each distinct value gets its own mask (`++++++++`, then `+++++++++`, ...), in
 * the order the objects were given. Equal values on both sides get the same mask, so an unchanged
 * key compares equal and a changed key shows as changed, without the values.
 *
 * Invariant: the masks depend only on which values are equal, never on the values themselves;
 * the `kubectl.kubernetes.io/last-applied-configuration` annotation (which holds the Secret in
 * clear) is masked the same way.
 */
import { clone, setKey, type JsonMap } from './json';
import type { KubeObject } from './types';
import { isRecord } from '../json';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const FIRST_MASK = '++++++++';

export function isSecret(obj: unknown): boolean {
  return isRecord(obj) && obj.apiVersion === 'v1' && obj.kind === 'Secret';
}

/** `data` as the server holds it: `stringData` folded in as base64 (it wins, as on the server), base64 without whitespace. */
export function foldStringData(obj: KubeObject): KubeObject {
  const out = clone(obj);
  const data: JsonMap = isRecord(out.data) ? out.data : {};
  for (const [k, v] of Object.entries(data)) {
    if (typeof v === 'string' && /^[A-Za-z0-9+/=\s]*$/.test(v)) setKey(data, k, v.replace(/\s+/g, ''));
  }
  if (isRecord(out.stringData)) {
    for (const [k, v] of Object.entries(out.stringData)) {
      setKey(data, k, Buffer.from(typeof v === 'string' ? v : JSON.stringify(v) ?? '', 'utf8').toString('base64'));
    }
  }
  if ('stringData' in out) delete out.stringData;
  if (isRecord(out.data) || Object.keys(data).length > 0) out.data = data;
  return out;
}

function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? 'null';
}

/** Masks shared by every object of one comparison. */
export class SecretMasker {
  private readonly masks = new Map<string, Map<string, string>>();

  /** Learns the values of these objects in this order (only Secrets count). */
  constructor(objects: readonly (KubeObject | undefined)[]) {
    for (const o of objects) if (o && isSecret(o)) this.learn(foldStringData(o));
  }

  private learn(folded: KubeObject): void {
    if (isRecord(folded.data)) for (const [k, v] of Object.entries(folded.data)) this.maskOf(k, v);
  }

  private maskOf(key: string, value: unknown): string {
    let perKey = this.masks.get(key);
    if (!perKey) this.masks.set(key, (perKey = new Map()));
    const text = asText(value);
    let mask = perKey.get(text);
    if (mask === undefined) {
      mask = FIRST_MASK + '+'.repeat(perKey.size);
      perKey.set(text, mask);
    }
    return mask;
  }

  /** A copy safe to show: for a Secret, `data` folded and masked, last-applied masked; other objects unchanged. */
  mask<T extends KubeObject | undefined>(obj: T): T {
    if (!obj || !isSecret(obj)) return obj;
    const out = foldStringData(obj);
    const data = out.data;
    if (isRecord(data)) for (const k of Object.keys(data)) setKey(data, k, this.maskOf(k, data[k]));
    const annotations = isRecord(out.metadata) && isRecord(out.metadata.annotations) ? out.metadata.annotations : undefined;
    if (annotations && LAST_APPLIED in annotations) annotations[LAST_APPLIED] = this.maskLastApplied(annotations[LAST_APPLIED]);
    return out as T;
  }

  private maskLastApplied(value: unknown): string {
    try {
      const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : undefined;
      if (isRecord(parsed)) return JSON.stringify(this.mask({ ...parsed, apiVersion: 'v1', kind: 'Secret' }));
    } catch {
      // not JSON: masked whole below
    }
    return FIRST_MASK;
  }
}

/**
 * Removes every value of the given Secrets (as written, and base64-decoded) from a text: the
 * server's messages may quote what they refuse. Objects other than v1 Secrets are passed over.
 * Values shorter than 4 characters are left (they would blank ordinary words; a credential is longer).
 */
export function secretScrubber(objects: readonly KubeObject[]): (text: string) => string {
  const values = new Set<string>();
  for (const object of objects) {
    if (object.kind !== 'Secret' || object.apiVersion !== 'v1') continue;
    for (const field of ['data', 'stringData'] as const) {
      const m = object[field];
      if (!isRecord(m)) continue;
      for (const v of Object.values(m)) {
        const s = typeof v === 'string' ? v : JSON.stringify(v);
        if (!s) continue;
        values.add(s);
        if (field === 'data') {
          const decoded = Buffer.from(s.replace(/\s+/g, ''), 'base64').toString('utf8');
          values.add(decoded);
          for (const line of decoded.split('\n')) values.add(line.trim());
        } else {
          values.add(Buffer.from(s, 'utf8').toString('base64'));
        }
      }
    }
  }
  const list = [...values].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const v of list) if (out.includes(v)) out = out.split(v).join('***');
    return out;
  };
}
