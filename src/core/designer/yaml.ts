/**
 * Converts between the cluster designer's model (types.ts) and manifest YAML, both ways, so the
 * designer form and the text stay in step.
 *
 * Why it is more than a stringify: the designer edits files people keep in Git. An edit of one
 * field must change only that field's text; comments, key order, quoting and every field the form
 * does not manage (labels, taints, trust, other variables, other documents) stay byte for byte.
 * So edits are minimal text splices at the yaml library's node ranges, each result is read back
 * and checked against the design, and the yaml Document API (setIn/deleteIn) is the fallback
 * (both editors are in edit.ts; this module decides what to write).
 *
 * Pure: no vscode, no Node built-ins; it is bundled into the designer webview as well.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, type ParsedNode } from 'yaml';
import { isRecord } from '../json';
import {
  deepEqual,
  DocEditor,
  FRESH_FORMAT,
  getPath,
  inferFormat,
  keyOf,
  makeNode,
  MAX_ALIASES,
  PARSE_OPTIONS,
  rangeOf,
  splice,
  stringOptions,
  TextEditor,
  withLineEnds,
  type Editor,
  type Path,
  type Rec,
} from './edit';
import { TKC_CLASS } from '../manifest/kinds';
import { splitDocuments, type Chunk } from '../manifest/split';
import {
  API_FORMS,
  type ApiForm,
  type ClusterDesign,
  type DesignFieldId,
  type NodePoolDesign,
  type ProxyDesign,
  type VolumeDesign,
} from './types';

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** What the form cannot show of the text, at the field it concerns. */
export interface FieldNote {
  readonly field: DesignFieldId;
  readonly message: string;
}

export type DesignReadResult =
  | {
    readonly design: ClusterDesign;
    readonly documentIndex: number;
    /** Notes on the whole document (or a part with no field in the form). */
    readonly notes: string[];
    /** Notes at a form field: what the text holds there that the field cannot show. */
    readonly fieldNotes: FieldNote[];
  }
  | { readonly error: string };

export const DEFAULT_POD_CIDR = '192.168.0.0/16';
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const DEFAULT_SERVICE_DOMAIN = 'cluster.local';

/**
 * A new cluster: the documented defaults (one control plane node, a pool of two workers with a
 * containerd volume, the default networks), in `namespace`. VM classes, storage classes and the
 * release are left empty for the user to pick: the designer never chooses them. New clusters are
 * Cluster v1beta1 of class tanzukubernetescluster: TanzuKubernetesCluster v1alpha3 is deprecated
 * from TKG Service 3.2 (the form can still be switched).
 */
export function defaultDesign(options: { namespace?: string } = {}): ClusterDesign {
  return {
    form: 'cluster-v1beta1',
    name: '',
    namespace: options.namespace ?? '',
    controlPlane: { replicas: 1, vmClass: '', storageClass: '' },
    nodePools: [{
      name: 'workers',
      replicas: 2,
      vmClass: '',
      storageClass: '',
      failureDomain: '',
      volumes: [{ name: 'containerd', mountPath: '/var/lib/containerd', capacity: '50Gi', storageClass: '' }],
    }],
    tkr: '',
    cni: 'antrea',
    podCidrs: [DEFAULT_POD_CIDR],
    serviceCidrs: [DEFAULT_SERVICE_CIDR],
    serviceDomain: DEFAULT_SERVICE_DOMAIN,
    proxy: undefined,
  };
}

/**
 * The same design in another API form. Nothing is dropped from the model: what the form cannot
 * hold (failureDomain in v1alpha2, the CNI in a Cluster) is simply not written, so switching
 * back restores it.
 */
export function changeForm(design: ClusterDesign, form: ApiForm): ClusterDesign {
  return { ...cloneDesign(design), form };
}

/**
 * The YAML of a design. With `previousText`, the document designFromText reads from it is updated
 * in place when it has the design's form (or the other TKC version): only the fields whose value
 * changed are rewritten, everything else is kept byte for byte. A document of the other family
 * (TKC <-> Cluster) is replaced by a fresh one, other documents kept. A text without any cluster
 * document gets the fresh document appended. A cluster document the designer cannot read (it does
 * not parse, or is v1alpha1, another class, v1beta2) is never overwritten: the text comes back
 * unchanged, and designFromText says why.
 */
export function designToText(design: ClusterDesign, previousText?: string): string {
  if (previousText === undefined || !hasContent(previousText)) return freshText(design);
  const found = locate(previousText, false);
  if ('target' in found) {
    const t = found.target;
    const chunkText = family(t.form) === family(design.form)
      ? editInPlace(t, design)
      : keepLead(t.chunk.text) + withLineEnds(freshText(design), t.chunk.text);
    return splice(previousText, t.chunk.startOffset, t.chunk.startOffset + t.chunk.text.length, chunkText);
  }
  if (found.chunk) return previousText;
  return previousText + withLineEnds(`${previousText.endsWith('\n') ? '' : '\n'}---\n${freshText(design)}`, previousText);
}

/** The design of the first TanzuKubernetesCluster (v1alpha2/3) or Cluster (class tanzukubernetescluster) document. */
export function designFromText(text: string): DesignReadResult {
  const found = locate(text, false);
  if (!('target' in found)) return { error: found.error };
  const reader = new Reader();
  const { value, form } = found.target;
  const design = readDesign(value, form, reader);
  const notes: string[] = [];
  const fieldNotes: FieldNote[] = [];
  for (const n of reader.all) {
    const field = n.where === undefined ? undefined : fieldOfWhere(n.where, form, value);
    if (field) fieldNotes.push({ field, message: n.message });
    else notes.push(n.message);
  }
  return { design, documentIndex: found.target.chunk.index, notes, fieldNotes };
}

/**
 * The id of the designer field whose YAML node holds `offset` (the most specific one), or
 * undefined when the offset is outside the designed document or in a field the form does not show.
 */
export function fieldAt(text: string, offset: number): DesignFieldId | undefined {
  const found = locate(text, true);
  if (!('target' in found)) return undefined;
  const { chunk, doc, value, form } = found.target;
  const local = offset - chunk.startOffset;
  if (local < 0 || local > chunk.text.length || !doc.contents) return undefined;
  // A misspelt key (`vmclass`) belongs to the field it means, so what is said of it shows there.
  const path = pathAt(doc.contents, local, []).map((p) => (typeof p === 'string' ? CANONICAL.get(normalKey(p)) ?? p : p));
  return form === 'cluster-v1beta1' ? clusterField(path, value) : tkcField(path);
}

/** The UTF-16 offset of a 0-based LSP position (line, character) in `text`; past the end of a line clamps to it. */
export function offsetOf(text: string, line: number, character: number): number {
  let start = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) return text.length;
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end === -1) end = text.length;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return start + Math.min(Math.max(character, 0), end - start);
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function cloneVolume(v: VolumeDesign): VolumeDesign {
  return { name: v.name, mountPath: v.mountPath, capacity: v.capacity, storageClass: v.storageClass };
}

