/**
 * Local one-shot git commands through simple-git: one instance per repository, in the
 * environment runGit gives git (exec.ts: no terminal prompts, no optional locks, C locale), with
 * a time limit, and failures as our GitError. Network commands (fetch, ls-remote) stay on runGit:
 * see the note there.
 */
import { existsSync } from 'node:fs';
import { GitPluginError, simpleGit, type SimpleGit } from 'simple-git';
import { GitError } from './errors';
import { formatMs, gitEnv } from './exec';

/**
 * Our arguments are fixed by this layer (no user input reaches git's command line as an option),
 * and the environment is the user's, which git reads the same way outside simple-git. simple-git
 * refuses by default to run when the environment names an editor, a pager, an ssh command, an
 * askpass program or configuration (EDITOR, GIT_SSH_COMMAND, GIT_CONFIG_GLOBAL, ...), which would
 * break every command for a user whose shell sets one.
 */
const USER_ENVIRONMENT = {
  allowUnsafeAskPass: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeCredentialHelper: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeDiffTextConv: true,
  allowUnsafeEditor: true,
  allowUnsafeFilter: true,
  allowUnsafeFsMonitor: true,
  allowUnsafeGitProxy: true,
  allowUnsafeGpgProgram: true,
  allowUnsafeHooksPath: true,
  allowUnsafePager: true,
  allowUnsafeSshCommand: true,
  allowUnsafeTemplateDir: true,
} as const;

/**
 * A git that exits non-zero failed, as runGit's callers read it. (simple-git takes only an exit
 * code with something on stderr for a failure: a pre-commit hook that refuses without a word
 * would pass for a commit.)
 */
function exitCodeFails(error: Buffer | Error | undefined, result: { exitCode: number; stdOut: Buffer[]; stdErr: Buffer[] }): Buffer | Error | undefined {
  if (error || result.exitCode === 0) return error;
  const said = Buffer.concat([...result.stdErr, ...result.stdOut]);
  return said.length > 0 ? said : Buffer.from(`git exited with code ${result.exitCode}`);
}

export class LocalGit {
  private readonly git: SimpleGit;
  private readonly baseDir: string;
  private readonly timeoutMs: number;

  constructor(baseDir: string, timeoutMs: number) {
    this.baseDir = baseDir;
    this.timeoutMs = timeoutMs;
    // timeout.block stops git after that long without output; `run` also settles at the deadline,
    // since simple-git's stop (SIGINT to git alone) waits for children of git (a hook, a filter)
    // that hold its pipes
    this.git = simpleGit({ baseDir, trimmed: false, timeout: { block: timeoutMs }, unsafe: USER_ENVIRONMENT, errors: exitCodeFails });
    // simple-git 3.x waits 50 ms more after a process that printed nothing (`git remote` without
    // remotes, `git add`), in case output is still on its way; when git's stdout has ended there
    // is none, so its end counts as output
    this.git.outputHandler((_command, stdout) => stdout.once('end', () => stdout.emit('data', Buffer.alloc(0))));
  }

  /** Runs one task (`what` names it in errors); the environment is read at each call, as runGit's. */
  async run<T>(task: (git: SimpleGit) => Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.timedOut(what)), this.timeoutMs);
    });
    try {
      return await Promise.race([task(this.git.env(gitEnv())), deadline]);
    } catch (e) {
      throw this.failure(e, what);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `git args` with its output as it is; `cwd`: another folder of the working tree (git -C). */
  raw(args: readonly string[], what: string, cwd?: string): Promise<string> {
    const all = cwd === undefined || cwd === this.baseDir ? [...args] : ['-C', cwd, ...args];
    return this.run((git) => git.raw(all), what);
  }

  private timedOut(what: string): GitError {
    return new GitError('timeout', `${what} did not finish within ${formatMs(this.timeoutMs)} and was stopped`);
  }

  private failure(e: unknown, what: string): GitError {
    if (e instanceof GitError) return e;
    if (e instanceof GitPluginError && e.plugin === 'timeout') return this.timedOut(what);
    const text = String((e as Error)?.message ?? e).trim();
    if (/\bspawn\b.*\bENOENT\b/.test(text)) {
      // a working folder that is gone fails the spawn with ENOENT too
      if (!existsSync(this.baseDir)) return new GitError('path-missing', `the folder ${this.baseDir} does not exist`);
      return new GitError('git-missing', 'git is not installed or not on PATH');
    }
    return new GitError('other', `${what} failed in ${this.baseDir}: ${text}`, text);
  }
}
