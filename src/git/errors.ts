/**
 * Failures of the Git layer as one error type with a kind the drift view and the command line can
 * act on, and a message that says what happened and where. Every message passes through
 * `redactUrlCredentials`: a remote URL with a token in it never reaches a log or a notification.
 */
import { redactUrlCredentials } from './remote-url';

export type GitErrorKind =
  /** git is not installed or not on PATH. */
  | 'git-missing'
  /** The path of a source does not exist (or is a file) at the revision read. */
  | 'path-missing'
  /** A revision is neither a branch of the remote, nor a tag, nor a commit. */
  | 'revision-missing'
  /** HEAD has no commit yet (an unborn branch). */
  | 'unborn'
  /** No remote of that name, or no remote at all. */
  | 'remote-missing'
  /** The remote repository does not exist or cannot be read there. */
  | 'not-found'
  /** Credentials missing or refused. */
  | 'auth'
  /** Host unknown, connection refused or reset, TLS. */
  | 'network'
  /** A time limit we set passed; the git process was stopped. */
  | 'timeout'
  | 'other';

export class GitError extends Error {
  override readonly name = 'GitError';
  readonly kind: GitErrorKind;
  /** git's own words (stderr, redacted), when there are some. */
  readonly detail?: string;

  constructor(kind: GitErrorKind, message: string, detail?: string) {
    super(redactUrlCredentials(message));
    this.kind = kind;
    if (detail) this.detail = redactUrlCredentials(detail.trim());
  }
}

/** The kind of a failed network operation (fetch, ls-remote), from git's stderr. */
export function classifyRemoteFailure(stderr: string): GitErrorKind {
  const s = stderr.toLowerCase();
  if (/authentication failed|could not read (username|password)|terminal prompts disabled|permission denied \(|access denied|http 401|http 403|error: 40[13]|returned error: 40[13]|invalid credentials|host key verification failed/.test(s)) return 'auth';
  if (/could not resolve host|name or service not known|temporary failure in name resolution|connection refused|connection timed out|timed out|network is unreachable|no route to host|connection reset|ssl|tls|certificate|failed to connect|unable to access/.test(s)) return 'network';
  if (/does not appear to be a git repository|repository .* not found|not found|no such file or directory|does not exist/.test(s)) return 'not-found';
  return 'other';
}

/** The most telling line of git's stderr (the `fatal:` one when there is one). */
export function stderrSummary(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const fatal = lines.find((l) => /^(fatal|error):/i.test(l));
  return redactUrlCredentials(fatal ?? lines[lines.length - 1] ?? '');
}

const KIND_TEXT: Partial<Record<GitErrorKind, string>> = {
  auth: 'authentication failed (credentials missing or refused)',
  network: 'the remote cannot be reached',
  'not-found': 'the remote repository does not exist or cannot be read',
};

/** A remote failure as a GitError: what was done, to which remote, why, and git's line. */
export function remoteError(action: string, remote: string, url: string | undefined, stderr: string): GitError {
  const kind = classifyRemoteFailure(stderr);
  const where = url ? `${remote} (${url})` : remote;
  const why = KIND_TEXT[kind];
  const summary = stderrSummary(stderr);
  const message = `git ${action} ${where} failed${why ? `: ${why}` : ''}${summary ? ` — ${summary}` : ''}`;
  return new GitError(kind, message, stderr);
}