function clonePool(p: NodePoolDesign): NodePoolDesign {
  return {
    name: p.name, replicas: p.replicas, vmClass: p.vmClass, storageClass: p.storageClass, failureDomain: p.failureDomain,
    volumes: p.volumes.map(cloneVolume),
  };
}

function cloneDesign(d: ClusterDesign): ClusterDesign {
  return {
    form: d.form,
    name: d.name,
    namespace: d.namespace,
    controlPlane: { replicas: d.controlPlane.replicas, vmClass: d.controlPlane.vmClass, storageClass: d.controlPlane.storageClass },
    nodePools: d.nodePools.map(clonePool),
    tkr: d.tkr,
    cni: d.cni,
    podCidrs: [...d.podCidrs],
    serviceCidrs: [...d.serviceCidrs],
    serviceDomain: d.serviceDomain,
    proxy: d.proxy ? { httpProxy: d.proxy.httpProxy, httpsProxy: d.proxy.httpsProxy, noProxy: [...d.proxy.noProxy] } : undefined,
  };
}

/** The design as its form writes it: what the form cannot hold reads back empty. */
function writtenDesign(d: ClusterDesign): ClusterDesign {
  const out = cloneDesign(d);
  if (out.form === 'tkc-v1alpha2') for (const p of out.nodePools) p.failureDomain = '';
  if (out.form === 'cluster-v1beta1') out.cni = '';
  return out;
}

function formInfo(form: ApiForm) {
  const info = API_FORMS.find((f) => f.id === form);
  if (!info) throw new Error(`unknown form ${form}`);
  return info;
}

function family(form: ApiForm): 'tkc' | 'cluster' {
  return form === 'cluster-v1beta1' ? 'cluster' : 'tkc';
}

function hasContent(text: string): boolean {
  return /^[ \t]*[^\s#]/m.test(text.replace(/^(---|\.\.\.)[ \t]*$/gm, ''));
}

/** The leading `---`, comment and blank lines of a chunk, which a replacement keeps. */
function keepLead(text: string): string {
  let end = 0;
  while (end < text.length) {
    const nl = text.indexOf('\n', end);
    const lineEnd = nl === -1 ? text.length : nl + 1;
    const line = text.slice(end, lineEnd).trim();
    if (!(line === '' || line.startsWith('#') || line === '---' || line.startsWith('--- #'))) break;
    end = lineEnd;
  }
  return text.slice(0, end);
}

function lineOfOffset(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

// ---------------------------------------------------------------------------------------------
// Finding the designed document
// ---------------------------------------------------------------------------------------------

interface Target {
  readonly chunk: Chunk;
  readonly doc: Document.Parsed;
  readonly value: unknown;
  readonly form: ApiForm;
}

type Located = { target: Target } | { error: string; chunk?: Chunk };

const LOOKS_LIKE_CLUSTER = /^[ \t]*["']?kind["']?[ \t]*:[ \t]*["']?(TanzuKubernetesCluster|Cluster)["']?[ \t]*(#.*)?$/m;

/** Which of the three forms a parsed document is, or why the designer cannot take it. */
function formOf(value: unknown): { form: ApiForm } | { unsupported: string } | undefined {
  if (!isRecord(value)) return undefined;
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion.trim() : '';
  const kind = value.kind;
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = slash === -1 ? apiVersion : apiVersion.slice(slash + 1);
  if (kind === 'TanzuKubernetesCluster' && group === 'run.tanzu.vmware.com') {
    if (version === 'v1alpha3') return { form: 'tkc-v1alpha3' };
    if (version === 'v1alpha2') return { form: 'tkc-v1alpha2' };
    if (version === 'v1alpha1') {
      return { unsupported: 'run.tanzu.vmware.com/v1alpha1 is not supported by the designer; it writes v1alpha2 or v1alpha3, whose layout differs (nodePools, vmClass, replicas): change apiVersion and the topology by hand first' };
    }
    return { unsupported: `${apiVersion} is not a TanzuKubernetesCluster version the designer knows; it writes run.tanzu.vmware.com/v1alpha2 or v1alpha3` };
  }
  if (kind === 'Cluster' && group === 'cluster.x-k8s.io') {
    if (version !== 'v1beta1') {
      return { unsupported: `${apiVersion} Cluster is not supported by the designer; it writes cluster.x-k8s.io/v1beta1 with spec.topology.class tanzukubernetescluster` };
    }
    const topology = isRecord(value.spec) ? value.spec.topology : undefined;
    const cls = isRecord(topology) ? topology.class : undefined;
    if (cls === TKC_CLASS) return { form: 'cluster-v1beta1' };
    if (cls === undefined || cls === null) {
      return { unsupported: 'Cluster has no spec.topology.class; the designer handles only Clusters of class tanzukubernetescluster' };
    }
    return { unsupported: `Cluster of class ${String(cls)} is not the tanzukubernetescluster class; the designer handles only that class` };
  }
  return undefined;
}

/**
 * The first document of one of the three forms. Errors name the first reason none was found: a
 * TanzuKubernetesCluster/Cluster document that does not parse (which also stops the search: the
 * designer must not edit a later one by mistake), one of a form the designer does not write, or
 * YAML that does not parse anywhere.
 */
function locate(text: string, tolerant: boolean): Located {
  let unsupported: { error: string; chunk: Chunk } | undefined;
  let parseError: string | undefined;
  for (const chunk of splitDocuments(text)) {
    const doc = parseDocument(chunk.text, PARSE_OPTIONS);
    const looksOurs = LOOKS_LIKE_CLUSTER.test(chunk.text);
    if (doc.errors.length > 0 && !tolerant) {
      const e = doc.errors[0];
      const msg = `YAML does not parse: ${e.message.split('\n')[0]} at line ${chunk.startLine + lineOfOffset(chunk.text, e.pos[0]) + 1}`;
      if (looksOurs) return { error: msg, chunk };
      parseError ??= msg;
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (err) {
      const msg = `YAML does not parse: ${err instanceof Error ? err.message : String(err)} at line ${chunk.startLine + 1}`;
      if (looksOurs && !tolerant) return { error: msg, chunk };
      parseError ??= msg;
      continue;
    }
    const f = formOf(value);
    if (!f) continue;
    if ('form' in f) return { target: { chunk, doc, value, form: f.form } };
    unsupported ??= { error: f.unsupported, chunk };
  }
  if (unsupported) return unsupported;
  return { error: parseError ?? 'no TanzuKubernetesCluster or Cluster document in the text' };
}

// ---------------------------------------------------------------------------------------------
// Reading: YAML value -> design. Lenient: wrong types become notes, never exceptions.
// ---------------------------------------------------------------------------------------------

class Reader {
  /** Each note once, with the YAML place it is about (a path, or a variable: `<list> <name>...`). */
  readonly all: { message: string; where?: string }[] = [];

  note(message: string, where?: string): void {
    if (!this.all.some((n) => n.message === message)) this.all.push({ message, where });
  }

  /**
   * Keys of `obj` that mean one of `known` but are spelt otherwise (`vmclass`, `storage_class`):
   * the form reads only the right spelling, so it says at that field what the text holds.
   */
  misspelt(obj: Rec, known: readonly string[], where: string): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const meant = known.find((k) => normalKey(k) === normalKey(key));
      if (meant) this.note(`The manifest has "${key}" where ${meant} is meant: the form shows only ${meant} (fix the key in the manifest).`, `${where}.${meant}`);
    }
  }

  str(v: unknown, where: string): string {
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') {
      this.note(`${where} is a ${typeof v}, not a string: read as "${String(v)}".`, where);
      return String(v);
    }
    this.note(`${where} is ${Array.isArray(v) ? 'a list' : 'an object'}, not a string: the designer shows it empty.`, where);
    return '';
  }

  rec(v: unknown, where: string): Rec | undefined {
    if (v === undefined || v === null) return undefined;
    if (isRecord(v)) return v;
    this.note(`${where} is ${Array.isArray(v) ? 'a list' : `the ${typeof v} ${JSON.stringify(v)}`}, not an object: the designer ignores it.`, where);
    return undefined;
  }

  list(v: unknown, where: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    this.note(`${where} is not a list: the designer shows it empty.`, where);
    return [];
  }

  strList(v: unknown, where: string): string[] {
    if (typeof v === 'string') {
      this.note(`${where} is a string, not a list: read as a list of one.`, where);
      return [v];
    }
    const out: string[] = [];
    this.list(v, where).forEach((x, i) => {
      if (x === null || x === undefined) return;
      const s = this.str(x, `${where}[${i}]`);
      if (s !== '' || x === '') out.push(s);
    });
    return out;
  }

  /** A count; numbers in strings are read with a note, anything else is undefined with a note. */
  count(v: unknown, where: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
    if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) {
      this.note(`${where} is the string "${v}", not a number: read as ${Number(v)}.`, where);
      return Number(v);
    }
    this.note(`${where} ${JSON.stringify(v)} is not a whole number: the designer shows it unset.`, where);
    return undefined;
  }

  /** The control plane's nodes as written (1 when unset): any other count is shown as it is, for the rules to flag. */
  controlPlaneReplicas(v: unknown, where: string): number {
    if (v === undefined || v === null) return 1;
    const n = typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined;
    if (n === undefined) {
      this.note(`${where} ${JSON.stringify(v)} is not a whole number: the designer shows 1.`, where);
      return 1;
    }
    if (typeof v === 'string') this.note(`${where} is the string "${v}", not a number: read as ${n}.`, where);
    return n;
  }
}

