/** trusted-ca: additional trusted CAs have safe names and PEM certificates (base64-encoded). */
import { getAt } from '../manifest/document';
import { trustedCasPathOf } from '../manifest/model';
import type { Finding } from '../types';
import { formatPath } from '../types';
import { isPlaceholder, type Rule } from '../findings/rule';
import { at } from '../findings/util';
import { isRecord } from '../json';

const NAME = /^[A-Za-z0-9._-]+$/;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

export function isBase64Pem(data: string): boolean {
  if (!BASE64.test(data)) return false;
  const decoded = Buffer.from(data.replace(/\s+/g, ''), 'base64').toString('utf8');
  return /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(decoded);
}

export const trustedCa: Rule = {
  id: 'trusted-ca',
  description: "Trusted CA names use only alphanumerics, '-', '_', '.'; data is base64 of a PEM certificate.",
  check(doc) {
    const path = trustedCasPathOf(doc);
    if (!path) return [];
    const list = getAt(doc.value, path);
    if (!Array.isArray(list)) return [];
    const out: Finding[] = [];
    list.forEach((ca, i) => {
      if (!isRecord(ca)) return;
      if (typeof ca.name === 'string' && !isPlaceholder(ca.name) && !NAME.test(ca.name)) {
        out.push(at(doc, this.id, 'error', [...path, i, 'name'],
          `${formatPath([...path, i, 'name'])} "${ca.name}": a trusted CA name may contain only letters, digits, '-', '_' and '.'.`));
      }
      // On a Cluster the data lives in the companion Secret, not in the manifest.
      if (doc.info.flavor !== 'cluster-tkc' && typeof ca.data === 'string' && !isPlaceholder(ca.data) && !isBase64Pem(ca.data)) {
        out.push(at(doc, this.id, 'error', [...path, i, 'data'],
          `${formatPath([...path, i, 'data'])} must be the base64 encoding of a PEM certificate (-----BEGIN CERTIFICATE----- ...).`));
      }
    });
    return out;
  },
};
