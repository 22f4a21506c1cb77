/**
 * The cluster designer webview: a form beside a Monaco YAML editor, kept in step both ways, and
 * the host's findings shown on both.
 *
 * Invariants:
 * - The text in the editor is the truth. A form change writes the text (designToText, as one
 *   undoable edit) and does not read it back; a text change reads the form (designFromText) and
 *   never rewrites the text. The control that has the focus is never overwritten.
 * - Findings are shown only for the version of the text they were computed for.
 * - The text lives in vscode.setState, so a hidden-then-shown panel (no retainContextWhenHidden)
 *   comes back as it was.
 */
import { applyVsCodeTheme, configureYaml, createEditor, followVsCodeTheme, monaco } from './monaco';
import './designer.css';
import { changeForm, defaultDesign, designFromText, designToText, fieldAt, fixesAt, offsetOf, type FieldNote } from '../../core/designer/index';
import { API_FORMS, type ApiForm, type ClusterDesign, type DesignerChoices, type DesignFieldId, type ProxyDesign } from '../../core/designer/types';
import type { DesignerConnection, DesignerFinding, DesignerPersist, DesignerWebviewState, HostToWebviewMessage, WebviewToHostMessage } from './protocol';

const vscode = acquireVsCodeApi<DesignerWebviewState>();
const post = (message: WebviewToHostMessage) => vscode.postMessage(message);

const CHANGED_DELAY_MS = 150;
const PARSE_DELAY_MS = 60;
const MARKER_OWNER = 'tanzu-gitops';
/** Finding codes monaco-yaml reports in the editor itself. */
const EDITOR_OWN_CODES = new Set(['yaml-syntax', 'schema']);
const CNIS: [string, string][] = [['', 'Supervisor default'], ['antrea', 'antrea'], ['calico', 'calico'], ['antrea-nsx-routed', 'antrea-nsx-routed']];

// --- state -----------------------------------------------------------------------------------

let editor: monaco.editor.IStandaloneCodeEditor | undefined;
let design: ClusterDesign = defaultDesign();
let choices: DesignerChoices = { namespaces: [], vmClasses: [], storageClasses: [], tkrs: [], zones: [] };
/** Kept while the proxy box is unticked, so ticking it again brings the values back. */
let lastProxy: ProxyDesign | undefined;
let renderedShape = '';
let applyingFormEdit = false;
let seq = 0;
let postedVersion = 0;
let changePending = false;
let changeTimer: ReturnType<typeof setTimeout> | undefined;
let parseTimer: ReturnType<typeof setTimeout> | undefined;
/** Why the text does not read as a design (the form then shows the last design that did). */
let textError: string | undefined;
let findings: DesignerFinding[] = [];
let findingsText = '';
/** What the text holds that the form cannot show, at its field (from the last read of the text). */
let fieldNotes: FieldNote[] = [];
/**
 * A new design: until the user touches a field, what it still needs shows as a prompt, not as an
 * error. Touched: a field edited in the form; every field once Save, Commit or Sync is asked for.
 */
let promptUntouched = false;
const touched = new Set<DesignFieldId>();
let allTouched = false;

// --- small DOM helpers -------------------------------------------------------------------------

type Attrs = Record<string, string | number | boolean | undefined>;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | undefined | false)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T | null {
  return document.getElementById(id) as T | null;
}

const controlId = (field: DesignFieldId) => `field-${field}`;
const slotId = (field: DesignFieldId) => `findings-${field}`;

function icon(name: string): HTMLElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

interface FieldOptions {
  type?: 'text' | 'number';
  list?: string;
  placeholder?: string;
  hint?: string;
  inputmode?: string;
  min?: number;
}

/** A labelled control with room for its findings below it. */
function fieldWrapper(field: DesignFieldId, label: string, control: HTMLElement, hint?: string): HTMLElement {
  const hintEl = hint ? h('div', { class: 'hint', id: `hint-${field}` }, hint) : undefined;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  control.dataset.describedby = hintEl?.id ?? '';
  return h('div', { class: 'field', 'data-wrapper': field },
    h('label', { for: control.id }, label),
    control,
    hintEl,
    h('div', { class: 'field-findings', id: slotId(field) }));
}

function inputField(field: DesignFieldId, label: string, o: FieldOptions = {}): HTMLElement {
  const input = h('input', {
    id: controlId(field), name: field, 'data-field': field, type: o.type ?? 'text', list: o.list, placeholder: o.placeholder,
    inputmode: o.inputmode, min: o.min, autocomplete: 'off', spellcheck: 'false',
  });
  return fieldWrapper(field, label, input, o.hint);
}

function selectField(field: DesignFieldId, label: string, options: [string, string][], hint?: string): HTMLElement {
  const select = h('select', { id: controlId(field), name: field, 'data-field': field },
    ...options.map(([value, text]) => h('option', { value }, text)));
  return fieldWrapper(field, label, select, hint);
}

function checkboxField(field: DesignFieldId, label: string): HTMLElement {
  const input = h('input', { id: controlId(field), name: field, 'data-field': field, type: 'checkbox' });
  input.dataset.describedby = '';
  return h('div', { class: 'field field-checkbox', 'data-wrapper': field },
    h('div', { class: 'checkbox-row' }, input, h('label', { for: input.id }, label)),
    h('div', { class: 'field-findings', id: slotId(field) }));
}