function readVolumes(v: unknown, where: string, r: Reader): VolumeDesign[] {
  return r.list(v, where).map((item, j) => {
    const w = `${where}[${j}]`;
    const vol = r.rec(item, w) ?? {};
    r.misspelt(vol, ['name', 'mountPath', 'capacity', 'storageClass'], w);
    let capacity = '';
    if (isRecord(vol.capacity)) capacity = r.str(vol.capacity.storage, `${w}.capacity.storage`);
    else if (vol.capacity !== undefined && vol.capacity !== null) {
      r.note(`${w}.capacity should be an object {storage: <quantity>}.`, `${w}.capacity`);
      capacity = r.str(vol.capacity, `${w}.capacity`);
    }
    return { name: r.str(vol.name, `${w}.name`), mountPath: r.str(vol.mountPath, `${w}.mountPath`), capacity, storageClass: r.str(vol.storageClass, `${w}.storageClass`) };
  });
}

function readProxy(v: unknown, where: string, r: Reader): ProxyDesign | undefined {
  if (v === undefined || v === null) return undefined;
  const p = r.rec(v, where);
  if (!p) return undefined;
  r.misspelt(p, ['httpProxy', 'httpsProxy', 'noProxy'], where);
  return { httpProxy: r.str(p.httpProxy, `${where}.httpProxy`), httpsProxy: r.str(p.httpsProxy, `${where}.httpsProxy`), noProxy: r.strList(p.noProxy, `${where}.noProxy`) };
}

/** name -> value of a `[{name, value}]` list (the first of a name wins). */
function variablesOf(v: unknown, where: string, r: Reader): Map<string, unknown> {
  const out = new Map<string, unknown>();
  r.list(v, where).forEach((item, i) => {
    const e = r.rec(item, `${where}[${i}]`);
    if (!e || typeof e.name !== 'string') {
      if (e) r.note(`${where}[${i}] has no name.`, `${where}[${i}]`);
      return;
    }
    if (out.has(e.name)) r.note(`${where} sets ${e.name} twice: the first one counts.`, `${where} ${e.name}`);
    else out.set(e.name, e.value);
    const meant = FORM_VARIABLES.find((k) => k !== e.name && normalKey(k) === normalKey(e.name as string));
    if (meant) r.note(`The manifest has a variable "${e.name}" where ${meant} is meant: the form shows only ${meant} (fix the name in the manifest).`, `${where} ${meant}`);
  });
  return out;
}

/** The variables the form shows. */
const FORM_VARIABLES = ['vmClass', 'storageClass', 'nodePoolVolumes', 'proxy'];

function readDesign(value: unknown, form: ApiForm, r: Reader): ClusterDesign {
  const root = isRecord(value) ? value : {};
  const meta = r.rec(root.metadata, 'metadata') ?? {};
  const spec = r.rec(root.spec, 'spec') ?? {};
  r.misspelt(meta, ['name', 'namespace'], 'metadata');
  const base = { form, name: r.str(meta.name, 'metadata.name'), namespace: r.str(meta.namespace, 'metadata.namespace') };
  return form === 'cluster-v1beta1' ? { ...base, ...readCluster(spec, r) } : { ...base, ...readTkc(spec, form, r) };
}

