/**
 * A cache of `kustomize build` output on disk, keyed by the content of every file the build can
 * read: Argo CD's repo server keeps rendered manifests by commit and parameters; a working tree
 * has no commit for its changes, so the key is the bytes themselves. From the kustomization of the
 * folder built: its own text, then each string of it that names an existing path (resources,
 * components, patch files, generator files and env files, `key=path` too, CRDs, configurations,
 * replacements, any field): a file by its content, a folder with a kustomization by the same walk,
 * any other folder by every file below it. A name that does not exist adds nothing: the
 * kustomization's text already holds it, and once the file appears its content changes the key.
 *
 * Not cached (the build runs each time): a kustomization that names a remote base, runs plugins
 * (generators, transformers, validators) or inflates Helm charts, whose output depends on more
 * than these files; one whose inputs pass MAX_INPUT_FILES or MAX_INPUT_BYTES; output holding a
 * Secret (its data is never written to disk here); a build that failed.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, utimesSync, writeSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { KUSTOMIZATION_NAMES } from './kustomize-process';
import { isRemote } from './kustomize-options';

/** Fields whose entries run programs or fetch charts: their output is not a function of the files. */
const DYNAMIC_FIELDS = ['generators', 'transformers', 'validators', 'helmCharts', 'helmGlobals', 'helmChartInflationGenerator'];
const MAX_INPUT_FILES = 5_000;
const MAX_INPUT_BYTES = 64 * 1024 * 1024;
const MAX_ENTRIES = 64;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** Why a build is not cached, or the key of its inputs (and when the newest of them last changed). */
export type RenderKey = { readonly key: string; readonly newestMs: number } | { readonly uncached: string };

class Uncached extends Error {}

/**
 * The key of `kustomize build dir` with the tool identified by `tool` (its path, size and
 * modification time: another Kustomize may render otherwise).
 */
export function renderKey(dir: string, tool: string): RenderKey {
  const hash = createHash('sha256');
  let tstat: Stats;
  try {
    tstat = statSync(tool);
  } catch {
    return { uncached: `${tool} cannot be read` };
  }
  hash.update(`tool\0${tool}\0${tstat.size}\0${tstat.mtimeMs}\0`);
  try {
    const walk = { root: realpathSync(resolve(dir)), hash, seen: new Set<string>(), files: 0, bytes: 0, newestMs: 0 };
    kustomization(walk, walk.root);
    return { key: hash.digest('hex'), newestMs: walk.newestMs };
  } catch (e) {
    if (e instanceof Uncached) return { uncached: e.message };
    return { uncached: `its files could not be read (${(e as Error).message})` };
  }
}

interface Walk {
  readonly root: string;
  readonly hash: Hash;
  readonly seen: Set<string>;
  files: number;
  bytes: number;
  /** The latest modification time of a file or folder read. */
  newestMs: number;
}

function kustomization(w: Walk, dir: string): void {
  if (w.seen.has(dir)) return;
  w.seen.add(dir);
  const present = KUSTOMIZATION_NAMES.filter((n) => existsSync(join(dir, n)));
  w.hash.update(`kustomization\0${rel(w, dir)}\0${present.join(',')}\0`);
  if (present.length === 0) return;
  const text = file(w, join(dir, present[0]));
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    throw new Uncached('its kustomization does not parse');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const fields = value as Record<string, unknown>;
  const dynamic = DYNAMIC_FIELDS.find((f) => fields[f] !== undefined);
  if (dynamic) throw new Uncached(`${rel(w, join(dir, present[0]))} has ${dynamic}`);
  for (const s of strings(fields)) {
    if (isRemote(s)) throw new Uncached(`${rel(w, join(dir, present[0]))} names the remote ${s}`);
    for (const candidate of pathsIn(s)) reference(w, resolve(dir, candidate));
  }
}

/** A string as a path, and the path after `key=` (generators' `files: [key=path]`). */
function pathsIn(s: string): string[] {
  if (s === '' || s.includes('\n') || s.length > 4096) return [];
  const eq = s.indexOf('=');
  return eq > 0 ? [s, s.slice(eq + 1)] : [s];
}

function reference(w: Walk, p: string): void {
  let st: Stats;
  try {
    st = statSync(p);
  } catch {
    return; // not there: the name itself is in the kustomization's text
  }
  if (st.isFile()) {
    if (!w.seen.has(p)) {
      w.seen.add(p);
      file(w, p);
    }
  } else if (st.isDirectory()) {
    w.newestMs = Math.max(w.newestMs, st.mtimeMs);
    const real = realpathSync(p); // a link back to a folder above is one folder, not a loop
    if (KUSTOMIZATION_NAMES.some((n) => existsSync(join(real, n)))) kustomization(w, real);
    else tree(w, real);
  }
}

function tree(w: Walk, dir: string): void {
  if (w.seen.has(dir)) return;
  w.seen.add(dir);
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.name !== '.git').sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  w.hash.update(`tree\0${rel(w, dir)}\0${entries.map((e) => e.name).join('/')}\0`);
  for (const e of entries) reference(w, join(dir, e.name));
}

function file(w: Walk, p: string): string {
  w.newestMs = Math.max(w.newestMs, statSync(p).mtimeMs);
  const bytes = readFileSync(p);
  w.files++;
  w.bytes += bytes.length;
  if (w.files > MAX_INPUT_FILES || w.bytes > MAX_INPUT_BYTES) throw new Uncached(`it reads more than ${MAX_INPUT_FILES} files or ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
  w.hash.update(`file\0${rel(w, p)}\0${bytes.length}\0`);
  w.hash.update(bytes);
  return bytes.toString('utf8');
}

function rel(w: Walk, p: string): string {
  return relative(w.root, p).split(sep).join('/');
}

/** Every string in a parsed YAML value (map values, list items; keys are names, not paths). */
function* strings(v: unknown): Generator<string> {
  if (typeof v === 'string') yield v;
  else if (Array.isArray(v)) for (const x of v) yield* strings(x);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) yield* strings(x);
}

/** Whether rendered output holds a Secret (not written to disk). */
export function holdsSecret(text: string): boolean {
  return /^kind:[ \t]*["']?Secret["']?[ \t]*$/m.test(text);
}

/** The cache folder: one file per key, the MAX_ENTRIES used last kept. */
export class RenderCache {
  constructor(private readonly dir: string) {}

  get(key: string): string | undefined {
    const p = join(this.dir, `${key}.yaml`);
    try {
      const text = readFileSync(p, 'utf8');
      const now = new Date();
      utimesSync(p, now, now);
      return text;
    } catch {
      return undefined;
    }
  }

  /** Saves the output (not a Secret's, nor a very large one); a cache that cannot be written is left alone. */
  put(key: string, text: string): void {
    if (holdsSecret(text) || Buffer.byteLength(text) > MAX_OUTPUT_BYTES) return;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const tmp = join(this.dir, `.${key}.${process.pid}.tmp`);
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, join(this.dir, `${key}.yaml`));
      this.evict();
    } catch {
      // a cache that cannot be written costs a render next time, nothing else
    }
  }

  private evict(): void {
    const entries = readdirSync(this.dir).filter((n) => n.endsWith('.yaml')).map((n) => {
      try {
        return { n, at: statSync(join(this.dir, n)).mtimeMs };
      } catch {
        return { n, at: 0 };
      }
    });
    if (entries.length <= MAX_ENTRIES) return;
    entries.sort((a, b) => b.at - a.at);
    for (const e of entries.slice(MAX_ENTRIES)) rmSync(join(this.dir, e.n), { force: true });
  }
}