function section(title: string, id: string, ...children: (Node | undefined)[]): HTMLElement {
  return h('section', { class: 'form-section', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title), ...children);
}

function button(text: string, attrs: Attrs, iconName?: string): HTMLButtonElement {
  return h('button', { type: 'button', ...attrs }, iconName ? icon(iconName) : undefined, h('span', {}, text));
}

// --- the page ----------------------------------------------------------------------------------

const titleEl = h('h1', { id: 'title' }, 'Cluster designer');
const connectionEl = h('span', { class: 'connection', id: 'connection' });
// Live regions: the problem count and the status line are read out when they change (role status:
// polite and atomic, so the whole count is read, not the one number that changed).
const countEl = h('span', { class: 'problem-count', id: 'problem-count', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
const saveButton = button('Save…', { id: 'save', class: 'secondary', title: 'Save the manifest to a file' }, 'save');
const commitButton = button('Commit…', { id: 'commit', class: 'secondary', title: 'Save and commit the manifest to Git' }, 'git-commit');
const syncButton = button('Sync…', { id: 'sync', class: 'primary', title: 'Apply the manifest to the Supervisor' }, 'sync');
const statusEl = h('div', { class: 'status', id: 'status', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
const parseErrorEl = h('div', { class: 'parse-error', id: 'parse-error', 'aria-live': 'polite', hidden: true });
const notesEl = h('ul', { class: 'notes', id: 'notes', hidden: true });
const summaryEl = h('ul', { class: 'findings-summary', id: 'findings-summary', 'aria-label': 'Problems not tied to a form field', hidden: true });
const poolsEl = h('div', { class: 'pools', id: 'pools' });
const editorEl = h('div', { class: 'editor', id: 'editor' });

const datalists = {
  namespaces: h('datalist', { id: 'choices-namespaces' }),
  vmClasses: h('datalist', { id: 'choices-vmClasses' }),
  storageClasses: h('datalist', { id: 'choices-storageClasses' }),
  tkrs: h('datalist', { id: 'choices-tkrs' }),
  zones: h('datalist', { id: 'choices-zones' }),
};

const formEl = h('form', { class: 'design-form', id: 'design-form', 'aria-label': 'Cluster design', novalidate: true },
  parseErrorEl,
  notesEl,
  summaryEl,
  section('Cluster', 'cluster',
    selectField('form', 'API version', API_FORMS.map((f) => [f.id, f.label])),
    h('div', { class: 'row' },
      inputField('name', 'Name', { placeholder: 'my-cluster' }),
      inputField('namespace', 'vSphere Namespace', { list: datalists.namespaces.id, placeholder: 'pick a vSphere Namespace' })),
    inputField('tkr', 'Tanzu Kubernetes release', { list: datalists.tkrs.id, placeholder: 'v1.26.5---vmware.2-fips.1-tkg.1' })),
  section('Control plane', 'control-plane',
    selectField('controlPlane.replicas', 'Nodes', [['1', '1 (single node)'], ['3', '3 (highly available)']]),
    h('div', { class: 'row' },
      inputField('controlPlane.vmClass', 'VM class', { list: datalists.vmClasses.id }),
      inputField('controlPlane.storageClass', 'Storage class', { list: datalists.storageClasses.id }))),
  section('Node pools', 'node-pools',
    h('div', { class: 'field-findings', id: slotId('nodePools') }),
    poolsEl,
    button('Add node pool', { id: 'add-pool', class: 'secondary add', 'data-action': 'add-pool', 'data-findings-for': 'nodePools' }, 'add')),
  section('Network', 'network',
    selectField('cni', 'CNI', CNIS),
    h('div', { class: 'row' },
      inputField('podCidrs', 'Pod CIDRs', { placeholder: '192.168.0.0/16', hint: 'Comma-separated.' }),
      inputField('serviceCidrs', 'Service CIDRs', { placeholder: '10.96.0.0/12', hint: 'Comma-separated.' })),
    inputField('serviceDomain', 'Service domain', { placeholder: 'cluster.local' })),
  section('Proxy', 'proxy',
    checkboxField('proxy', 'Use an HTTP proxy'),
    h('div', { class: 'row' },
      inputField('proxy.httpProxy', 'HTTP proxy', { placeholder: 'http://proxy.example.com:3128' }),
      inputField('proxy.httpsProxy', 'HTTPS proxy', { placeholder: 'http://proxy.example.com:3128' })),
    inputField('proxy.noProxy', 'No proxy for', { placeholder: '10.0.0.0/8, .svc, .local', hint: 'Comma-separated hosts, domains and CIDRs.' })),
  ...Object.values(datalists),
);

// The host's page has `<div id="app" role="main">`; a bare page (the preview) gets one.
const root = byId('app') ?? document.body.appendChild(h('div', { id: 'app', role: 'main', 'aria-label': 'Cluster designer' }));
root.classList.add('app');
root.replaceChildren(
  h('header', { class: 'toolbar' },
    h('div', { class: 'title-block' }, titleEl, connectionEl),
    countEl,
    h('div', { class: 'actions' }, saveButton, commitButton, syncButton)),
  h('div', { class: 'panes' },
    h('div', { class: 'form-pane' }, formEl),
    h('div', { class: 'editor-pane', role: 'region', 'aria-label': 'Manifest' },
      h('div', { class: 'pane-header' }, h('span', { class: 'pane-title' }, 'Manifest'), h('span', { class: 'pane-hint' }, 'Ctrl+Space: suggestions · F8: next problem · Ctrl+M: Tab moves focus')),
      editorEl)),
  h('footer', { class: 'statusbar' }, statusEl));

// --- design fields -------------------------------------------------------------------------------

const splitList = (s: string) => s.split(',').map((x) => x.trim()).filter((x) => x);

function getField(d: ClusterDesign, field: DesignFieldId): string | boolean {
  const p = field.split('.');
  switch (p[0]) {
    case 'form': return d.form;
    case 'name': return d.name;
    case 'namespace': return d.namespace;
    case 'tkr': return d.tkr;
    case 'cni': return d.cni;
    case 'serviceDomain': return d.serviceDomain;
    case 'podCidrs': return d.podCidrs.join(', ');
    case 'serviceCidrs': return d.serviceCidrs.join(', ');
    case 'controlPlane': return p[1] === 'replicas' ? String(d.controlPlane.replicas) : String(d.controlPlane[p[1] as 'vmClass' | 'storageClass'] ?? '');
    case 'proxy': {
      if (p.length === 1) return d.proxy !== undefined;
      const proxy = d.proxy ?? lastProxy;
      if (!proxy) return '';
      return p[1] === 'noProxy' ? proxy.noProxy.join(', ') : proxy[p[1] as 'httpProxy' | 'httpsProxy'];
    }
    case 'nodePools': {
      const pool = d.nodePools[Number(p[1])];
      if (!pool) return '';
      if (p[2] === 'volumes') {
        const v = pool.volumes[Number(p[3])];
        return v ? v[p[4] as 'name' | 'mountPath' | 'capacity' | 'storageClass'] : '';
      }
      if (p[2] === 'replicas') return pool.replicas === undefined ? '' : String(pool.replicas);
      return pool[p[2] as 'name' | 'vmClass' | 'storageClass' | 'failureDomain'] ?? '';
    }
  }
  return '';
}

/** Writes one control's value into `d` (a copy the caller owns). */
function setField(d: ClusterDesign, field: DesignFieldId, value: string | boolean): void {
  const p = field.split('.');
  const s = typeof value === 'string' ? value : '';
  switch (p[0]) {
    case 'name': d.name = s; break;
    case 'namespace': d.namespace = s; break;
    case 'tkr': d.tkr = s; break;
    case 'cni': d.cni = s; break;
    case 'serviceDomain': d.serviceDomain = s; break;
    case 'podCidrs': d.podCidrs = splitList(s); break;
    case 'serviceCidrs': d.serviceCidrs = splitList(s); break;
    case 'controlPlane':
      if (p[1] === 'replicas') d.controlPlane.replicas = Number.parseInt(s, 10) || 1;
      else d.controlPlane[p[1] as 'vmClass' | 'storageClass'] = s;
      break;
    case 'proxy':
      if (p.length === 1) {
        if (value) d.proxy = d.proxy ?? lastProxy ?? { httpProxy: '', httpsProxy: '', noProxy: [] };
        else { lastProxy = d.proxy ?? lastProxy; d.proxy = undefined; }
      } else if (d.proxy) {
        if (p[1] === 'noProxy') d.proxy.noProxy = splitList(s);
        else d.proxy[p[1] as 'httpProxy' | 'httpsProxy'] = s;
      }
      break;
    case 'nodePools': {
      const pool = d.nodePools[Number(p[1])];
      if (!pool) break;
      if (p[2] === 'volumes') {
        const v = pool.volumes[Number(p[3])];
        if (v) v[p[4] as 'name' | 'mountPath' | 'capacity' | 'storageClass'] = s;
      } else if (p[2] === 'replicas') {
        const n = Number.parseInt(s, 10);
        pool.replicas = s.trim() === '' || !Number.isFinite(n) ? undefined : n;
      } else {
        pool[p[2] as 'name' | 'vmClass' | 'storageClass' | 'failureDomain'] = s;
      }
      break;
    }
  }
}

// --- rendering the form --------------------------------------------------------------------------

/** What the dynamic part of the form depends on: when it changes, the pools are built again. */
function shapeOf(d: ClusterDesign): string {
  return `${d.form}|${d.nodePools.map((p) => p.volumes.length).join(',')}`;
}

function renderPools(d: ClusterDesign): void {
  const focusedId = document.activeElement instanceof HTMLElement && poolsEl.contains(document.activeElement) ? document.activeElement.id : undefined;
  const pools = d.nodePools.map((pool, i) => {
    const f = (name: string) => `nodePools.${i}.${name}`;
    const legend = h('legend', { id: `pool-${i}-legend` }, `Node pool ${pool.name || i + 1}`);
    const volumes = pool.volumes.map((_, j) => {
      const v = (name: string) => `nodePools.${i}.volumes.${j}.${name}`;
      return h('div', { class: 'volume', role: 'group', 'aria-label': `Volume ${j + 1}`, 'data-wrapper': `nodePools.${i}.volumes.${j}`, 'data-findings-for': `nodePools.${i}.volumes.${j}` },
        h('div', { class: 'row' },
          inputField(v('name'), 'Name', { placeholder: 'containerd' }),
          inputField(v('mountPath'), 'Mount path', { placeholder: '/var/lib/containerd' })),
        h('div', { class: 'row' },
          inputField(v('capacity'), 'Capacity', { placeholder: '50Gi' }),
          inputField(v('storageClass'), 'Storage class', { list: datalists.storageClasses.id, placeholder: 'the pool’s' })),
        h('div', { class: 'field-findings', id: slotId(`nodePools.${i}.volumes.${j}`) }),
        h('div', { class: 'item-actions' },
          button('Remove volume', { id: `remove-volume-${i}-${j}`, class: 'link danger', 'data-action': 'remove-volume', 'data-pool': i, 'data-volume': j, 'aria-label': `Remove volume ${j + 1} of node pool ${pool.name || i + 1}` }, 'trash')));
    });
    return h('fieldset', { class: 'pool', id: `pool-${i}`, 'data-wrapper': `nodePools.${i}`, 'data-findings-for': `nodePools.${i}` },
      legend,
      h('div', { class: 'row' },
        inputField(f('name'), 'Name', { placeholder: 'workers' }),
        inputField(f('replicas'), 'Nodes', { type: 'number', min: 0, inputmode: 'numeric', placeholder: 'autoscaler' })),
      h('div', { class: 'row' },
        inputField(f('vmClass'), 'VM class', { list: datalists.vmClasses.id }),
        inputField(f('storageClass'), 'Storage class', { list: datalists.storageClasses.id })),
      d.form === 'tkc-v1alpha2' ? undefined : inputField(f('failureDomain'), 'vSphere Zone', { list: datalists.zones.id, placeholder: 'any zone' }),
      h('div', { class: 'volumes' },
        h('div', { class: 'subhead', id: `pool-${i}-volumes` }, 'Volumes'),
        h('div', { class: 'field-findings', id: slotId(`nodePools.${i}.volumes`) }),
        ...volumes,
        button('Add volume', { id: `add-volume-${i}`, class: 'link', 'data-action': 'add-volume', 'data-pool': i, 'data-findings-for': `nodePools.${i}.volumes`, 'aria-label': `Add a volume to node pool ${pool.name || i + 1}` }, 'add')),
      h('div', { class: 'field-findings', id: slotId(`nodePools.${i}`) }),
      h('div', { class: 'item-actions' },
        button('Remove pool', { id: `remove-pool-${i}`, class: 'secondary danger', 'data-action': 'remove-pool', 'data-pool': i, 'aria-label': `Remove node pool ${pool.name || i + 1}` }, 'trash')));
  });
  poolsEl.replaceChildren(...pools);
  if (!d.nodePools.length) poolsEl.append(h('p', { class: 'empty' }, 'No node pools: the cluster runs workloads on no nodes.'));
  renderedShape = shapeOf(d);
  if (focusedId) byId(focusedId)?.focus();
}

function setHidden(field: DesignFieldId, hidden: boolean): void {
  const wrapper = formEl.querySelector<HTMLElement>(`[data-wrapper="${CSS.escape(field)}"]`);
  if (wrapper) wrapper.hidden = hidden;
}

/** Puts `d` into the controls, except the one being typed in (unless `all`). */
function fillForm(d: ClusterDesign, all = false): void {
  if (shapeOf(d) !== renderedShape) renderPools(d);
  setHidden('cni', d.form === 'cluster-v1beta1');
  const active = document.activeElement;
  for (const el of formEl.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-field]')) {
    const field = el.dataset.field!;
    if (field.startsWith('proxy.')) el.disabled = d.proxy === undefined;
    if (el === active && !all) continue;
    const value = getField(d, field);
    if (el instanceof HTMLSelectElement) offerValue(el, String(value));
    if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = value === true;
    else if (el.value !== value) el.value = String(value);
  }
  d.nodePools.forEach((pool, i) => {
    const legend = byId(`pool-${i}-legend`);
    if (legend) legend.textContent = `Node pool ${pool.name || i + 1}`;
  });
}

/**
 * A select shows the text's value even when it is none of its options (a control plane of 2): an
 * option for it, marked as not one of the choices, so the form and the YAML say the same.
 */
function offerValue(select: HTMLSelectElement, value: string): void {
  for (const o of select.querySelectorAll('option[data-from-text]')) if ((o as HTMLOptionElement).value !== value) o.remove();
  if ([...select.options].some((o) => o.value === value)) return;
  select.append(h('option', { value, 'data-from-text': true }, `${value} (as the manifest says; not a choice)`));
}

function fillDatalists(): void {
  for (const [key, list] of Object.entries(datalists) as [keyof DesignerChoices, HTMLDataListElement][]) {
    const label = key === 'vmClasses' ? (v: string) => choices.vmClassSizes?.[v] || undefined : () => undefined;
    // The label (a VM class's CPU and memory) shows beside the value in the list.
    list.replaceChildren(...((choices[key] ?? []) as string[]).map((value) => h('option', { value, label: label(value) }, value)));
  }
}

function showConnection(connected: DesignerConnection | undefined): void {
  connectionEl.replaceChildren(
    icon(connected ? 'vm-connect' : 'debug-disconnect'),
    h('span', {}, connected ? `${connected.context} · ${connected.namespace}` : 'Not connected: suggestions are defaults'));
  connectionEl.classList.toggle('offline', !connected);
  connectionEl.title = connected ? `Connected to ${connected.context}, namespace ${connected.namespace}` : 'Connect to a Supervisor to pick from its VM classes, storage classes and releases';
}

function setStatus(message: string, kind: 'info' | 'error' = 'info'): void {
  statusEl.textContent = message;
  statusEl.classList.toggle('status-error', kind === 'error');
}

// --- text <-> form -------------------------------------------------------------------------------

function currentText(): string {
  return editor?.getModel()?.getValue() ?? '';
}

/** Replaces the editor's text with `text` as one undoable edit of only the part that differs. */
function setTextFromForm(text: string): void {
  const model = editor?.getModel();
  if (!editor || !model) return;
  const old = model.getValue();
  if (old === text) return;
  let start = 0;
  while (start < old.length && start < text.length && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let endOld = old.length;
  let endNew = text.length;
  while (endOld > start && endNew > start && old.charCodeAt(endOld - 1) === text.charCodeAt(endNew - 1)) { endOld--; endNew--; }
  const range = monaco.Range.fromPositions(model.getPositionAt(start), model.getPositionAt(endOld));
  applyingFormEdit = true;
  try {
    editor.pushUndoStop();
    editor.executeEdits('designer-form', [{ range, text: text.slice(start, endNew), forceMoveMarkers: true }]);
    editor.pushUndoStop();
  } finally {
    applyingFormEdit = false;
  }
}

function commitDesign(next: ClusterDesign): void {
  design = next;
  setTextFromForm(designToText(next, currentText()));
  fillForm(design);
  applyFindings();
}

function readText(): void {
  const result = designFromText(currentText());
  textError = 'error' in result ? result.error : undefined;
  if ('error' in result) {
    parseErrorEl.replaceChildren(icon('error'), h('span', {}, `${result.error} The form shows the last valid design; fix the manifest to edit it here again.`));
    parseErrorEl.hidden = false;
    formEl.classList.add('stale');
    return;
  }
  parseErrorEl.hidden = true;
  formEl.classList.remove('stale');
  if (statusEl.classList.contains('status-error') && statusEl.textContent?.startsWith('Fix the manifest first')) setStatus('');
  notesEl.replaceChildren(...(result.notes ?? []).map((n) => h('li', {}, icon('info'), h('span', {}, n))));
  notesEl.hidden = !result.notes?.length;
  fieldNotes = result.fieldNotes ?? [];
  design = result.design;
  fillForm(design);
  applyFindings();
}

/**
 * While the text does not read as a design, the form cannot write it (designToText would have no
 * document to edit): the control goes back to the last design and the status line says why.
 */
/**
 * A new design started in the connected namespace before the Supervisor said which namespaces are
 * vSphere Namespaces: when that one is not, and the user has not touched the field, the form asks
 * for one instead (the value was the designer's start, not the user's pick).
 */
function askForNamespace(): void {
  if (!promptUntouched || touched.has('namespace') || textError !== undefined || !design.namespace) return;
  if (choices.namespaces.length === 0 || choices.namespaces.includes(design.namespace)) return;
  const connected = design.namespace;
  commitDesign({ ...structuredClone(design), namespace: '' });
  setStatus(`Which vSphere Namespace is the cluster for? ${connected} is not one: pick one to see its VM classes, storage classes and releases.`);
}

function refuseWhileTextBroken(): boolean {
  if (textError === undefined) return false;
  fillForm(design, true);
  setStatus(`Fix the manifest first: ${textError}`, 'error');
  return true;
}

function onControl(el: HTMLInputElement | HTMLSelectElement): void {
  const field = el.dataset.field;
  if (!field || refuseWhileTextBroken()) return;
  touched.add(field);
  let next = structuredClone(design);
  if (field === 'form') next = changeForm(next, el.value as ApiForm);
  else setField(next, field, el instanceof HTMLInputElement && el.type === 'checkbox' ? el.checked : el.value);
  commitDesign(next);
}

function onAction(target: HTMLElement): void {
  const action = target.dataset.action;
  if (refuseWhileTextBroken()) return;
  const next = structuredClone(design);
  const i = Number(target.dataset.pool);
  switch (action) {
    case 'add-pool': {
      const last = next.nodePools[next.nodePools.length - 1];
      next.nodePools.push({
        name: uniquePoolName(next), replicas: last?.replicas ?? 1,
        vmClass: last?.vmClass ?? next.controlPlane.vmClass, storageClass: last?.storageClass ?? next.controlPlane.storageClass,
        failureDomain: '', volumes: [],
      });
      commitDesign(next);
      byId(controlId(`nodePools.${next.nodePools.length - 1}.name`))?.focus();
      setStatus(`Added node pool ${next.nodePools[next.nodePools.length - 1].name}.`);
      break;
    }
    case 'remove-pool': {
      const [removed] = next.nodePools.splice(i, 1);
      commitDesign(next);
      // The focus goes where the removed pool was: the next pool's name, else the button after the list.
      (byId(controlId(`nodePools.${i}.name`)) ?? byId('add-pool'))?.focus();
      setStatus(`Removed node pool ${removed?.name || i + 1}.`);
      break;
    }
    case 'add-volume': {
      const pool = next.nodePools[i];
      if (!pool) return;
      pool.volumes.push({ name: pool.volumes.length ? `data${pool.volumes.length}` : 'containerd', mountPath: pool.volumes.length ? '' : '/var/lib/containerd', capacity: '50Gi', storageClass: '' });
      commitDesign(next);
      byId(controlId(`nodePools.${i}.volumes.${pool.volumes.length - 1}.name`))?.focus();
      break;
    }
    case 'remove-volume': {
      const j = Number(target.dataset.volume);
      next.nodePools[i]?.volumes.splice(j, 1);
      commitDesign(next);
      (byId(controlId(`nodePools.${i}.volumes.${j}.name`)) ?? byId(`add-volume-${i}`))?.focus();
      setStatus(`Removed volume ${j + 1}.`);
      break;
    }
  }
}

function uniquePoolName(d: ClusterDesign): string {
  const names = new Set(d.nodePools.map((p) => p.name));
  for (let n = d.nodePools.length + 1; ; n++) if (!names.has(`pool-${n}`)) return `pool-${n}`;
}

let postedNamespace: string | undefined;

/** Asks the host for another namespace's choices (once per namespace in a row). */
function pickNamespace(value: string): void {
  const namespace = value.trim();
  if (!namespace || namespace === postedNamespace) return;
  postedNamespace = namespace;
  post({ type: 'namespace', namespace });
}

formEl.addEventListener('input', (e) => {
  const t = e.target;
  if (!(t instanceof HTMLInputElement) || t.type === 'checkbox' || !t.dataset.field) return;
  onControl(t);
  // A namespace picked from the list is final; a typed one waits for `change`.
  if (t.dataset.field === 'namespace' && choices.namespaces.includes(t.value.trim())) pickNamespace(t.value);
});
formEl.addEventListener('change', (e) => {
  const t = e.target;
  if (t instanceof HTMLSelectElement || (t instanceof HTMLInputElement && t.type === 'checkbox')) onControl(t);
  if (t instanceof HTMLInputElement && t.dataset.field === 'namespace') pickNamespace(t.value);
});
formEl.addEventListener('click', (e) => {
  const target = (e.target as HTMLElement).closest<HTMLElement>('[data-action]');
  if (target) onAction(target);
});
formEl.addEventListener('submit', (e) => e.preventDefault());

// --- talking to the host -------------------------------------------------------------------------

/** Where the host saves to, kept for a panel restored after a reload. */
let persisted: DesignerPersist = {};

function saveState(): void {
  vscode.setState({ ...persisted, text: currentText(), formScrollTop: formEl.parentElement?.scrollTop ?? 0 });
}

function postChanged(): void {
  clearTimeout(changeTimer);
  changePending = false;
  postedVersion = ++seq;
  post({ type: 'changed', version: postedVersion, text: currentText() });
  saveState();
}

function onTextChanged(): void {
  changePending = true;
  clearTimeout(changeTimer);
  changeTimer = setTimeout(postChanged, CHANGED_DELAY_MS);
  if (applyingFormEdit) return;
  clearTimeout(parseTimer);
  parseTimer = setTimeout(readText, PARSE_DELAY_MS);
}

/** Save, Commit or Sync: what the design still needs is an error from now on, not a prompt. */
function ask(type: 'save' | 'commit' | 'sync'): void {
  if (!allTouched) {
    allTouched = true;
    applyFindings(true);
  }
  post({ type, text: currentText() });
}

for (const [el, type] of [[saveButton, 'save'], [commitButton, 'commit'], [syncButton, 'sync']] as const) {
  el.addEventListener('click', () => ask(type));
}
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 's') {
    e.preventDefault();
    ask('save');
  }
});

// --- findings ------------------------------------------------------------------------------------

const SEVERITY: Record<DesignerFinding['severity'], monaco.MarkerSeverity> = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
};
const ICON: Record<DesignerFinding['severity'], string> = { error: 'error', warning: 'warning', info: 'info' };