function readTkc(spec: Rec, form: ApiForm, r: Reader): Omit<ClusterDesign, 'form' | 'name' | 'namespace'> {
  const topo = r.rec(spec.topology, 'spec.topology') ?? {};
  const cpWhere = 'spec.topology.controlPlane';
  const cp = r.rec(topo.controlPlane, cpWhere) ?? {};
  r.misspelt(topo, ['controlPlane', 'nodePools'], 'spec.topology');
  r.misspelt(cp, ['replicas', 'vmClass', 'storageClass', 'tkr'], cpWhere);
  const tkrRec = r.rec(cp.tkr, `${cpWhere}.tkr`);
  const ref = tkrRec ? r.rec(tkrRec.reference, `${cpWhere}.tkr.reference`) : undefined;
  let tkr = ref ? r.str(ref.name, `${cpWhere}.tkr.reference.name`) : '';
  if (tkr === '' && !ref) {
    const dist = r.rec(spec.distribution, 'spec.distribution');
    if (dist) {
      const version = r.str(dist.version, 'spec.distribution.version');
      const field = version ? 'version' : 'fullVersion';
      tkr = version || r.str(dist.fullVersion, 'spec.distribution.fullVersion');
      if (tkr) {
        r.note(`The release is read from spec.distribution.${field} (deprecated): changing it writes spec.topology.controlPlane.tkr.reference.name and removes spec.distribution.`, 'spec.distribution');
      }
    }
  }
  const controlPlane = {
    replicas: r.controlPlaneReplicas(cp.replicas, `${cpWhere}.replicas`),
    vmClass: r.str(cp.vmClass, `${cpWhere}.vmClass`),
    storageClass: r.str(cp.storageClass, `${cpWhere}.storageClass`),
  };
  const pools = r.list(topo.nodePools, 'spec.topology.nodePools').map((item, i): NodePoolDesign => {
    const w = `spec.topology.nodePools[${i}]`;
    const p = r.rec(item, w) ?? {};
    r.misspelt(p, ['name', 'replicas', 'vmClass', 'storageClass', 'failureDomain', 'volumes'], w);
    let failureDomain = r.str(p.failureDomain, `${w}.failureDomain`);
    if (failureDomain && form === 'tkc-v1alpha2') {
      r.note(`${w}.failureDomain is a field of v1alpha3, not v1alpha2: the designer leaves it as it is and shows it empty.`, `${w}.failureDomain`);
      failureDomain = '';
    }
    return {
      name: r.str(p.name, `${w}.name`),
      replicas: r.count(p.replicas, `${w}.replicas`),
      vmClass: r.str(p.vmClass, `${w}.vmClass`),
      storageClass: r.str(p.storageClass, `${w}.storageClass`),
      failureDomain,
      volumes: readVolumes(p.volumes, `${w}.volumes`, r),
    };
  });
  const settings = r.rec(spec.settings, 'spec.settings') ?? {};
  const nw = 'spec.settings.network';
  const net = r.rec(settings.network, nw) ?? {};
  r.misspelt(net, ['cni', 'pods', 'services', 'serviceDomain', 'proxy'], nw);
  const cni = r.rec(net.cni, `${nw}.cni`);
  const pods = r.rec(net.pods, `${nw}.pods`);
  const services = r.rec(net.services, `${nw}.services`);
  return {
    controlPlane,
    nodePools: pools,
    tkr,
    cni: cni ? r.str(cni.name, `${nw}.cni.name`) : '',
    podCidrs: pods ? r.strList(pods.cidrBlocks, `${nw}.pods.cidrBlocks`) : [],
    serviceCidrs: services ? r.strList(services.cidrBlocks, `${nw}.services.cidrBlocks`) : [],
    serviceDomain: r.str(net.serviceDomain, `${nw}.serviceDomain`),
    proxy: readProxy(net.proxy, `${nw}.proxy`, r),
  };
}

function readCluster(spec: Rec, r: Reader): Omit<ClusterDesign, 'form' | 'name' | 'namespace'> {
  const topo = r.rec(spec.topology, 'spec.topology') ?? {};
  const vw = 'spec.topology.variables';
  const vars = variablesOf(topo.variables, vw, r);
  const cpVmClass = r.str(vars.get('vmClass'), `${vw} vmClass`);
  const cpStorageClass = r.str(vars.get('storageClass'), `${vw} storageClass`);
  const globalVolumes = readVolumes(vars.get('nodePoolVolumes'), `${vw} nodePoolVolumes`, r);
  const cp = r.rec(topo.controlPlane, 'spec.topology.controlPlane') ?? {};
  r.misspelt(topo, ['version', 'controlPlane', 'workers', 'variables'], 'spec.topology');
  r.misspelt(cp, ['replicas'], 'spec.topology.controlPlane');
  const replicas = r.controlPlaneReplicas(cp.replicas, 'spec.topology.controlPlane.replicas');
  const workers = r.rec(topo.workers, 'spec.topology.workers') ?? {};
  const mw = 'spec.topology.workers.machineDeployments';
  const pools = r.list(workers.machineDeployments, mw).map((item, i): NodePoolDesign => {
    const w = `${mw}[${i}]`;
    const md = r.rec(item, w) ?? {};
    r.misspelt(md, ['name', 'replicas', 'failureDomain'], w);
    const mdVars = r.rec(md.variables, `${w}.variables`) ?? {};
    const ov = variablesOf(mdVars.overrides, `${w}.variables.overrides`, r);
    return {
      name: r.str(md.name, `${w}.name`),
      replicas: r.count(md.replicas, `${w}.replicas`),
      vmClass: ov.has('vmClass') ? r.str(ov.get('vmClass'), `${w} override vmClass`) : cpVmClass,
      storageClass: ov.has('storageClass') ? r.str(ov.get('storageClass'), `${w} override storageClass`) : cpStorageClass,
      failureDomain: r.str(md.failureDomain, `${w}.failureDomain`),
      volumes: ov.has('nodePoolVolumes') ? readVolumes(ov.get('nodePoolVolumes'), `${w} override nodePoolVolumes`, r) : globalVolumes.map(cloneVolume),
    };
  });
  const cw = 'spec.clusterNetwork';
  const net = r.rec(spec.clusterNetwork, cw) ?? {};
  r.misspelt(net, ['pods', 'services', 'serviceDomain'], cw);
  const pods = r.rec(net.pods, `${cw}.pods`);
  const services = r.rec(net.services, `${cw}.services`);
  return {
    controlPlane: { replicas, vmClass: cpVmClass, storageClass: cpStorageClass },
    nodePools: pools,
    tkr: r.str(topo.version, 'spec.topology.version'),
    cni: '',
    podCidrs: pods ? r.strList(pods.cidrBlocks, `${cw}.pods.cidrBlocks`) : [],
    serviceCidrs: services ? r.strList(services.cidrBlocks, `${cw}.services.cidrBlocks`) : [],
    serviceDomain: r.str(net.serviceDomain, `${cw}.serviceDomain`),
    proxy: readProxy(vars.get('proxy'), `${vw} proxy`, r),
  };
}

// ---------------------------------------------------------------------------------------------
// Writing fresh documents
// ---------------------------------------------------------------------------------------------

function volumeValue(v: VolumeDesign): Rec {
  return { name: v.name, mountPath: v.mountPath, capacity: { storage: v.capacity }, ...(v.storageClass ? { storageClass: v.storageClass } : {}) };
}

function tkcPoolValue(p: NodePoolDesign, form: ApiForm): Rec {
  return {
    name: p.name,
    ...(p.replicas !== undefined ? { replicas: p.replicas } : {}),
    vmClass: p.vmClass,
    storageClass: p.storageClass,
    ...(form === 'tkc-v1alpha3' && p.failureDomain ? { failureDomain: p.failureDomain } : {}),
    ...(p.volumes.length > 0 ? { volumes: p.volumes.map(volumeValue) } : {}),
  };
}

function proxyValue(p: ProxyDesign): Rec {
  return { httpProxy: p.httpProxy, httpsProxy: p.httpsProxy, noProxy: [...p.noProxy] };
}

