/** node-pool-name: node pool names are unique DNS-1123 labels (they name VMs and Machines). */
import { getAt } from '../manifest/document';
import { nodePoolsOf } from '../manifest/model';
import type { Finding } from '../types';
import { isPlaceholder, type Rule } from '../findings/rule';
import { formatPath } from '../types';
import { at, DNS1123_LABEL, replaceValueFix, uniqueName } from '../findings/util';

export const nodePoolName: Rule = {
  id: 'node-pool-name',
  description: 'Node pool names are unique DNS-1123 labels.',
  check(doc) {
    const out: Finding[] = [];
    const seen = new Map<string, number>();
    const pools = nodePoolsOf(doc);
    // Every name in the document, so a proposed name clashes with none, not only with earlier ones.
    const taken = new Set(pools.map((p) => (p.namePath ? getAt(doc.value, p.namePath) : undefined)).filter((n): n is string => typeof n === 'string'));
    for (const pool of pools) {
      if (!pool.namePath) continue;
      const name = getAt(doc.value, pool.namePath);
      if (typeof name !== 'string' || isPlaceholder(name)) continue;
      if (!DNS1123_LABEL.test(name) || name.length > 63) {
        out.push(at(doc, this.id, 'error', pool.namePath,
          `${formatPath(pool.namePath)} "${name}" is not a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters.`));
      }
      const first = seen.get(name);
      if (first !== undefined) {
        const unique = uniqueName(name, taken);
        taken.add(unique);
        const fix = replaceValueFix(doc, pool.namePath, unique, `Rename to ${unique}`, true);
        out.push(at(doc, this.id, 'error', pool.namePath, `${formatPath(pool.namePath)}: node pool name "${name}" is used twice (first at item ${first}): names must be unique.`,
          fix ? { fixes: [fix] } : {}));
      } else seen.set(name, Number(pool.path[pool.path.length - 1]));
    }
    return out;
  },
};
