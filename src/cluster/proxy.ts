/**
 * Which proxy a Supervisor URL goes through, as kubectl decides it: the kubeconfig's proxy-url
 * first, else HTTPS_PROXY / HTTP_PROXY (upper case first) unless NO_PROXY exempts the host.
 * Loopback and localhost never go through a proxy (as in Go's httpproxy). Pure: no network.
 */
import net from 'node:net';

export function proxyFor(serverUrl: string, env: NodeJS.ProcessEnv = process.env, kubeconfigProxyUrl?: string): string | undefined {
  if (kubeconfigProxyUrl) return kubeconfigProxyUrl;
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return undefined;
  }
  const https = url.protocol === 'https:';
  const raw = https ? envAny(env, 'HTTPS_PROXY', 'https_proxy') : envAny(env, 'HTTP_PROXY', 'http_proxy');
  if (!raw) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (https ? '443' : '80');
  if (isLoopback(host)) return undefined;
  if (noProxyMatches(host, port, envAny(env, 'NO_PROXY', 'no_proxy') ?? '')) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
}

function envAny(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v && v.trim()) return v.trim();
  }
  return undefined;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  if (net.isIPv6(host)) return host === '::1';
  return false;
}

/** NO_PROXY: `*`, IPs, CIDRs, `example.com` (and its subdomains), `.example.com` (subdomains), each with an optional `:port`. */
export function noProxyMatches(host: string, port: string, noProxy: string): boolean {
  for (let entry of noProxy.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean)) {
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    let entryPort: string | undefined;
    const m = /^(.*):(\d+)$/.exec(entry);
    if (m && !net.isIPv6(entry)) {
      entry = m[1];
      entryPort = m[2];
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    if (net.isIP(entry)) {
      if (entry === host) return true;
      continue;
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) {
      if (host.endsWith(entry)) return true;
    } else if (host === entry || host.endsWith(`.${entry}`)) {
      return true;
    }
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const family = net.isIP(base);
  if (!family || net.isIP(host) !== family || !Number.isInteger(bits)) return false;
  const list = new net.BlockList();
  try {
    list.addSubnet(base, bits, family === 4 ? 'ipv4' : 'ipv6');
    return list.check(host, family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}
