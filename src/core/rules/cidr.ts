/** CIDR parsing for IPv4 and IPv6, exact (BigInt), with network address and overlap tests. */

export interface Cidr {
  readonly family: 4 | 6;
  readonly address: bigint;
  readonly prefix: number;
}

export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  if (slash === -1) return 'no prefix length (expected address/prefix, e.g. 192.168.0.0/16)';
  const addr = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return `prefix length "${prefixText}" is not a number`;
  const prefix = Number(prefixText);
  if (addr.includes(':')) {
    const a = parseIPv6(addr);
    if (a === undefined) return `"${addr}" is not an IPv6 address`;
    if (prefix > 128) return `prefix length ${prefix} is over 128`;
    return { family: 6, address: a, prefix };
  }
  const a = parseIPv4(addr);
  if (a === undefined) return `"${addr}" is not an IPv4 address`;
  if (prefix > 32) return `prefix length ${prefix} is over 32`;
  return { family: 4, address: a, prefix };
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p.startsWith('0'))) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseIPv6(s: string): bigint | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string) => (h === '' ? [] : h.split(':'));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const groups = [...head, ...tail];
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const missing = 8 - groups.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  return all.reduce((v, g) => (v << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function bits(c: Cidr): number {
  return c.family === 4 ? 32 : 128;
}

export function networkOf(c: Cidr): Cidr {
  const hostBits = BigInt(bits(c) - c.prefix);
  return { ...c, address: (c.address >> hostBits) << hostBits };
}

export function hasHostBits(c: Cidr): boolean {
  return networkOf(c).address !== c.address;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const p = BigInt(bits(a) - Math.min(a.prefix, b.prefix));
  return a.address >> p === b.address >> p;
}

export function formatCidr(c: Cidr): string {
  if (c.family === 4) {
    const parts = [24n, 16n, 8n, 0n].map((s) => String((c.address >> s) & 255n));
    return `${parts.join('.')}/${c.prefix}`;
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((c.address >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  const text = best === -1 ? groups.join(':') : `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  return `${text}/${c.prefix}`;
}
