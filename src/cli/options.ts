/**
 * The command line's options, read by `node:util` parseArgs with one set of rules, and the
 * options of each command that the launcher (launch.ts) reads before the rest loads. Nothing but
 * node:util here: the launcher bundles this file.
 *
 * Rules, the same for every command and option:
 *   - `--opt value` and `--opt=value`; a short form (`-n`, `-o`, `-h`, `-y`) where one is listed;
 *   - a value that starts with `-` is taken for a forgotten value ("option --context needs a
 *     value") unless written `--context=-x`; `-` alone is a value;
 *   - a flag takes no value (`--yes=1` is refused); an option not listed is refused;
 *   - `--` ends the options: what follows is a path, even when it starts with `-`;
 *   - the last of a repeated single-value option wins; list options (`--kubeconfig`) collect.
 * Every refusal is a UsageError: exit 2 with the message and the command's usage.
 */
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export interface OptionDef {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Repeatable: every value is kept, in order. */
  readonly multiple?: boolean;
}

export type OptionDefs = Readonly<Record<string, OptionDef>>;

export type OptionValues<D extends OptionDefs> = {
  -readonly [K in keyof D]?: D[K]['type'] extends 'boolean' ? boolean : D[K]['multiple'] extends true ? string[] : string;
};

export interface CommandLine<D extends OptionDefs> {
  readonly values: OptionValues<D>;
  readonly positionals: string[];
}

/** The options of every command that talks to a Supervisor. */
export const CONNECTION_OPTIONS = {
  kubeconfig: { type: 'string', multiple: true },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  timeout: { type: 'string' },
} as const satisfies OptionDefs;

/** A Supervisor session's options, for commands that work across namespaces. */
export const SESSION_OPTIONS = {
  kubeconfig: CONNECTION_OPTIONS.kubeconfig,
  context: CONNECTION_OPTIONS.context,
  timeout: CONNECTION_OPTIONS.timeout,
} as const satisfies OptionDefs;

/** The options of every command. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionDefs;

/** Reads `argv` against `defs`; throws UsageError on anything the rules above refuse. */
export function parseCommandLine<D extends OptionDefs>(argv: readonly string[], defs: D): CommandLine<D> {
  const { tokens } = parseArgs({ args: [...argv], options: defs as never, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    const def = Object.hasOwn(defs, t.name) ? defs[t.name] : undefined;
    const name = `--${t.name}`;
    if (!def || (t.rawName.startsWith('--') ? false : def.short !== t.rawName.slice(1))) throw new UsageError(`unknown option ${t.rawName}`);
    if (def.type === 'boolean') {
      if (t.value !== undefined) throw new UsageError(`option ${name} takes no value`);
      values[t.name] = true;
      continue;
    }
    const v = t.value;
    if (v === undefined || (!t.inlineValue && v.startsWith('-') && v !== '-')) {
      throw new UsageError(`option ${name} needs a value${v === undefined ? '' : ` (to give one that starts with "-", write ${name}=${v})`}`);
    }
    if (def.multiple) ((values[t.name] ??= []) as string[]).push(v);
    else values[t.name] = v;
  }
  return { values: values as OptionValues<D>, positionals };
}

/** The options of commands that reach into workload clusters. */
export const CLUSTER_OPTIONS = {
  cluster: { type: 'string' },
  'cluster-context': { type: 'string', multiple: true },
} as const satisfies OptionDefs;

export const DIFF_OPTIONS = {
  ...COMMON_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...CLUSTER_OPTIONS,
  revision: { type: 'string' },
  target: { type: 'string' },
  format: { type: 'string', short: 'o' },
  'argocd-app': { type: 'string' },
  'argocd-namespace': { type: 'string' },
} as const satisfies OptionDefs;

export const SYNC_OPTIONS = {
  ...COMMON_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...CLUSTER_OPTIONS,
  'dry-run': { type: 'boolean' },
  prune: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'force-conflicts': { type: 'boolean' },
  partial: { type: 'boolean' },
  wait: { type: 'boolean' },
  confirm: { type: 'string', multiple: true },
  target: { type: 'string' },
  'argocd-app': { type: 'string' },
  'argocd-namespace': { type: 'string' },
  resource: { type: 'string', multiple: true },
  'sync-option': { type: 'string', multiple: true },
  format: { type: 'string', short: 'o' },
} as const satisfies OptionDefs;

