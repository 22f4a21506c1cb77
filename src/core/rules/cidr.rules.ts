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

function walk(doc: Parameters<Rule['check']>[0], listPath: YamlPath, out: Finding[], collect: Parsed[], reportInvalid: boolean) {
  const list = getAt(doc.value, listPath);
  if (!Array.isArray(list)) return;
  list.forEach((item, i) => {
    if (typeof item !== 'string' || isPlaceholder(item)) return;
    const path = [...listPath, i];
    const parsed = parseCidr(item.trim());
    if (typeof parsed === 'string') {
      if (reportInvalid) out.push(at(doc, 'cidr-invalid', 'error', path, `${formatPath(path)}: "${item}" is not a CIDR: ${parsed}.`));
      return;
    }
    collect.push({ path, cidr: parsed, text: item });
  });
}

/**
 * The network a range with host bits set should be: its own network address when that overlaps
 * none of the other ranges (pods for services, services for pods), else undefined: moving the
 * range elsewhere is the user's choice, not a fix.
 */
export function hostBitsFixFor(cidr: Cidr, others: readonly Cidr[]): Cidr | undefined {
  const net = networkOf(cidr);
  return others.some((o) => overlaps(o, net)) ? undefined : net;
}

function hostBits(doc: Parameters<Rule['check']>[0], own: Parsed[], others: Parsed[], otherName: string, out: Finding[]) {
  for (const p of own) {
    if (!hasHostBits(p.cidr)) continue;
    const net = formatCidr(networkOf(p.cidr));
    const target = hostBitsFixFor(p.cidr, others.map((o) => o.cidr));
    const fix = target ? replaceValueFix(doc, p.path, net, `Change to the network address ${net}`, true) : undefined;
    const clash = target ? '' : ` (which overlaps the ${otherName} range ${others.find((o) => overlaps(o.cidr, networkOf(p.cidr)))?.text}: choose another range)`;
    out.push(at(doc, 'cidr-host-bits', 'warning', p.path,
      `${formatPath(p.path)}: "${p.text}" has host bits set; its network address is ${net}${clash}.`, fix ? { fixes: [fix] } : {}));
  }
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
      walk(doc, layout.podCidrs, out, pods, id === 'cidr-invalid');
      walk(doc, layout.serviceCidrs, out, services, id === 'cidr-invalid');
      if (id === 'cidr-host-bits') {
        hostBits(doc, pods, services, 'service', out);
        hostBits(doc, services, pods, 'pod', out);
      }
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