/** The findings slot for a field, or for the nearest enclosing field that has a visible one. */
function slotFor(field: DesignFieldId | undefined): { slot: HTMLElement; field: DesignFieldId } | undefined {
  while (field) {
    const slot = byId(slotId(field));
    if (slot && !slot.closest('[hidden]')) return { slot, field };
    const dot = field.lastIndexOf('.');
    field = dot === -1 ? undefined : field.slice(0, dot);
  }
  return undefined;
}

/**
 * What a field's findings describe (aria-describedby): its control, or for a field without one
 * the element marked `data-findings-for` (a pool's fieldset, a volume's group, the Add buttons of
 * the pool and volume lists), so every message under the form is read with something focusable.
 */
function describedControl(field: DesignFieldId): HTMLElement | null {
  return byId(controlId(field)) ?? formEl.querySelector<HTMLElement>(`[data-findings-for="${CSS.escape(field)}"]`);
}

const toMonacoRange = (r: DesignerFinding['range']) => new monaco.Range(r.start.line + 1, r.start.character + 1, r.end.line + 1, r.end.character + 1);

/**
 * The editor's quick fixes: the fixes of the host's findings (the same rules and fixes as the
 * VS Code editor), offered only while the text is the one they were computed for.
 */
function registerQuickFixes(): void {
  monaco.languages.registerCodeActionProvider('yaml', {
    provideCodeActions(model, range, context) {
      const asked = { start: { line: range.startLineNumber - 1, character: range.startColumn - 1 }, end: { line: range.endLineNumber - 1, character: range.endColumn - 1 } };
      const actions: monaco.languages.CodeAction[] = [];
      for (const f of fixesAt(findings, findingsText, model.getValue(), asked)) {
        const where = toMonacoRange(f.range);
        const markers = context.markers.filter((m) => m.message === f.message && where.equalsRange(m));
        for (const fix of f.fixes ?? []) {
          actions.push({
            title: fix.title,
            kind: 'quickfix',
            diagnostics: markers,
            isPreferred: fix.preferred,
            edit: { edits: fix.edits.map((e) => ({ resource: model.uri, versionId: model.getVersionId(), textEdit: { range: toMonacoRange(e.range), text: e.newText } })) },
          });
        }
      }
      return { actions, dispose: () => undefined };
    },
  }, { providedCodeActionKinds: ['quickfix'] });
}