/**
 * A pool's class overrides the cluster's only when the user picked one that differs: an empty
 * pool field means "as the cluster", never an empty override the user did not write.
 */
function poolOverrides(pool: string, cluster: string): boolean {
  return pool !== '' && pool !== cluster;
}

function machineDeploymentValue(p: NodePoolDesign, d: ClusterDesign, volumes: VolumeDesign[] | undefined): Rec {
  const overrides: Rec[] = [];
  if (poolOverrides(p.vmClass, d.controlPlane.vmClass)) overrides.push({ name: 'vmClass', value: p.vmClass });
  if (poolOverrides(p.storageClass, d.controlPlane.storageClass)) overrides.push({ name: 'storageClass', value: p.storageClass });
  if (volumes && volumes.length > 0) overrides.push({ name: 'nodePoolVolumes', value: volumes.map(volumeValue) });
  return {
    class: 'node-pool',
    name: p.name,
    ...(p.replicas !== undefined ? { replicas: p.replicas } : {}),
    ...(p.failureDomain ? { failureDomain: p.failureDomain } : {}),
    ...(overrides.length > 0 ? { variables: { overrides } } : {}),
  };
}

function allSame(lists: VolumeDesign[][]): boolean {
  return lists.every((l) => deepEqual(l, lists[0]));
}

function freshValue(design: ClusterDesign): Rec {
  const d = writtenDesign(design);
  const info = formInfo(d.form);
  const metadata = { name: d.name, ...(d.namespace ? { namespace: d.namespace } : {}) };
  const network: Rec = {};
  if (d.cni) network.cni = { name: d.cni };
  if (d.serviceCidrs.length > 0) network.services = { cidrBlocks: [...d.serviceCidrs] };
  if (d.podCidrs.length > 0) network.pods = { cidrBlocks: [...d.podCidrs] };
  if (d.serviceDomain) network.serviceDomain = d.serviceDomain;
  if (d.form !== 'cluster-v1beta1') {
    if (d.proxy) network.proxy = proxyValue(d.proxy);
    const controlPlane = {
      replicas: d.controlPlane.replicas,
      vmClass: d.controlPlane.vmClass,
      storageClass: d.controlPlane.storageClass,
      ...(d.tkr ? { tkr: { reference: { name: d.tkr } } } : {}),
    };
    return {
      apiVersion: info.apiVersion,
      kind: info.kind,
      metadata,
      spec: {
        topology: { controlPlane, nodePools: d.nodePools.map((p) => tkcPoolValue(p, d.form)) },
        ...(Object.keys(network).length > 0 ? { settings: { network } } : {}),
      },
    };
  }
  const volumeLists = d.nodePools.map((p) => p.volumes);
  const shared = allSame(volumeLists);
  const variables: Rec[] = [{ name: 'vmClass', value: d.controlPlane.vmClass }, { name: 'storageClass', value: d.controlPlane.storageClass }];
  if (shared && volumeLists.length > 0 && volumeLists[0].length > 0) variables.push({ name: 'nodePoolVolumes', value: volumeLists[0].map(volumeValue) });
  if (d.proxy) variables.push({ name: 'proxy', value: proxyValue(d.proxy) });
  return {
    apiVersion: info.apiVersion,
    kind: info.kind,
    metadata,
    spec: {
      ...(Object.keys(network).length > 0 ? { clusterNetwork: network } : {}),
      topology: {
        class: TKC_CLASS,
        version: d.tkr,
        controlPlane: { replicas: d.controlPlane.replicas },
        workers: { machineDeployments: d.nodePools.map((p) => machineDeploymentValue(p, d, shared ? undefined : p.volumes)) },
        variables,
      },
    },
  };
}

function freshText(design: ClusterDesign): string {
  const doc = new Document();
  doc.contents = makeNode(doc, freshValue(design), undefined) as typeof doc.contents;
  return doc.toString(stringOptions(FRESH_FORMAT));
}

// ---------------------------------------------------------------------------------------------
// Editing in place
// ---------------------------------------------------------------------------------------------

function editInPlace(t: Target, design: ClusterDesign): string {
  const want = writtenDesign(design);
  const current = readDesign(t.value, t.form, new Reader());
  const fmt = inferFormat(t.chunk.text);
  let spliced: string | undefined;
  try {
    const ed = new TextEditor(t.chunk.text, fmt);
    applyDesign(ed, current, want);
    spliced = ed.text();
    if (writesDesign(spliced, want)) return spliced;
  } catch {
    // A layout the splicer does not handle: the Document API below writes it.
  }
  const ed = new DocEditor(t.chunk.text, fmt);
  applyDesign(ed, current, want);
  const out = withLineEnds(ed.text(), t.chunk.text);
  return spliced !== undefined && !writesDesign(out, want) ? spliced : out;
}

/** Whether a document text parses and reads back as the design. */
function writesDesign(text: string, want: ClusterDesign): boolean {
  const doc = parseDocument(text, PARSE_OPTIONS);
  if (doc.errors.length > 0) return false;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    return false;
  }
  const f = formOf(value);
  if (!f || !('form' in f) || f.form !== want.form) return false;
  return deepEqual(writtenDesign(readDesign(value, f.form, new Reader())), want);
}

/** Writes what differs between `cur` (the document as read) and `want`, field by field. */
function applyDesign(ed: Editor, cur: ClusterDesign, want: ClusterDesign): void {
  if (cur.form !== want.form) ed.set(['apiVersion'], formInfo(want.form).apiVersion);
  field(ed, ['metadata', 'name'], want.name, cur.name, false);
  field(ed, ['metadata', 'namespace'], want.namespace, cur.namespace, true);
  if (want.form === 'cluster-v1beta1') applyCluster(ed, cur, want);
  else applyTkc(ed, cur, want);
}

/** Sets a field when the design changed it; `omitEmpty`: an empty value deletes the key. */
function field(ed: Editor, path: Path, want: unknown, cur: unknown, omitEmpty: boolean): void {
  if (deepEqual(want, cur)) return;
  if (want === undefined || (omitEmpty && (want === '' || (Array.isArray(want) && want.length === 0)))) ed.remove(path);
  else ed.set(path, want);
}

/** A list of strings: item by item when it is a block list (keeping each item's comments), else whole. */
function stringList(ed: Editor, path: Path, want: string[], cur: string[], omitEmpty: boolean): void {
  if (deepEqual(want, cur)) return;
  const now = ed.get(path);
  if (want.length === 0 || !Array.isArray(now) || now.length !== cur.length || !now.every((x) => typeof x === 'string')) {
    field(ed, path, want, cur, omitEmpty);
    return;
  }
  for (let k = now.length - 1; k >= want.length; k--) ed.removeItem(path, k);
  for (let i = 0; i < Math.min(want.length, now.length); i++) ed.set([...path, i], want[i]);
  for (let i = now.length; i < want.length; i++) ed.append(path, want[i]);
}

