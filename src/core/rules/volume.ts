/** volume: node volumes have a quantity capacity, an absolute mount path and a unique name. */
import { getAt } from '../manifest/document';
import { volumeListsOf } from '../manifest/model';
import type { Finding } from '../types';
import { formatPath } from '../types';
import { isPlaceholder, type Rule } from '../findings/rule';
import { at } from '../findings/util';
import { isRecord } from '../json';

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
      list.forEach((vol, i) => {
        if (!isRecord(vol)) return;
        const path = [...listPath, i];
        if (isRecord(vol.capacity)) {
          for (const [k, q] of Object.entries(vol.capacity)) {
            if (isPlaceholder(q)) continue;
            if (!(typeof q === 'number' && q >= 0) && !(typeof q === 'string' && QUANTITY.test(q))) {
              out.push(at(doc, this.id, 'error', [...path, 'capacity', k],
                `${formatPath([...path, 'capacity', k])} ${JSON.stringify(q)} is not a quantity (e.g. 20Gi, 512Mi, 1Ti).`));
            }
          }
        }
        if (typeof vol.mountPath === 'string' && !isPlaceholder(vol.mountPath) && !vol.mountPath.startsWith('/')) {
          out.push(at(doc, this.id, 'error', [...path, 'mountPath'], `${formatPath([...path, 'mountPath'])} "${vol.mountPath}" must be an absolute path (start with /).`));
        }
        if (typeof vol.name === 'string') {
          if (names.has(vol.name)) {
            out.push(at(doc, this.id, 'error', [...path, 'name'], `${formatPath([...path, 'name'])}: volume name "${vol.name}" is used twice in ${formatPath(listPath)}.`));
          }
          names.add(vol.name);
        }
      });
    }
    return out;
  },
};