function revealRange(f: DesignerFinding): void {
  if (!editor) return;
  const range = toMonacoRange(f.range);
  editor.setSelection(range);
  editor.revealRangeInCenterIfOutsideViewport(range);
  editor.focus();
}

function findingEl(f: DesignerFinding, id: string, prompt: boolean): HTMLElement {
  if (prompt) {
    return h('div', { class: 'finding finding-prompt', id },
      icon('edit'),
      h('span', { class: 'message' }, h('strong', {}, 'Required: '), f.message));
  }
  return h('div', { class: `finding finding-${f.severity}`, id },
    icon(ICON[f.severity]),
    h('span', { class: 'message' }, f.message, ' ', h('span', { class: 'code' }, f.code)));
}

/** A finding on a field of a new design that is empty and untouched: a prompt, not an error. */
function isPrompt(field: DesignFieldId | undefined): boolean {
  if (!promptUntouched || allTouched || field === undefined || touched.has(field)) return false;
  const control = byId(controlId(field));
  return control instanceof HTMLInputElement && control.type !== 'checkbox' && getField(design, field) === '';
}

/** Links a message under the form to the control it describes (aria-describedby, aria-invalid for errors). */
function describe(field: DesignFieldId, id: string, invalid: boolean): void {
  const control = describedControl(field);
  if (!control) return;
  const ids = [...(control.dataset.findingIds ?? '').split(' ').filter((x) => x), id];
  control.dataset.findingIds = ids.join(' ');
  control.setAttribute('aria-describedby', [control.dataset.describedby ?? '', ...ids].filter((x) => x).join(' '));
  // aria-invalid belongs to controls that take a value, not to a group or a button.
  if (invalid && control.matches('input, select, textarea')) control.setAttribute('aria-invalid', 'true');
}

