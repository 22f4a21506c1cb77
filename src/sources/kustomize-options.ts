/**
 * An Argo CD Application's `spec.source.kustomize` options applied to a kustomization, as Argo
 * CD's repo server applies them (util/kustomize/kustomize.go runs `kustomize edit set|add ...` in
 * its own checkout, then appends the patches): a pure function from the kustomization as parsed
 * to the kustomization to write into a temporary copy. Never the user's file.
 *
 *   namePrefix, nameSuffix, namespace     set (replace what the file says)
 *   images                                `edit set image`: by name, merged into `images`
 *   commonLabels, commonAnnotations       `edit add label|annotation`: added; a key the file
 *                                         already has is refused unless forceCommon... is set
 *   labelWithoutSelector                  the labels go to `labels` without selectors instead
 *   replicas                              `edit set replicas`: by name, into `replicas`
 *   components                            `edit add component`: appended when not there yet
 *   patches                               appended to `patches`
 */

type Obj = Record<string, unknown>;

export interface KustomizeSourceOptions {
  readonly namePrefix?: string;
  readonly nameSuffix?: string;
  readonly namespace?: string;
  readonly images?: readonly string[];
  readonly commonLabels?: Readonly<Record<string, string>>;
  readonly commonAnnotations?: Readonly<Record<string, string>>;
  readonly forceCommonLabels?: boolean;
  readonly forceCommonAnnotations?: boolean;
  readonly labelWithoutSelector?: boolean;
  readonly replicas?: readonly { readonly name: string; readonly count: number | string }[];
  readonly components?: readonly string[];
  readonly patches?: readonly Obj[];
}

export interface KustomizeImage {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when no option would change the kustomization (the folder can be built as it is). */
export function hasKustomizeOptions(o: KustomizeSourceOptions | undefined): boolean {
  if (!o) return false;
  return !!(o.namePrefix || o.nameSuffix || o.namespace || o.images?.length || Object.keys(o.commonLabels ?? {}).length
    || Object.keys(o.commonAnnotations ?? {}).length || o.replicas?.length || o.components?.length || o.patches?.length);
}

/** `name:tag`, `name@digest`, a registry with a port (`host:5000/app:1`): the parts of one image reference. */
function splitImage(ref: string): { name: string; tag?: string; digest?: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { name: ref.slice(0, at), digest: ref.slice(at + 1) };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref };
}

/**
 * One `kustomize edit set image` argument: `name=newName:tag`, `name=newName@digest`,
 * `name=newName`, `name:tag`, `name@digest`.
 */
export function parseImage(arg: string): KustomizeImage {
  const eq = arg.indexOf('=');
  if (eq >= 0) {
    const { name: newName, tag, digest } = splitImage(arg.slice(eq + 1));
    return { name: arg.slice(0, eq), ...(newName ? { newName } : {}), ...(tag ? { newTag: tag } : {}), ...(digest ? { digest } : {}) };
  }
  const { name, tag, digest } = splitImage(arg);
  return { name, ...(tag ? { newTag: tag } : {}), ...(digest ? { digest } : {}) };
}

function setImage(list: KustomizeImage[], image: KustomizeImage): void {
  const old = list.find((i) => i.name === image.name);
  if (!old) {
    list.push(image);
    return;
  }
  if (image.newName) old.newName = image.newName;
  if (image.newTag) {
    old.newTag = image.newTag;
    delete old.digest;
  }
  if (image.digest) {
    old.digest = image.digest;
    delete old.newTag;
  }
}

function addPairs(k: Obj, field: string, pairs: Readonly<Record<string, string>>, force: boolean, what: string): void {
  const current: Obj = isMap(k[field]) ? { ...k[field] } : {};
  for (const [key, value] of Object.entries(pairs)) {
    if (key in current && !force) throw new Error(`the Application's ${what} "${key}" is already in the kustomization's ${field}; Argo CD refuses this unless force${what[0].toUpperCase()}${what.slice(1)}s is set`);
    current[key] = value;
  }
  k[field] = current;
}

