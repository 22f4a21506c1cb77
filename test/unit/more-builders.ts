/**
 * Helpers for the rule, quick-fix and golden tests: a valid Cluster, a cluster-variables patch,
 * exact ranges computed from the text, and applying a fix's edits to a text.
 */
import { validateText } from '../../src/core/engine';
import type { Finding, Range, TextEdit } from '../../src/core/types';
import { clusterTkc, lineOf, merge } from './builders';

type Obj = Record<string, unknown>;

/** The pod range clusterTkc() uses (192.168.156.0/20, copied from VMware's examples) has host bits set. */
export const CLUSTER_PODS = '192.168.144.0/20';

/** A Cluster of class tanzukubernetescluster with no finding at all (network-aligned pod range). */
export function validCluster(spec: Obj = {}, meta: Obj = {}): Obj {
  return clusterTkc(merge({ clusterNetwork: { pods: { cidrBlocks: [CLUSTER_PODS] } } }, spec), meta);
}

/** A spec patch setting the Cluster's variables: the required vmClass and storageClass, then `extra`. */
export function withVariables(...extra: Obj[]): Obj {
  return { topology: { variables: [{ name: 'vmClass', value: 'best-effort-small' }, { name: 'storageClass', value: 'vsan-default' }, ...extra] } };
}

/** A spec patch for the TKC network settings. */
export function network(patch: Obj): Obj {
  return { settings: { network: patch } };
}

/** The findings with one code. */
export function findingsWith(text: string, code: string): Finding[] {
  return validateText(text).filter((f) => f.code === code);
}

/** The one finding with this code (fails the test when there are none or several). */
export function one(text: string, code: string): Finding {
  const all = findingsWith(text, code);
  if (all.length !== 1) {
    throw new Error(`expected exactly one ${code} finding, got ${all.length}: ${JSON.stringify(all.map((f) => f.message))}`);
  }
  return all[0];
}

/**
 * The range of `token` on the first line (from line `from`) that contains `lineNeedle`
 * (the token itself when no needle is given): its line and its start and end character.
 */
export function span(text: string, token: string, lineNeedle: string = token, from = 0): Range {
  const line = lineOf(text, lineNeedle, from);
  const character = text.split('\n')[line].indexOf(token);
  if (character === -1) throw new Error(`"${token}" not on line ${line}`);
  return { start: { line, character }, end: { line, character: character + token.length } };
}

/** Offset of a (line, character) position in a text. */
export function offsetAt(text: string, pos: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) throw new Error(`line ${pos.line} is past the end of the text`);
    offset = nl + 1;
  }
  return offset + pos.character;
}

/** Applies edits (all in the coordinates of `text`) from the last to the first by offset. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const resolved = edits
    .map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of resolved) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** A finding as stored in the golden files: 1-based positions, fix titles. */
export interface GoldenFinding {
  readonly code: string;
  readonly severity: string;
  readonly start: string;
  readonly end: string;
  readonly message: string;
  readonly fixes?: readonly string[];
}

export function toGolden(f: Finding): GoldenFinding {
  const pos = (p: { line: number; character: number }) => `${p.line + 1}:${p.character + 1}`;
  const base = { code: f.code, severity: f.severity, start: pos(f.range.start), end: pos(f.range.end), message: f.message };
  return f.fixes && f.fixes.length > 0 ? { ...base, fixes: f.fixes.map((x) => x.title) } : base;
}