/**
 * Shows the findings on the form (and, with `markers`, in the editor). Between a change and the
 * host's answer the form keeps the previous findings, placed by the text they were computed for;
 * the editor's markers move with the edits by themselves.
 */
function applyFindings(markers = false): void {
  const model = editor?.getModel();
  if (!model) return;
  const text = findingsText;
  const current = findings;
  const fieldOf = new Map(current.map((f) => [f, fieldAt(text, offsetOf(text, f.range.start.line, f.range.start.character))]));
  const prompts = new Set(current.filter((f) => isPrompt(fieldOf.get(f))));
  // monaco-yaml already marks syntax and schema errors as you type (same schemas): the host's
  // copies of those go on the form only, so the editor does not show each one twice.
  if (markers) monaco.editor.setModelMarkers(model, MARKER_OWNER, current.filter((f) => !EDITOR_OWN_CODES.has(f.code)).map((f) => ({
    severity: prompts.has(f) ? monaco.MarkerSeverity.Hint : SEVERITY[f.severity],
    message: f.message,
    code: f.code,
    source: 'Tanzu GitOps',
    startLineNumber: f.range.start.line + 1,
    startColumn: f.range.start.character + 1,
    endLineNumber: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
  })));

  for (const el of formEl.querySelectorAll('.field-findings .finding')) el.remove();
  for (const el of formEl.querySelectorAll<HTMLElement>('[aria-invalid], [data-finding-ids]')) {
    el.removeAttribute('aria-invalid');
    delete el.dataset.findingIds;
    const base = el.dataset.describedby ?? '';
    if (base) el.setAttribute('aria-describedby', base);
    else el.removeAttribute('aria-describedby');
  }
  const summary: HTMLElement[] = [];
  current.forEach((f, n) => {
    const id = `finding-${n}`;
    const target = slotFor(fieldOf.get(f));
    if (!target) {
      const item = h('li', { class: `finding finding-${f.severity}`, id },
        icon(ICON[f.severity]),
        h('span', { class: 'message' },
          h('button', { type: 'button', class: 'link', id: `${id}-show`, title: 'Show in the manifest' }, f.message), ' ',
          h('span', { class: 'code' }, f.code)));
      item.querySelector('button')!.addEventListener('click', () => revealRange(f));
      summary.push(item);
      return;
    }
    target.slot.append(findingEl(f, id, prompts.has(f)));
    describe(target.field, id, f.severity === 'error' && !prompts.has(f));
  });
  // What the text holds that a field cannot show, said at that field.
  fieldNotes.forEach((n, k) => {
    const target = slotFor(n.field);
    if (!target) return;
    const id = `field-note-${k}`;
    target.slot.append(h('div', { class: 'finding finding-note', id }, icon('info'), h('span', { class: 'message' }, n.message)));
    describe(target.field, id, false);
  });
  summaryEl.replaceChildren(...summary);
  summaryEl.hidden = summary.length === 0;

  const count = (s: DesignerFinding['severity']) => current.filter((f) => f.severity === s && !prompts.has(f)).length;
  const parts = ([['error', 'error', 'errors'], ['warning', 'warning', 'warnings'], ['info', 'info', 'infos']] as const)
    .map(([s, one, many]) => [count(s), one, many] as const).filter(([c]) => c > 0).map(([c, one, many]) => `${c} ${c === 1 ? one : many}`);
  if (prompts.size > 0) parts.push(`${prompts.size} to fill in`);
  // Only a different count is written: the region is live, and a rewrite reads it out again.
  const countText = parts.length ? parts.join(', ') : 'No problems';
  if (countEl.textContent !== countText) {
    countEl.replaceChildren(icon(count('error') ? 'error' : count('warning') ? 'warning' : prompts.size ? 'edit' : 'pass'), h('span', {}, countText));
    countEl.className = `problem-count ${count('error') ? 'has-errors' : count('warning') ? 'has-warnings' : 'clean'}`;
  }
}

