/**
 * vSphere tokens are JWTs that expire (10 hours after `kubectl vsphere login`). We read their
 * claims without verifying them — the server does that — only to warn before the token lapses
 * and to say how to log in again.
 */

export type JwtClaims = Record<string, unknown>;

/** The payload of a JWT, or undefined when the string is not one. */
export function decodeJwt(token: string | undefined): JwtClaims | undefined {
  if (!token) return undefined;
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[0].startsWith('eyJ')) return undefined;
  try {
    const json = Buffer.from(parts[1].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const claims = JSON.parse(json) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as JwtClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** When the token expires (its `exp` claim), or undefined when it is not a JWT or has no exp. */
export function jwtExpiry(token: string | undefined): Date | undefined {
  const exp = decodeJwt(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : undefined;
}

/** "expires in 42 minutes", "expires in 3 hours 5 minutes", "expired 2 minutes ago". */
export function describeExpiry(expiry: Date, now: Date = new Date()): string {
  const ms = expiry.getTime() - now.getTime();
  const minutes = Math.round(Math.abs(ms) / 60000);
  const span = minutes < 60
    ? plural(minutes, 'minute')
    : `${plural(Math.floor(minutes / 60), 'hour')}${minutes % 60 ? ` ${plural(minutes % 60, 'minute')}` : ''}`;
  return ms >= 0 ? `expires in ${span}` : `expired ${span} ago`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * The command that gives a new vSphere token. The server is the host of the cluster URL; the
 * user comes from the kubeconfig user name `kubectl vsphere login` writes
 * (`wcp:<server>:<user>`), else from the token's subject (`sso:<user>`), else a placeholder.
 */
export function vsphereLoginCommand(serverUrl: string | undefined, kubeconfigUser?: string, token?: string): string {
  let host = '<server>';
  try {
    if (serverUrl) host = new URL(serverUrl).hostname.replace(/^\[|\]$/g, '') || host;
  } catch {
    // keep the placeholder
  }
  return `kubectl vsphere login --server ${host} --vsphere-username ${vsphereUser(kubeconfigUser, token) ?? '<user>'}`;
}

function vsphereUser(kubeconfigUser: string | undefined, token: string | undefined): string | undefined {
  const m = kubeconfigUser ? /^wcp:[^:]+(?::\d+)?:(.+)$/.exec(kubeconfigUser) : null;
  if (m) return m[1];
  const claims = decodeJwt(token);
  for (const key of ['preferred_username', 'upn', 'sub']) {
    const v = claims?.[key];
    if (typeof v === 'string' && v) return v.replace(/^sso:/, '');
  }
  return undefined;
}

/** A sentence for a notification: when the token lapses and how to get a new one. */
export function expiryNotice(context: string, expiry: Date, loginCommand: string, now: Date = new Date()): string {
  const when = describeExpiry(expiry, now);
  return `The token of context "${context}" ${when}. Log in again: ${loginCommand}`;
}