function applyProxy(ed: Editor, path: Path, want: ProxyDesign | undefined, cur: ProxyDesign | undefined): void {
  if (deepEqual(want, cur)) return;
  if (!want) {
    ed.remove(path);
    return;
  }
  if (!cur || !isRecord(ed.get(path))) {
    ed.set(path, proxyValue(want));
    return;
  }
  field(ed, [...path, 'httpProxy'], want.httpProxy, cur.httpProxy, false);
  field(ed, [...path, 'httpsProxy'], want.httpsProxy, cur.httpsProxy, false);
  stringList(ed, [...path, 'noProxy'], want.noProxy, cur.noProxy, false);
}

function applyVolumes(ed: Editor, path: Path, want: VolumeDesign[], cur: VolumeDesign[]): void {
  if (deepEqual(want, cur)) return;
  if (want.length === 0) {
    ed.remove(path);
    return;
  }
  const now = ed.get(path);
  if (!Array.isArray(now) || now.length !== cur.length) {
    ed.set(path, want.map(volumeValue));
    return;
  }
  for (let k = cur.length - 1; k >= want.length; k--) ed.removeItem(path, k);
  for (let i = 0; i < Math.min(want.length, cur.length); i++) {
    const w = want[i];
    const c = cur[i];
    const base = [...path, i];
    if (!isRecord(now[i])) {
      ed.set(base, volumeValue(w));
      continue;
    }
    field(ed, [...base, 'name'], w.name, c.name, false);
    field(ed, [...base, 'mountPath'], w.mountPath, c.mountPath, false);
    field(ed, [...base, 'capacity', 'storage'], w.capacity, c.capacity, false);
    field(ed, [...base, 'storageClass'], w.storageClass, c.storageClass, true);
  }
  for (let i = cur.length; i < want.length; i++) ed.append(path, volumeValue(want[i]));
}

/**
 * Which current pool each wanted pool is: by name first (the first unused of that name), then
 * an unmatched one at the same index (a renamed pool). -1: a new pool.
 */
function matchPools(want: NodePoolDesign[], cur: NodePoolDesign[]): number[] {
  const used = new Set<number>();
  const match = want.map((w) => {
    const k = cur.findIndex((c, j) => !used.has(j) && c.name === w.name);
    if (k !== -1) used.add(k);
    return k;
  });
  // An unmatched pool at the index of an unmatched current one is that pool renamed.
  return match.map((k, i) => (k === -1 && i < cur.length && !used.has(i) ? i : k));
}

/**
 * Brings the pool list to the wanted pools: deletes the removed, appends the new, reorders, then
 * writes the fields of the kept ones. Returns, per wanted pool, the current pool it was (or -1).
 */
function applyPoolList(
  ed: Editor,
  listPath: Path,
  want: NodePoolDesign[],
  cur: NodePoolDesign[],
  render: (p: NodePoolDesign) => Rec,
  fields: (i: number, w: NodePoolDesign, c: NodePoolDesign) => void,
): number[] {
  const now = ed.get(listPath);
  if (!Array.isArray(now) || now.length !== cur.length) {
    if (want.length > 0 || cur.length > 0) ed.set(listPath, want.map(render));
    return want.map(() => -1);
  }
  const match = matchPools(want, cur);
  const kept = new Set(match.filter((k) => k !== -1));
  for (let k = cur.length - 1; k >= 0; k--) if (!kept.has(k)) ed.removeItem(listPath, k);
  const keptOrder = [...kept].sort((a, b) => a - b);
  let appended = 0;
  const position = match.map((k, i) => {
    if (k !== -1) return keptOrder.indexOf(k);
    ed.append(listPath, render(want[i]));
    return keptOrder.length + appended++;
  });
  if (position.some((p, i) => p !== i)) ed.reorder(listPath, position);
  match.forEach((k, i) => {
    if (k !== -1) fields(i, want[i], cur[k]);
  });
  return match;
}

function applyTkc(ed: Editor, cur: ClusterDesign, want: ClusterDesign): void {
  const cp = ['spec', 'topology', 'controlPlane'];
  field(ed, [...cp, 'replicas'], want.controlPlane.replicas, cur.controlPlane.replicas, false);
  field(ed, [...cp, 'vmClass'], want.controlPlane.vmClass, cur.controlPlane.vmClass, false);
  field(ed, [...cp, 'storageClass'], want.controlPlane.storageClass, cur.controlPlane.storageClass, false);
  const tkrChanged = want.tkr !== cur.tkr;
  if (tkrChanged) {
    field(ed, [...cp, 'tkr', 'reference', 'name'], want.tkr, cur.tkr, true);
    if (ed.has(['spec', 'distribution'])) ed.remove(['spec', 'distribution']);
  }
  const poolsPath = ['spec', 'topology', 'nodePools'];
  applyPoolList(ed, poolsPath, want.nodePools, cur.nodePools, (p) => tkcPoolValue(p, want.form), (i, w, c) => {
    const base = [...poolsPath, i];
    field(ed, [...base, 'name'], w.name, c.name, false);
    field(ed, [...base, 'replicas'], w.replicas, c.replicas, false);
    field(ed, [...base, 'vmClass'], w.vmClass, c.vmClass, false);
    field(ed, [...base, 'storageClass'], w.storageClass, c.storageClass, false);
    field(ed, [...base, 'failureDomain'], w.failureDomain, c.failureDomain, true);
    applyVolumes(ed, [...base, 'volumes'], w.volumes, c.volumes);
    // A pool's own release reference (templates carry one) follows the cluster's.
    if (tkrChanged && ed.has([...base, 'tkr', 'reference', 'name'])) field(ed, [...base, 'tkr', 'reference', 'name'], want.tkr, cur.tkr, true);
  });
  const net = ['spec', 'settings', 'network'];
  field(ed, [...net, 'cni', 'name'], want.cni, cur.cni, true);
  stringList(ed, [...net, 'services', 'cidrBlocks'], want.serviceCidrs, cur.serviceCidrs, true);
  stringList(ed, [...net, 'pods', 'cidrBlocks'], want.podCidrs, cur.podCidrs, true);
  field(ed, [...net, 'serviceDomain'], want.serviceDomain, cur.serviceDomain, true);
  applyProxy(ed, [...net, 'proxy'], want.proxy, cur.proxy);
}

const VARIABLES: Path = ['spec', 'topology', 'variables'];

function variableIndex(ed: Editor, listPath: Path, name: string): number {
  const list = ed.get(listPath);
  return Array.isArray(list) ? list.findIndex((v) => isRecord(v) && v.name === name) : -1;
}

function setVariable(ed: Editor, listPath: Path, name: string, value: unknown): void {
  const list = ed.get(listPath);
  if (!Array.isArray(list)) {
    ed.set(listPath, [{ name, value }]);
    return;
  }
  const i = variableIndex(ed, listPath, name);
  if (i === -1) ed.append(listPath, { name, value });
  else ed.set([...listPath, i, 'value'], value);
}

