/**
 * How the Git layer runs git itself (local one-shot commands go through simple-git, local.ts):
 * network commands (runGit: fetch, ls-remote) with our own environment (no terminal prompts, no
 * optional locks, C locale) and a hard time limit that stops the whole process group (git, its
 * remote helper and ssh); and a git process we talk to over stdin (`git cat-file --batch`, which
 * reads hundreds of objects in one process).
 *
 * Invariant: a network command never waits for a password. It runs in a new session (no
 * controlling terminal, so ssh cannot ask on /dev/tty) with GIT_TERMINAL_PROMPT=0, and is killed
 * at its deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GitError } from './errors';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  /** Stop the process (and its children) after this long; the promise rejects with kind 'timeout'. */
  readonly timeoutMs: number;
  /** What the timeout message calls the operation, e.g. `git fetch origin`. */
  readonly what: string;
}

const POSIX = process.platform !== 'win32';

/** Environment of git processes we start: no prompts, no pager, no optional locks. */
export function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', GCM_INTERACTIVE: 'never', LC_ALL: 'C' };
}

/** Runs `git args` to completion; resolves with the exit code (non-zero is not an error here). */
export function runGit(args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('git', args, { cwd: options.cwd, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: POSIX, windowsHide: true });
    } catch (e) {
      reject(spawnError(e, options.cwd));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
    }, options.timeoutMs);
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(spawnError(e, options.cwd));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new GitError('timeout', `${options.what} did not finish within ${formatMs(options.timeoutMs)} and was stopped`));
        return;
      }
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

function killTree(child: ChildProcess): void {
  try {
    if (POSIX && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    // already gone
  }
}

function spawnError(e: unknown, cwd?: string): GitError {
  const code = (e as NodeJS.ErrnoException)?.code;
  // a working folder that is gone fails the spawn with ENOENT too
  if (code === 'ENOENT' && cwd !== undefined && !existsSync(cwd)) return new GitError('path-missing', `the folder ${cwd} does not exist`);
  if (code === 'ENOENT') return new GitError('git-missing', 'git is not installed or not on PATH');
  return new GitError('other', `could not start git: ${(e as Error)?.message ?? String(e)}`);
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

export interface GitObject {
  readonly oid: string;
  readonly type: 'blob' | 'tree' | 'commit' | 'tag';
  readonly size: number;
  readonly data: Buffer;
}

interface Pending {
  readonly name: string;
  resolve(o: GitObject | undefined): void;
  reject(e: Error): void;
}

/**
 * One `git cat-file --batch` process: `get(name)` writes a line and resolves with the object (or
 * undefined when git says `missing`). Requests are pipelined: many `get`s may be in flight, the
 * answers come back in order. `name` is anything git's rev syntax accepts (`HEAD`,
 * `<sha>:path/in/tree`, `refs/tags/v1^{commit}`, a full oid).
 */
export class CatFileBatch {
  private readonly child: ChildProcess;
  private readonly queue: Pending[] = [];
  private chunks: Buffer[] = [];
  private length = 0;
  private header: { oid: string; type: GitObject['type']; size: number } | undefined;
  private failure: Error | undefined;
  private stderr = '';
  private readonly timer: NodeJS.Timeout;

  constructor(cwd: string, timeoutMs = 60_000) {
    this.child = spawn('git', ['cat-file', '--batch'], { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child.stdout!.on('data', (b: Buffer) => this.onData(b));
    this.child.stderr!.on('data', (b: Buffer) => {
      if (this.stderr.length < 4000) this.stderr += b.toString('utf8');
    });
    this.child.stdin!.on('error', () => undefined); // EPIPE when git died: reported by 'close'
    this.child.on('error', (e) => this.fail(spawnError(e)));
    this.child.on('close', (code) => this.fail(new GitError('other', `git cat-file exited (${code ?? 'signal'}) with ${this.queue.length} objects unread${this.stderr ? `: ${this.stderr.trim()}` : ''}`)));
    this.timer = setTimeout(() => {
      this.fail(new GitError('timeout', `reading objects with git cat-file took longer than ${formatMs(timeoutMs)}`));
      this.child.kill('SIGKILL');
    }, timeoutMs);
    this.timer.unref();
  }

  get(name: string): Promise<GitObject | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    if (/[\r\n]/.test(name)) return Promise.reject(new GitError('other', `invalid object name ${JSON.stringify(name)}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ name, resolve, reject });
      this.child.stdin!.write(`${name}\n`);
    });
  }

  /** Ends the process (pending requests are answered first). */
  close(): void {
    clearTimeout(this.timer);
    if (!this.child.stdin!.writableEnded) this.child.stdin!.end();
  }

  private fail(e: Error): void {
    clearTimeout(this.timer);
    if (!this.failure) this.failure = e;
    for (const p of this.queue.splice(0)) p.reject(this.failure);
  }

  private onData(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
    try {
      this.drain();
    } catch (e) {
      this.fail(e as Error);
      this.child.kill('SIGKILL');
    }
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private consume(n: number): void {
    const buf = this.flatten();
    this.chunks = n >= buf.length ? [] : [buf.subarray(n)];
    this.length -= n;
  }

  private drain(): void {
    for (;;) {
      if (!this.header) {
        if (this.length === 0) return;
        const buf = this.flatten();
        const nl = buf.indexOf(10);
        if (nl < 0) return;
        const line = buf.subarray(0, nl).toString('utf8');
        this.consume(nl + 1);
        const pending = this.queue.shift();
        if (!pending) throw new GitError('other', `unexpected output from git cat-file: ${line}`);
        if (line === `${pending.name} missing` || line === `${pending.name} ambiguous`) {
          pending.resolve(undefined);
          continue;
        }
        const m = /^([0-9a-f]{40,64}) (blob|tree|commit|tag) (\d+)$/.exec(line);
        if (!m) throw new GitError('other', `unexpected output from git cat-file for ${pending.name}: ${line}`);
        this.queue.unshift(pending);
        this.header = { oid: m[1], type: m[2] as GitObject['type'], size: Number(m[3]) };
      }
      const need = this.header.size + 1; // content and a newline
      if (this.length < need) return;
      const buf = this.flatten();
      const data = Buffer.from(buf.subarray(0, this.header.size));
      this.consume(need);
      const pending = this.queue.shift()!;
      const header = this.header;
      this.header = undefined;
      pending.resolve({ ...header, data });
    }
  }
}

export interface TreeEntry {
  readonly mode: string;
  readonly name: string;
  readonly oid: string;
}

/** Parses a raw tree object: `<mode> <name>\0<raw oid>` repeated (oid of 20 or 32 bytes). */
export function parseTree(data: Buffer, oidHexLength: number): TreeEntry[] {
  const raw = oidHexLength / 2;
  const entries: TreeEntry[] = [];
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(32, i);
    const nul = data.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + raw > data.length) throw new GitError('other', 'malformed tree object');
    entries.push({
      mode: data.subarray(i, space).toString('latin1'),
      name: data.subarray(space + 1, nul).toString('utf8'),
      oid: data.subarray(nul + 1, nul + 1 + raw).toString('hex'),
    });
    i = nul + 1 + raw;
  }
  return entries;
}
