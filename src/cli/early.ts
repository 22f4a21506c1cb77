/**
 * What the launcher (launch.ts) can start before the rest of the command line loads: the render of
 * the folder a `diff` or `sync` names, when that folder is surely what the command renders first
 * (kustomize-process.ts). Read by the same rules as the commands themselves (options.ts); anything
 * they would refuse or treat otherwise (help, an Argo CD Application, a Git revision other than
 * the working tree, not one folder) starts nothing. Node's own modules only.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DIFF_OPTIONS, SYNC_OPTIONS, parseCommandLine } from './options';

/** The folder whose render `argv` asks for first, when that is sure; undefined otherwise. */
export function earlyRenderFolder(argv: readonly string[]): string | undefined {
  const [command, ...rest] = argv;
  if (command !== 'diff' && command !== 'sync') return undefined;
  let path: string;
  try {
    const { values, positionals } = parseCommandLine(rest, command === 'diff' ? DIFF_OPTIONS : SYNC_OPTIONS);
    if (values.help || values['argocd-app'] !== undefined || positionals.length !== 1) return undefined;
    const revision = 'revision' in values ? values.revision : undefined;
    if (revision !== undefined && revision.trim().toLowerCase() !== 'worktree') return undefined;
    path = resolve(positionals[0]);
  } catch {
    return undefined; // the command says what is wrong with its arguments
  }
  try {
    return statSync(path).isDirectory() ? path : undefined;
  } catch {
    return undefined;
  }
}