// --- messages from the host ----------------------------------------------------------------------

function onInit(msg: Extract<HostToWebviewMessage, { type: 'init' }>): void {
  titleEl.textContent = msg.title;
  document.title = msg.title;
  choices = msg.choices;
  fillDatalists();
  showConnection(msg.connected);
  configureYaml(msg.schemas);
  const state = vscode.getState();
  persisted = { ...(state ? { target: state.target, editsDocument: state.editsDocument } : {}), ...(msg.persist ?? {}) };
  const restored = state?.text !== undefined && state.text !== msg.text;
  // New Cluster: the host sends no text; the design starts in the namespace the host names (the
  // connected vSphere Namespace), or asks for one, and picks no class or release of its own.
  const fresh = !restored && msg.text.trim() === '';
  const namespace = msg.namespace ?? msg.connected?.namespace ?? '';
  const text = restored ? state!.text : fresh ? designToText(defaultDesign({ namespace })) : msg.text;
  promptUntouched = fresh;
  if (!editor) {
    editor = createEditor(editorEl, text);
    editor.onDidChangeModelContent(onTextChanged);
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => ask('save'));
    followVsCodeTheme(editor);
    registerQuickFixes();
    // For scripts/designer-preview.ts: markers by owner and the model, as a test reads them.
    (window as unknown as { __tanzuDesigner: unknown }).__tanzuDesigner = { monaco, editor };
  } else if (currentText() !== text) {
    applyingFormEdit = true;
    try {
      editor.getModel()?.setValue(text);
    } finally {
      applyingFormEdit = false;
    }
  }
  clearTimeout(parseTimer);
  readText();
  if (state?.formScrollTop && formEl.parentElement) formEl.parentElement.scrollTop = state.formScrollTop;
  postChanged();
  if (restored) setStatus('Restored the design you were editing.');
  if (fresh && !namespace) {
    byId(controlId('namespace'))?.focus();
    setStatus('Which vSphere Namespace is the cluster for? Pick one to see its VM classes, storage classes and releases.');
  } else if (fresh) byId(controlId('name'))?.focus();
}

window.addEventListener('message', (event: MessageEvent<HostToWebviewMessage>) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return;
  switch (msg.type) {
    case 'init':
      onInit(msg);
      break;
    case 'choices':
      choices = msg.choices;
      fillDatalists();
      showConnection(msg.connected);
      askForNamespace();
      break;
    case 'findings':
      if (msg.version !== postedVersion || changePending) return;
      findings = msg.findings;
      findingsText = currentText();
      applyFindings(true);
      break;
    case 'saved':
      if (msg.persist) persisted = { ...persisted, ...msg.persist };
      saveState();
      setStatus(`Saved to ${msg.path}.`);
      break;
    case 'status':
      setStatus(msg.message, msg.kind);
      break;
  }
});

let scrollTimer: ReturnType<typeof setTimeout> | undefined;
formEl.parentElement?.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(saveState, 200);
});

renderPools(design);
fillForm(design);
applyVsCodeTheme();
showConnection(undefined);
post({ type: 'ready' });