/** The kustomization with the options applied (a copy); throws an Error that says why Argo CD would refuse them. */
export function applyKustomizeOptions(kustomization: Obj, o: KustomizeSourceOptions): Obj {
  const k: Obj = { ...kustomization };
  if (o.namePrefix) k.namePrefix = o.namePrefix;
  if (o.nameSuffix) k.nameSuffix = o.nameSuffix;
  if (o.namespace) k.namespace = o.namespace;
  if (o.images?.length) {
    const list: KustomizeImage[] = Array.isArray(k.images) ? k.images.filter(isMap).map((i) => ({ ...i }) as unknown as KustomizeImage) : [];
    for (const arg of o.images) setImage(list, parseImage(arg));
    k.images = list;
  }
  if (o.commonLabels && Object.keys(o.commonLabels).length) {
    if (o.labelWithoutSelector) {
      k.labels = [...(Array.isArray(k.labels) ? k.labels : []), { pairs: { ...o.commonLabels }, includeSelectors: false }];
    } else {
      addPairs(k, 'commonLabels', o.commonLabels, !!o.forceCommonLabels, 'commonLabel');
    }
  }
  if (o.commonAnnotations && Object.keys(o.commonAnnotations).length) {
    addPairs(k, 'commonAnnotations', o.commonAnnotations, !!o.forceCommonAnnotations, 'commonAnnotation');
  }
  if (o.replicas?.length) {
    const list: Obj[] = Array.isArray(k.replicas) ? k.replicas.filter(isMap).map((r) => ({ ...r })) : [];
    for (const r of o.replicas) {
      const count = typeof r.count === 'number' ? r.count : Number.parseInt(r.count, 10);
      if (!Number.isInteger(count) || count < 0) throw new Error(`the Application's replicas for "${r.name}" is not a whole number: ${JSON.stringify(r.count)}`);
      const old = list.find((x) => x.name === r.name);
      if (old) old.count = count;
      else list.push({ name: r.name, count });
    }
    k.replicas = list;
  }
  if (o.components?.length) {
    const list = Array.isArray(k.components) ? [...k.components] : [];
    for (const c of o.components) if (!list.includes(c)) list.push(c);
    k.components = list;
  }
  if (o.patches?.length) k.patches = [...(Array.isArray(k.patches) ? k.patches : []), ...o.patches.map((p) => ({ ...p }))];
  return k;
}

/** The Application's `spec.source.kustomize`, read leniently (unknown fields and wrong types left out). */
export function kustomizeOptionsOf(source: unknown): KustomizeSourceOptions | undefined {
  if (!isMap(source)) return undefined;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const strMap = (v: unknown) => (isMap(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string> : undefined);
  const strList = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const replicas = Array.isArray(source.replicas)
    ? source.replicas.filter(isMap).filter((r) => typeof r.name === 'string' && (typeof r.count === 'number' || typeof r.count === 'string'))
      .map((r) => ({ name: r.name as string, count: r.count as number | string }))
    : undefined;
  const out: KustomizeSourceOptions = {
    namePrefix: str(source.namePrefix), nameSuffix: str(source.nameSuffix), namespace: str(source.namespace),
    images: strList(source.images), commonLabels: strMap(source.commonLabels), commonAnnotations: strMap(source.commonAnnotations),
    forceCommonLabels: source.forceCommonLabels === true, forceCommonAnnotations: source.forceCommonAnnotations === true,
    labelWithoutSelector: source.labelWithoutSelector === true, replicas, components: strList(source.components),
    patches: Array.isArray(source.patches) ? source.patches.filter(isMap) : undefined,
  };
  return out;
}

/**
 * Entries of resources/bases/components that kustomize would fetch from a remote (a Git URL, a
 * `github.com/...` path, an HTTP file): refused unless allowed.
 */
export function remoteReferences(kustomization: Obj): string[] {
  const out: string[] = [];
  for (const field of ['resources', 'bases', 'components']) {
    const list = kustomization[field];
    if (!Array.isArray(list)) continue;
    for (const e of list) if (typeof e === 'string' && isRemote(e)) out.push(e);
  }
  return out;
}

export function isRemote(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^git@/.test(entry) || /^git::/.test(entry)
    || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || /[?&]ref=/.test(entry) || /\.git(\/\/|$)/.test(entry);
}

/** Local folders and files a kustomization names (resources, bases, components, patch files), relative to it. */
export function localReferences(kustomization: Obj): { resources: string[]; patches: string[] } {
  const resources: string[] = [];
  for (const field of ['resources', 'bases', 'components']) {
    const list = kustomization[field];
    if (Array.isArray(list)) for (const e of list) if (typeof e === 'string' && !isRemote(e)) resources.push(e);
  }
  const patches: string[] = [];
  const psm = kustomization.patchesStrategicMerge;
  if (Array.isArray(psm)) for (const e of psm) if (typeof e === 'string' && !e.includes('\n')) patches.push(e);
  for (const field of ['patches', 'patchesJson6902']) {
    const list = kustomization[field];
    if (Array.isArray(list)) for (const p of list) if (isMap(p) && typeof p.path === 'string') patches.push(p.path);
  }
  return { resources, patches };
}
