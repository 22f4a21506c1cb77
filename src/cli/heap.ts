/**
 * A full garbage collection between documents once their garbage passes a budget: what keeps
 * `validate` of a 2 MB file of any shape well under 200 MB.
 *
 * Why: V8 lets its heap grow to about four times what is live before a full collection, and a
 * document near the entry limit leaves 5 to 15 MB of garbage that outlived the young generation
 * (the general YAML parser allocates about 70 MB for one of 10,000 flow-map entries). One such
 * document after another, a 2 MB file reached 190 to 230 MB before V8 collected. Collecting once
 * the heap has grown by GARBAGE_BUDGET since the last low point keeps the peak near what one
 * document needs. A forced collection also drops compiled code, so it is asked for only past the
 * budget: a few times for a 10 MB file of small documents, once a document or two near the limit.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes of old-generation growth allowed between documents before a full collection is asked for. */
export const GARBAGE_BUDGET = 16 * 1024 * 1024;

/**
 * Bytes used in the old generation: what only a full collection frees (the young generation is
 * emptied by V8's frequent scavenges, and its 16 MB would trip the budget for nothing).
 */
export function oldGeneration(): number {
  let used = 0;
  for (const s of getHeapSpaceStatistics()) if (!s.space_name.startsWith('new_')) used += s.space_used_size;
  return used;
}

let collector: (() => void) | null | undefined;

/** V8's full collection (`--expose-gc` turned on for a context of its own); null when this runtime refuses it. */
function fullCollection(): (() => void) | null {
  if (collector === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      collector = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      collector = null;
    }
  }
  return collector;
}

export interface GarbageBudget {
  /** After a document: collects when the heap grew past the budget; says whether it did. */
  check(): boolean;
  /** Full collections asked for so far. */
  readonly collections: number;
}

export function garbageBudget(budget = GARBAGE_BUDGET): GarbageBudget {
  let low = oldGeneration();
  let collections = 0;
  return {
    check() {
      const used = oldGeneration();
      if (used < low) low = used;
      if (used - low <= budget) return false;
      const gc = fullCollection();
      if (!gc) return false;
      gc();
      collections++;
      low = oldGeneration();
      return true;
    },
    get collections() {
      return collections;
    },
  };
}
