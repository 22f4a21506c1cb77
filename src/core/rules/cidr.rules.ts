/**
 * cidr-invalid, cidr-host-bits, cidr-overlap: the pod and service ranges of a cluster.
 * One module for three ids because they share one walk over the same lists.
 */
import { getAt } from '../manifest/document';
import { layoutOf } from '../manifest/model';
import type { Finding, YamlPath } from '../types';
import { formatPath } from '../types';
import { formatCidr, hasHostBits, networkOf, overlaps, parseCidr, type Cidr } from './cidr';
import { isPlaceholder, type Rule } from '../findings/rule';
import { at, replaceValueFix } from '../findings/util';

interface Parsed { path: YamlPath; cidr: Cidr; text: string }

function walk(doc: Parameters<Rule['check']>[0], listPath: YamlPath, out: Finding[], collect: Parsed[], report: { invalid: boolean; hostBits: boolean }) {
  const list = getAt(doc.value, listPath);
  if (!Array.isArray(list)) return;
  list.forEach((item, i) => {
    if (typeof item !== 'string' || isPlaceholder(item)) return;
    const path = [...listPath, i];
    const parsed = parseCidr(item.trim());
    if (typeof parsed === 'string') {
      if (report.invalid) out.push(at(doc, 'cidr-invalid', 'error', path, `${formatPath(path)}: "${item}" is not a CIDR: ${parsed}.`));
      return;
    }
    collect.push({ path, cidr: parsed, text: item });
    if (report.hostBits && hasHostBits(parsed)) {
      const net = formatCidr(networkOf(parsed));
      const fix = replaceValueFix(doc, path, net, `Change to the network address ${net}`, true);
      out.push(at(doc, 'cidr-host-bits', 'warning', path,
        `${formatPath(path)}: "${item}" has host bits set; its network address is ${net}.`, fix ? { fixes: [fix] } : {}));
    }
  });
}

function rule(id: 'cidr-invalid' | 'cidr-host-bits' | 'cidr-overlap', description: string): Rule {
  return {
    id,
    description,
    check(doc) {
      const layout = layoutOf(doc.info.flavor);
      if (!layout) return [];
      const out: Finding[] = [];
      const pods: Parsed[] = [];
      const services: Parsed[] = [];
      const report = { invalid: id === 'cidr-invalid', hostBits: id === 'cidr-host-bits' };
      walk(doc, layout.podCidrs, out, pods, report);
      walk(doc, layout.serviceCidrs, out, services, report);
      if (id === 'cidr-overlap') {
        for (const s of services) {
          const p = pods.find((x) => overlaps(x.cidr, s.cidr));
          if (p) out.push(at(doc, id, 'error', s.path, `Service range ${s.text} overlaps pod range ${p.text} (${formatPath(p.path)}): they must be disjoint.`));
        }
      }
      return out;
    },
  };
}

export const cidrInvalid = rule('cidr-invalid', 'Pod and service CIDRs must parse (address/prefix, IPv4 or IPv6).');
export const cidrHostBits = rule('cidr-host-bits', 'A CIDR should be its network address (no host bits); quick fix to it.');
export const cidrOverlap = rule('cidr-overlap', 'Pod and service ranges must not overlap.');
