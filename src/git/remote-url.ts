/**
 * Git remote URLs: one normal form so that an Argo CD Application's `spec.source.repoURL` can be
 * matched with a remote of the workspace whatever the spelling (https or ssh, scp form, `.git` or
 * not, credentials, ports, trailing slashes), and redaction of credentials in URLs and messages.
 *
 * Invariant: nothing here keeps a user name or a password; `normalizeRepoUrl` drops the whole user
 * info, `redactUrlCredentials` replaces it.
 */

/**
 * `host/path` with no scheme, user info, port, query, trailing slash or `.git`; the host is
 * lower-cased, the path keeps its case (compare with `sameRepo`, which ignores it).
 * Local repositories (`/srv/git/x.git`, `file:///srv/git/x.git`, `C:\git\x`) give their path
 * with '/' separators and no `.git`, e.g. `/srv/git/x`.
 * Azure DevOps' three spellings (dev.azure.com, ssh.dev.azure.com:v3, *.visualstudio.com) give
 * `dev.azure.com/org/project/_git/repo`; GitHub's ssh-over-443 host gives `github.com`.
 */
export function normalizeRepoUrl(url: string): string {
  const raw = url.trim();
  if (raw === '') return '';
  const parsed = splitUrl(raw);
  if (!parsed) return cleanPath(raw.replace(/\\/g, '/'), true);
  const { host, path } = parsed;
  if (host === '') return cleanPath(path, true);
  return canonicalHost(host.toLowerCase(), cleanPath(path, false));
}

/**
 * Whether two repository URLs name the same repository: equal normal forms, compared without
 * regard to case (GitHub, GitLab and Azure DevOps treat owner and repository names so, and Argo CD
 * lower-cases repository URLs before it compares them).
 */
export function sameRepo(a: string, b: string): boolean {
  const na = normalizeRepoUrl(a);
  return na !== '' && na.toLowerCase() === normalizeRepoUrl(b).toLowerCase();
}

/** The first remote whose URL names the same repository as `repoUrl` (an Application's repoURL). */
export function findRemote<T extends { readonly url: string; readonly normalized?: string }>(
  remotes: readonly T[], repoUrl: string,
): T | undefined {
  const wanted = normalizeRepoUrl(repoUrl).toLowerCase();
  if (wanted === '') return undefined;
  return remotes.find((r) => (r.normalized ?? normalizeRepoUrl(r.url)).toLowerCase() === wanted);
}

/**
 * Replaces the user info of every URL in `text` (a URL or a whole message) with `***`:
 * `https://user:token@host/x` → `https://***@host/x`. For ssh URLs a bare user name (`git@`) is
 * kept, as it is no secret; a password is not.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/]+)@/gi, (_m, scheme: string, userInfo: string) => {
    const isSsh = /ssh/i.test(scheme);
    if (isSsh && !userInfo.includes(':')) return `${scheme}${userInfo}@`;
    return `${scheme}***@`;
  });
}

interface Split {
  readonly host: string;
  readonly path: string;
}

function splitUrl(raw: string): Split | undefined {
  // scheme://[user[:password]@]host[:port]/path
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(raw);
  if (scheme) {
    const kind = scheme[1].toLowerCase();
    const rest = stripQuery(scheme[2]);
    if (kind === 'file') return { host: '', path: decode(rest.replace(/^[^/]*(?=\/)/, '')) };
    const slash = rest.indexOf('/');
    const authority = slash < 0 ? rest : rest.slice(0, slash);
    const path = slash < 0 ? '' : rest.slice(slash);
    return { host: hostOf(authority), path: decode(path) };
  }
  // Windows drive paths are not scp-like (C:\x, C:/x)
  if (/^[a-z]:[\\/]/i.test(raw)) return { host: '', path: raw.replace(/\\/g, '/') };
  // scp-like: [user@]host:path, with no slash before the colon (git's own rule)
  const scp = /^(?:[^@/\s]+@)?(\[[^\]]+\]|[^:/\s]+):(.*)$/.exec(raw);
  if (scp) return { host: scp[1].replace(/^\[|\]$/g, ''), path: decode(stripQuery(scp[2])) };
  if (raw.startsWith('/') || raw.startsWith('.') || raw.startsWith('~')) return { host: '', path: raw };
  return undefined;
}

function hostOf(authority: string): string {
  const at = authority.lastIndexOf('@');
  let host = at < 0 ? authority : authority.slice(at + 1);
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host.slice(1) : host.slice(1, end);
  }
  const colon = host.indexOf(':');
  if (colon >= 0) host = host.slice(0, colon);
  return host;
}

function stripQuery(s: string): string {
  const cut = s.search(/[?#]/);
  return cut < 0 ? s : s.slice(0, cut);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Collapses slashes, drops a trailing slash and `.git`; keeps a leading slash for local paths. */
function cleanPath(path: string, local: boolean): string {
  let p = path.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  p = p.replace(/\.git$/i, '').replace(/\/+$/, '');
  if (!local) p = p.replace(/^\/+/, '');
  return p;
}

function canonicalHost(host: string, path: string): string {
  // GitHub's ssh over port 443
  if (host === 'ssh.github.com') host = 'github.com';
  // Azure DevOps: ssh.dev.azure.com:v3/org/project/repo, vs-ssh.visualstudio.com:v3/org/project/repo
  if (host === 'ssh.dev.azure.com' || host === 'vs-ssh.visualstudio.com') {
    const parts = path.split('/');
    if (parts[0].toLowerCase() === 'v3' && parts.length === 4) {
      return `dev.azure.com/${parts[1]}/${parts[2]}/_git/${parts[3]}`;
    }
  }
  // Azure DevOps (old host): org.visualstudio.com[/DefaultCollection]/project/_git/repo
  const vs = /^([^.]+)\.visualstudio\.com$/.exec(host);
  if (vs && host !== 'vs-ssh.visualstudio.com') {
    const p = path.replace(/^DefaultCollection\//i, '');
    if (/^[^/]+\/_git\/[^/]+$/.test(p)) return `dev.azure.com/${vs[1]}/${p}`;
  }
  return path === '' ? host : `${host}/${path}`;
}
