/** VM class sizes for people: "2 CPU, 8Gi", and the available classes closest to one asked for. */
import { editDistance } from '../findings/util';
import type { VmClassSize } from './facts';

const UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12, '': 1 };

/** Bytes of a memory quantity (8Gi, 8192Mi, 8G); undefined when it is not one. */
export function quantityBytes(q: string | undefined): number | undefined {
  const m = q ? /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q.trim()) : null;
  return m ? Number(m[1]) * UNITS[m[2] ?? ''] : undefined;
}

/** "2 CPU, 8Gi"; empty when nothing is known. */
export function sizeLabel(size: VmClassSize | undefined): string {
  if (!size) return '';
  return [size.cpus !== undefined ? `${size.cpus} CPU` : undefined, size.memory].filter(Boolean).join(', ');
}

/** How far two sizes are apart: CPUs and memory (in GiB) on one scale. */
function sizeDistance(a: VmClassSize, b: VmClassSize): number | undefined {
  const am = quantityBytes(a.memory), bm = quantityBytes(b.memory);
  if (a.cpus === undefined && am === undefined) return undefined;
  const cpu = a.cpus !== undefined && b.cpus !== undefined ? Math.abs(a.cpus - b.cpus) : 0;
  const mem = am !== undefined && bm !== undefined ? Math.abs(am - bm) / 2 ** 30 : 0;
  return cpu + mem / 4;
}

/**
 * The available classes closest to `wanted`, at most `n`: by size when the wanted class's size is
 * known (it exists, but is not bound here), else by name. Ties keep name order.
 */
export function closestVmClasses(wanted: string, available: readonly string[], sizes: ReadonlyMap<string, VmClassSize> | undefined, n = 3): string[] {
  const target = sizes?.get(wanted);
  const nameScore = (c: string) => editDistance(wanted.toLowerCase(), c.toLowerCase(), 64);
  const scored = [...available].sort().map((c) => {
    const s = target && sizes?.get(c) ? sizeDistance(target, sizes.get(c)!) : undefined;
    return { c, size: s ?? Number.POSITIVE_INFINITY, name: nameScore(c) };
  });
  scored.sort((a, b) => a.size - b.size || a.name - b.name);
  return scored.slice(0, n).map((s) => s.c);
}
