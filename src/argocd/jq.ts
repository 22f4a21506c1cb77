/**
 * ignoreDifferences' `jqPathExpressions`, evaluated by jq itself (jq-wasm, a WebAssembly build of
 * jq). Argo CD deletes what `del(<expression>)` deletes; jq defines `del(f)` as
 * `delpaths([path(f)])`, so the paths `path(<expression>)` yields on each object are what is
 * removed, and core removes them (it stays pure). One jq run per expression for all the objects
 * it applies to: an expression that fails on an object removes nothing from it, as Argo CD logs
 * and skips a failing normalizer. The WebAssembly is inlined in jq-wasm's build/jq.js; the
 * bundles load it from dist/jq.js, a bundle of its own (scripts/lib/cli-build.ts), on first use.
 */
import { ignoresFor } from '../core/diff/ignore';
import type { IgnoreDifference, JqPath, KubeObject, ObjectRef } from '../core/diff/types';

export interface JqInput {
  readonly object: KubeObject;
  readonly ref: ObjectRef;
}

export interface JqResult {
  /** The paths each object's expressions select (objects without any are left out). */
  readonly paths: Map<KubeObject, JqPath[]>;
  /** Expressions jq could not compile, once each, with jq's message. */
  readonly warnings: string[];
}

/** The paths the jqPathExpressions of `ignores` select on each object they apply to. */
export async function jqPaths(objects: readonly JqInput[], ignores: readonly IgnoreDifference[]): Promise<JqResult> {
  const paths = new Map<KubeObject, JqPath[]>();
  const warnings: string[] = [];
  const byExpression = new Map<string, KubeObject[]>();
  for (const o of objects) {
    for (const e of ignoresFor(o.ref, ignores)) {
      for (const expr of e.jqPathExpressions ?? []) {
        const list = byExpression.get(expr) ?? [];
        if (!list.includes(o.object)) list.push(o.object);
        byExpression.set(expr, list);
      }
    }
  }
  if (byExpression.size === 0) return { paths, warnings };
  // loaded on first use: the module holds jq's WebAssembly (1.3 MB), which most comparisons never need
  const { json: jq } = require('jq-wasm') as typeof import('jq-wasm');
  for (const [expr, list] of byExpression) {
    let out: unknown;
    // jq's WebAssembly main sets process.exitCode when jq fails: the exit code is not jq's to set
    const exitCode = process.exitCode;
    try {
      // one output (the array of each object's paths): jq-wasm gives it as is
      out = await jq(list, `[.[] | (try [path(${expr})] catch null)]`, ['-c']);
    } catch (e) {
      const message = (e as Error).message.replace(/^Failed to execute JSON query: /, '').split('\n')[0];
      warnings.push(`ignoreDifferences: jqPathExpression "${expr}" is not applied: ${message}`);
      continue;
    } finally {
      process.exitCode = exitCode;
    }
    if (!Array.isArray(out)) continue;
    list.forEach((obj, i) => {
      const found = out[i];
      if (!Array.isArray(found) || found.length === 0) return;
      const mine = paths.get(obj) ?? [];
      for (const p of found) if (Array.isArray(p)) mine.push(p.filter((k): k is string | number => typeof k === 'string' || typeof k === 'number'));
      paths.set(obj, mine);
    });
  }
  return { paths, warnings };
}
