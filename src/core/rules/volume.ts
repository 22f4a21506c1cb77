/** volume: node volumes have a quantity capacity, an absolute mount path and a unique name. */
import { getAt } from '../manifest/document';
import { volumeListsOf } from '../manifest/model';
import type { Finding } from '../types';
import { formatPath } from '../types';
import { isPlaceholder, type Rule } from '../findings/rule';
import { at, replaceValueFix, uniqueName } from '../findings/util';
import { isRecord } from '../json';

/**
 * The quantity a user most likely meant by a size written the way disks are sold ("200GB",
 * "20 gb", "512MiB", "1TB"): binary units, as volume capacities are given ("200Gi"). Undefined
 * when the text is not such a size.
 */
export function suggestQuantity(text: string): string | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtTpPeE])(i)?[bB]?\s*$/.exec(text);
  if (!m) return undefined;
  const unit = m[2].toLowerCase() === 'k' ? 'Ki' : `${m[2].toUpperCase()}i`;
  const out = `${m[1]}${unit}`;
  return out !== text && QUANTITY.test(out) ? out : undefined;
}

/** A Kubernetes resource quantity: 20Gi, 500M, 1.5T, 1e3, 100m. */
export const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

export const volume: Rule = {
  id: 'volume',
  description: 'Volume capacity is a quantity (e.g. 20Gi), mountPath is absolute, names are unique.',
  check(doc) {
    const out: Finding[] = [];
    for (const listPath of volumeListsOf(doc)) {
      const list = getAt(doc.value, listPath);
      if (!Array.isArray(list)) continue;
      const names = new Set<string>();
      const allNames = new Set(list.map((v) => (isRecord(v) && typeof v.name === 'string' ? v.name : '')).filter(Boolean));
      list.forEach((vol, i) => {
        if (!isRecord(vol)) return;
        const path = [...listPath, i];
        if (isRecord(vol.capacity)) {
          for (const [k, q] of Object.entries(vol.capacity)) {
            if (isPlaceholder(q)) continue;
            if (!(typeof q === 'number' && q >= 0) && !(typeof q === 'string' && QUANTITY.test(q))) {
              const meant = typeof q === 'string' ? suggestQuantity(q) : undefined;
              const fix = meant ? replaceValueFix(doc, [...path, 'capacity', k], meant, `Change to ${meant}`, true) : undefined;
              out.push(at(doc, this.id, 'error', [...path, 'capacity', k],
                `${formatPath([...path, 'capacity', k])} ${JSON.stringify(q)} is not a quantity (e.g. 20Gi, 512Mi, 1Ti).`, fix ? { fixes: [fix] } : {}));
            }
          }
        }
        if (typeof vol.mountPath === 'string' && !isPlaceholder(vol.mountPath) && !vol.mountPath.startsWith('/')) {
          const fix = replaceValueFix(doc, [...path, 'mountPath'], `/${vol.mountPath}`, `Change to /${vol.mountPath}`, true);
          out.push(at(doc, this.id, 'error', [...path, 'mountPath'], `${formatPath([...path, 'mountPath'])} "${vol.mountPath}" must be an absolute path (start with /).`,
            fix ? { fixes: [fix] } : {}));
        }
        if (typeof vol.name === 'string') {
          if (names.has(vol.name)) {
            const name = uniqueName(vol.name, allNames);
            allNames.add(name);
            const fix = replaceValueFix(doc, [...path, 'name'], name, `Rename to ${name}`, true);
            out.push(at(doc, this.id, 'error', [...path, 'name'], `${formatPath([...path, 'name'])}: volume name "${vol.name}" is used twice in ${formatPath(listPath)}.`,
              fix ? { fixes: [fix] } : {}));
          }
          names.add(vol.name);
        }
      });
    }
    return out;
  },
};