function removeVariable(ed: Editor, listPath: Path, name: string): void {
  const i = variableIndex(ed, listPath, name);
  if (i === -1) return;
  const list = ed.get(listPath) as unknown[];
  if (list.length === 1) ed.remove(listPath);
  else ed.removeItem(listPath, i);
}

/** A volumes variable, edited volume by volume when it exists. */
function setVolumesVariable(ed: Editor, listPath: Path, name: string, want: VolumeDesign[]): void {
  const i = variableIndex(ed, listPath, name);
  if (i === -1) {
    setVariable(ed, listPath, name, want.map(volumeValue));
    return;
  }
  const valuePath = [...listPath, i, 'value'];
  applyVolumes(ed, valuePath, want, readVolumes(ed.get(valuePath), '', new Reader()));
}

/** A machineDeployment's override of a class variable: present only when the pool's value differs. */
function syncOverride(ed: Editor, overrides: Path, name: string, value: string | undefined): void {
  if (value === undefined) {
    removeVariable(ed, overrides, name);
    return;
  }
  const i = variableIndex(ed, overrides, name);
  if (i === -1 || ed.get([...overrides, i, 'value']) !== value) setVariable(ed, overrides, name, value);
}

function applyCluster(ed: Editor, cur: ClusterDesign, want: ClusterDesign): void {
  const topo = ['spec', 'topology'];
  field(ed, [...topo, 'version'], want.tkr, cur.tkr, false);
  field(ed, [...topo, 'controlPlane', 'replicas'], want.controlPlane.replicas, cur.controlPlane.replicas, false);
  const net = ['spec', 'clusterNetwork'];
  stringList(ed, [...net, 'services', 'cidrBlocks'], want.serviceCidrs, cur.serviceCidrs, true);
  stringList(ed, [...net, 'pods', 'cidrBlocks'], want.podCidrs, cur.podCidrs, true);
  field(ed, [...net, 'serviceDomain'], want.serviceDomain, cur.serviceDomain, true);
  const vmChanged = want.controlPlane.vmClass !== cur.controlPlane.vmClass;
  const scChanged = want.controlPlane.storageClass !== cur.controlPlane.storageClass;
  if (vmChanged) setVariable(ed, VARIABLES, 'vmClass', want.controlPlane.vmClass);
  if (scChanged) setVariable(ed, VARIABLES, 'storageClass', want.controlPlane.storageClass);
  if (!deepEqual(want.proxy, cur.proxy)) {
    const i = variableIndex(ed, VARIABLES, 'proxy');
    if (!want.proxy) removeVariable(ed, VARIABLES, 'proxy');
    else if (i === -1 || !cur.proxy) setVariable(ed, VARIABLES, 'proxy', proxyValue(want.proxy));
    else applyProxy(ed, [...VARIABLES, i, 'value'], want.proxy, cur.proxy);
  }
  const mds = ['spec', 'topology', 'workers', 'machineDeployments'];
  const overridesOf = (i: number) => [...mds, i, 'variables', 'overrides'];
  applyPoolList(ed, mds, want.nodePools, cur.nodePools, (p) => machineDeploymentValue(p, want, undefined), (i, w, c) => {
    const base = [...mds, i];
    field(ed, [...base, 'name'], w.name, c.name, false);
    field(ed, [...base, 'replicas'], w.replicas, c.replicas, false);
    field(ed, [...base, 'failureDomain'], w.failureDomain, c.failureDomain, true);
    if (vmChanged || w.vmClass !== c.vmClass) syncOverride(ed, overridesOf(i), 'vmClass', poolOverrides(w.vmClass, want.controlPlane.vmClass) ? w.vmClass : undefined);
    if (scChanged || w.storageClass !== c.storageClass) {
      syncOverride(ed, overridesOf(i), 'storageClass', poolOverrides(w.storageClass, want.controlPlane.storageClass) ? w.storageClass : undefined);
    }
  });
  // Volumes: one class variable when every pool has the same, else an override per pool.
  const wantVolumes = want.nodePools.map((p) => p.volumes);
  if (wantVolumes.length === 0 || deepEqual(wantVolumes, cur.nodePools.map((p) => p.volumes))) return;
  if (allSame(wantVolumes)) {
    if (wantVolumes[0].length === 0) removeVariable(ed, VARIABLES, 'nodePoolVolumes');
    else setVolumesVariable(ed, VARIABLES, 'nodePoolVolumes', wantVolumes[0]);
    wantVolumes.forEach((_, i) => removeVariable(ed, overridesOf(i), 'nodePoolVolumes'));
  } else {
    removeVariable(ed, VARIABLES, 'nodePoolVolumes');
    wantVolumes.forEach((v, i) => {
      if (v.length === 0) removeVariable(ed, overridesOf(i), 'nodePoolVolumes');
      else setVolumesVariable(ed, overridesOf(i), 'nodePoolVolumes', v);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Offsets -> form fields
// ---------------------------------------------------------------------------------------------

/** The path of the most specific node (or key) holding `offset`. */
function pathAt(node: ParsedNode, offset: number, path: Path): Path {
  if (isMap(node)) {
    for (const pair of node.items) {
      const kr = rangeOf(pair.key);
      if (!kr) continue;
      const key = keyOf(pair.key) ?? '';
      const value = pair.value as ParsedNode | null;
      const vr = rangeOf(value);
      const end = vr ? Math.max(vr[1], kr[1]) : kr[1];
      if (offset < kr[0] || offset > end) continue;
      if (offset <= kr[1]) return [...path, key];
      if (value && vr && offset >= vr[0] && (offset < vr[1] || (isScalar(value) && offset === vr[1]))) return pathAt(value, offset, [...path, key]);
      return [...path, key];
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i] as ParsedNode;
      const r = rangeOf(item);
      if (r && offset >= r[0] && (offset < r[1] || (isScalar(item) && offset === r[1]))) return pathAt(item, offset, [...path, i]);
    }
  }
  return path;
}

/** A key as a person might misspell it: case, '-' and '_' do not count. */
function normalKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** The keys the form reads, by their normal spelling. */
const CANONICAL = new Map(['metadata', 'name', 'namespace', 'spec', 'topology', 'controlPlane', 'nodePools', 'replicas', 'vmClass', 'storageClass',
  'failureDomain', 'volumes', 'mountPath', 'capacity', 'tkr', 'reference', 'settings', 'network', 'cni', 'pods', 'services', 'cidrBlocks',
  'serviceDomain', 'proxy', 'httpProxy', 'httpsProxy', 'noProxy', 'version', 'workers', 'machineDeployments', 'variables', 'overrides',
  'clusterNetwork'].map((k) => [normalKey(k), k]));

/** `a.b[2].c` as a path. */
function parsePath(where: string): Path {
  const out: (string | number)[] = [];
  for (const m of where.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/**
 * The form field a note's place is, for the notes the Reader takes down: a path, or for a Cluster's
 * variable `<list path> <variable>[rest]` (the class's variables, or a machine deployment's overrides).
 */
function fieldOfWhere(where: string, form: ApiForm, value: unknown): DesignFieldId | undefined {
  if (form !== 'cluster-v1beta1') return tkcField(parsePath(where));
  const m = /^(\S+) (?:override )?(\w+)(.*)$/.exec(where);
  if (!m) return clusterField(parsePath(where), value);
  const [, list, name, restText] = m;
  const rest = parsePath(restText);
  const pool = /machineDeployments\[(\d+)\]/.exec(list);
  const i = pool ? Number(pool[1]) : undefined;
  if (name === 'vmClass' || name === 'storageClass') return i === undefined ? `controlPlane.${name}` : `nodePools.${i}.${name}`;
  if (name === 'nodePoolVolumes') return volumeField(i ?? 0, rest);
  if (name === 'proxy' && i === undefined) return proxyField(rest);
  return i === undefined ? undefined : `nodePools.${i}`;
}

const POOL_FIELDS = new Set(['name', 'replicas', 'vmClass', 'storageClass', 'failureDomain']);
const VOLUME_FIELDS = new Set(['name', 'mountPath', 'capacity', 'storageClass']);
const PROXY_FIELDS = new Set(['httpProxy', 'httpsProxy', 'noProxy']);

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.every((p, i) => path[i] === p);
}

/**
 * `nodePools.i.volumes.j.field` for a path into a volumes list (rest = [j, field, ...]); elsewhere in
 * it, the nearest enclosing id (`nodePools.i.volumes.j`, `nodePools.i.volumes`). Ids that are not in
 * the form are prefixes of ids that are, so a caller can walk up to the nearest control it has.
 */
function volumeField(pool: number, rest: Path): DesignFieldId {
  const [j, f] = rest;
  if (typeof j !== 'number') return `nodePools.${pool}.volumes`;
  return typeof f === 'string' && VOLUME_FIELDS.has(f) ? `nodePools.${pool}.volumes.${j}.${f}` : `nodePools.${pool}.volumes.${j}`;
}

function proxyField(rest: Path): DesignFieldId {
  return typeof rest[0] === 'string' && PROXY_FIELDS.has(rest[0]) ? `proxy.${rest[0]}` : 'proxy';
}

function commonField(path: Path): DesignFieldId | undefined {
  if (path[0] === 'apiVersion' || path[0] === 'kind') return 'form';
  if (startsWith(path, ['metadata', 'name'])) return 'name';
  if (startsWith(path, ['metadata', 'namespace'])) return 'namespace';
  if (startsWith(path, ['spec', 'topology', 'controlPlane', 'replicas'])) return 'controlPlane.replicas';
  return undefined;
}

function tkcField(path: Path): DesignFieldId | undefined {
  const common = commonField(path);
  if (common) return common;
  const cp = ['spec', 'topology', 'controlPlane'];
  if (startsWith(path, [...cp, 'vmClass'])) return 'controlPlane.vmClass';
  if (startsWith(path, [...cp, 'storageClass'])) return 'controlPlane.storageClass';
  if (startsWith(path, [...cp, 'tkr']) || startsWith(path, ['spec', 'distribution'])) return 'tkr';
  const pools = ['spec', 'topology', 'nodePools'];
  if (startsWith(path, pools)) {
    const [i, f] = path.slice(pools.length);
    if (typeof i !== 'number') return 'nodePools';
    if (typeof f !== 'string') return `nodePools.${i}`;
    if (POOL_FIELDS.has(f)) return `nodePools.${i}.${f}`;
    if (f === 'volumes') return volumeField(i, path.slice(pools.length + 2));
    if (f === 'tkr') return 'tkr';
    return `nodePools.${i}`;
  }
  const net = ['spec', 'settings', 'network'];
  if (startsWith(path, [...net, 'cni'])) return 'cni';
  if (startsWith(path, [...net, 'pods'])) return 'podCidrs';
  if (startsWith(path, [...net, 'services'])) return 'serviceCidrs';
  if (startsWith(path, [...net, 'serviceDomain'])) return 'serviceDomain';
  if (startsWith(path, [...net, 'proxy'])) return proxyField(path.slice(net.length + 1));
  return undefined;
}

function clusterField(path: Path, value: unknown): DesignFieldId | undefined {
  const common = commonField(path);
  if (common) return common;
  if (startsWith(path, ['spec', 'topology', 'class'])) return 'form';
  if (startsWith(path, ['spec', 'topology', 'version'])) return 'tkr';
  const net = ['spec', 'clusterNetwork'];
  if (startsWith(path, [...net, 'pods'])) return 'podCidrs';
  if (startsWith(path, [...net, 'services'])) return 'serviceCidrs';
  if (startsWith(path, [...net, 'serviceDomain'])) return 'serviceDomain';
  const nameAt = (p: Path) => {
    const v = getPath(value, p);
    return isRecord(v) && typeof v.name === 'string' ? v.name : undefined;
  };
  const mds = ['spec', 'topology', 'workers', 'machineDeployments'];
  if (startsWith(path, mds)) {
    const [i, f, g, k] = path.slice(mds.length);
    if (typeof i !== 'number') return 'nodePools';
    if (typeof f !== 'string') return `nodePools.${i}`;
    if (f === 'name' || f === 'replicas' || f === 'failureDomain') return `nodePools.${i}.${f}`;
    if (f === 'variables' && g === 'overrides' && typeof k === 'number') {
      const name = nameAt([...mds, i, 'variables', 'overrides', k]);
      if (name === 'vmClass' || name === 'storageClass') return `nodePools.${i}.${name}`;
      if (name === 'nodePoolVolumes') return path[mds.length + 4] === 'value' ? volumeField(i, path.slice(mds.length + 5)) : `nodePools.${i}.volumes`;
    }
    return `nodePools.${i}`;
  }
  if (startsWith(path, [...VARIABLES]) && typeof path[VARIABLES.length] === 'number') {
    const k = path[VARIABLES.length];
    const name = nameAt([...VARIABLES, k]);
    const rest = path.slice(VARIABLES.length + 1);
    if (name === 'vmClass') return 'controlPlane.vmClass';
    if (name === 'storageClass') return 'controlPlane.storageClass';
    if (name === 'proxy') return rest[0] === 'value' ? proxyField(rest.slice(1)) : 'proxy';
    if (name === 'nodePoolVolumes') {
      // The class variable holds the volumes of every pool without its own: show it on the first.
      const list = getPath(value, mds);
      const pools = Array.isArray(list) ? list : [];
      const own = (md: unknown) => {
        const ov = getPath(md, ['variables', 'overrides']);
        return Array.isArray(ov) && ov.some((o) => isRecord(o) && o.name === 'nodePoolVolumes');
      };
      const pool = Math.max(0, pools.findIndex((md) => !own(md)));
      return rest[0] === 'value' ? volumeField(pool, rest.slice(1)) : `nodePools.${pool}.volumes`;
    }
  }
  return undefined;
}
