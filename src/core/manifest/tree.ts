/**
 * A small positional tree of a YAML document: maps, sequences and scalars with their offsets.
 * Rules and fixes look things up in it by path. Either the fast parser builds it directly, or it
 * is converted from the `yaml` library's document (for everything the fast parser declines).
 *
 * Invariant: ranges are [start, end) offsets in the chunk's text; a scalar's range covers its
 * source (quotes included), a collection's range runs from its first to its last character.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';

export interface YScalar {
  readonly kind: 'scalar';
  readonly value: unknown;
  readonly range: readonly [number, number];
}

export interface YPair {
  readonly key: YScalar;
  /** null for an empty value (`key:` with nothing after it). */
  readonly value: YNode | null;
}

export interface YMap {
  readonly kind: 'map';
  readonly pairs: readonly YPair[];
  readonly flow: boolean;
  readonly range: readonly [number, number];
}

export interface YSeq {
  readonly kind: 'seq';
  readonly items: readonly (YNode | null)[];
  readonly flow: boolean;
  readonly range: readonly [number, number];
}

export type YNode = YScalar | YMap | YSeq;

/** Converts the `yaml` library's node to the tree (aliases become empty scalars: they have no place of their own). */
export function fromYaml(node: unknown): YNode | null {
  if (node === null || node === undefined) return null;
  const n = node as Node;
  const range: readonly [number, number] = n.range ? [n.range[0], n.range[1]] : [0, 0];
  if (isScalar(n)) {
    if (n.value === null && range[1] === range[0]) return null;
    return { kind: 'scalar', value: n.value, range };
  }
  if (isAlias(n)) return { kind: 'scalar', value: undefined, range };
  if (isMap(n)) {
    const pairs: YPair[] = [];
    for (const p of n.items) {
      if (!isPair(p)) continue;
      const k = p.key as Node | null;
      const keyRange: readonly [number, number] = k?.range ? [k.range[0], k.range[1]] : range;
      const keyValue = isScalar(k) ? (k.value === null ? '' : String(k.value)) : undefined;
      if (keyValue === undefined) continue;
      pairs.push({ key: { kind: 'scalar', value: keyValue, range: keyRange }, value: fromYaml(p.value) });
    }
    return { kind: 'map', pairs, flow: !!n.flow, range };
  }
  if (isSeq(n)) return { kind: 'seq', items: n.items.map((i) => fromYaml(i)), flow: !!n.flow, range };
  return null;
}
