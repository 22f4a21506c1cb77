/**
 * Monaco inside the designer webview: the editor core with only the contributions the designer
 * uses, YAML highlighting, monaco-yaml (schema completion, hover, validation) and a theme that
 * follows VS Code's.
 *
 * Invariants:
 * - No network: both web workers (Monaco's editor worker and monaco-yaml's) are bundled by
 *   scripts/build.ts into strings and started from blob: URLs (the CSP allows `worker-src blob:`);
 *   schemas come from the extension host, never fetched (`enableSchemaRequest: false`).
 * - style-nonce.ts runs before Monaco is evaluated, so Monaco's run-time `<style>` elements
 *   carry the page's nonce.
 */
import './style-nonce';
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api';
// The contributions the designer needs, instead of editor.main's ~80: typing and cursor commands,
// hover, completion (with snippets, which monaco-yaml's completions are), marker navigation (F8),
// find, folding, comments, line and word operations, links (computed in the editor worker),
// Ctrl+M (Tab moves focus) and quick fixes.
import 'monaco-editor/esm/vs/editor/browser/coreCommands.js';
import 'monaco-editor/esm/vs/editor/common/standaloneStrings.js';
import 'monaco-editor/esm/vs/editor/contrib/hover/browser/hoverContribution.js';
import 'monaco-editor/esm/vs/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-editor/esm/vs/editor/contrib/snippet/browser/snippetController2.js';
import 'monaco-editor/esm/vs/editor/contrib/gotoError/browser/gotoError.js';
import 'monaco-editor/esm/vs/editor/contrib/find/browser/findController.js';
import 'monaco-editor/esm/vs/editor/contrib/folding/browser/folding.js';
import 'monaco-editor/esm/vs/editor/contrib/comment/browser/comment.js';
import 'monaco-editor/esm/vs/editor/contrib/linesOperations/browser/linesOperations.js';
import 'monaco-editor/esm/vs/editor/contrib/wordOperations/browser/wordOperations.js';
import 'monaco-editor/esm/vs/editor/contrib/bracketMatching/browser/bracketMatching.js';
import 'monaco-editor/esm/vs/editor/contrib/links/browser/links.js';
import 'monaco-editor/esm/vs/editor/contrib/toggleTabFocusMode/browser/toggleTabFocusMode.js';
// Quick fixes (Ctrl+. and the light bulb, and "Quick Fix..." in a problem's hover).
import 'monaco-editor/esm/vs/editor/contrib/codeAction/browser/codeActionContributions.js';
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codicon/codicon.css';
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codicon/codicon-modifiers.css';
import { conf as yamlConf, language as yamlLanguage } from 'monaco-editor/esm/vs/languages/definitions/yaml/yaml.js';
import { configureMonacoYaml, type MonacoYaml, type SchemasSettings } from 'monaco-yaml';
import editorWorkerCode from 'worker:monaco-editor/esm/vs/editor/editor.worker.js';
import yamlWorkerCode from 'worker:monaco-yaml/yaml.worker.js';
import { API_FORMS } from '../../core/designer/types';
import type { DesignerSchema } from './protocol';

export { monaco };

/** The designer's one model; its schema comes from the dispatching schema below. */
export const MODEL_URI = monaco.Uri.parse('inmemory://designer/cluster.yaml');
const DISPATCH_URI = 'inmemory://designer/cluster.schema.json';
export const THEME = 'tanzu-gitops-webview';

// --- workers ---------------------------------------------------------------------------------

const workerUrls = new Map<string, string>();

function startWorker(label: string): Worker {
  const code = label === 'yaml' ? yamlWorkerCode : editorWorkerCode;
  let url = workerUrls.get(label);
  if (!url) {
    url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    workerUrls.set(label, url);
  }
  return new Worker(url, { name: label });
}

(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
  getWorker: (_moduleId: string, label: string) => startWorker(label),
};

/**
 * monaco-yaml 5.5 (through monaco-worker-manager) still calls `editor.createWebWorker` with
 * `{label, moduleId, createData}`; since Monaco 0.53 that function wants `{worker}` instead
 * (remcohaszing/monaco-yaml#272). This shim does what Monaco's own language workers do: start the
 * worker, send it a first message that makes it install its handler and then the create data.
 */
interface LegacyWorkerOptions {
  label?: string;
  moduleId?: string;
  createData?: unknown;
  host?: Record<string, (...args: unknown[]) => unknown>;
  keepIdleModels?: boolean;
}

function createWebWorker(opts: LegacyWorkerOptions | monaco.editor.IInternalWebWorkerOptions) {
  if ('worker' in opts) return monaco.editor.createWebWorker(opts);
  const worker = startWorker(opts.label ?? 'yaml');
  worker.postMessage('ignore');
  worker.postMessage(opts.createData);
  return monaco.editor.createWebWorker({ worker, host: opts.host, keepIdleModels: opts.keepIdleModels });
}

const monacoForYaml = { ...monaco, editor: { ...monaco.editor, createWebWorker } };

// --- YAML ------------------------------------------------------------------------------------

monaco.languages.register({ id: 'yaml', extensions: ['.yaml', '.yml'], aliases: ['YAML', 'yaml'] });
monaco.languages.setLanguageConfiguration('yaml', yamlConf);
monaco.languages.setMonarchTokensProvider('yaml', yamlLanguage);

let yaml: MonacoYaml | undefined;

/**
 * One schema for the model that dispatches on apiVersion and kind (`if`/`then` to each form's
 * schema, registered under its own URI), so completion, hover and validation follow the document
 * when its apiVersion changes, without another model or a worker restart. Documents of other
 * kinds in the same text get no schema checks.
 */
export function yamlSchemaSettings(schemas: readonly DesignerSchema[]): SchemasSettings[] {
  const forms = schemas.map((s) => ({ ...s, api: API_FORMS.find((f) => f.id === s.form) })).filter((s) => s.api);
  const dispatcher = {
    title: 'Tanzu cluster manifest',
    type: 'object',
    properties: {
      apiVersion: { enum: [...new Set(forms.map((s) => s.api!.apiVersion))] },
      kind: { enum: [...new Set(forms.map((s) => s.api!.kind))] },
    },
    allOf: forms.map((s) => ({
      if: { required: ['apiVersion', 'kind'], properties: { apiVersion: { const: s.api!.apiVersion }, kind: { const: s.api!.kind } } },
      then: { $ref: s.uri },
    })),
  };
  return [
    { uri: DISPATCH_URI, fileMatch: [MODEL_URI.toString()], schema: dispatcher },
    ...forms.map((s) => ({ uri: s.uri, fileMatch: [], schema: s.schema as SchemasSettings['schema'] })),
  ];
}

export function configureYaml(schemas: readonly DesignerSchema[]): void {
  const options = {
    enableSchemaRequest: false,
    hover: true,
    // The source would always name the dispatching schema; the hover's title names the form.
    hoverSchemaSource: false,
    completion: true,
    validate: true,
    format: { enable: false },
    isKubernetes: true,
    schemas: yamlSchemaSettings(schemas),
  };
  if (yaml) void yaml.update(options);
  else yaml = configureMonacoYaml(monacoForYaml as unknown as Parameters<typeof configureMonacoYaml>[0], options);
}

// --- theme -----------------------------------------------------------------------------------

/** VS Code colour ids Monaco's widgets use, read from the webview's `--vscode-*` variables. */
const COLOR_IDS = [
  'editor.background', 'editor.foreground', 'editorLineNumber.foreground', 'editorLineNumber.activeForeground',
  'editorCursor.foreground', 'editor.selectionBackground', 'editor.inactiveSelectionBackground',
  'editor.selectionHighlightBackground', 'editor.lineHighlightBackground', 'editor.lineHighlightBorder',
  'editor.findMatchBackground', 'editor.findMatchHighlightBackground', 'editor.wordHighlightBackground',
  'editorIndentGuide.background1', 'editorIndentGuide.activeBackground1', 'editorWhitespace.foreground',
  'editorWidget.background', 'editorWidget.foreground', 'editorWidget.border', 'widget.shadow',
  'editorSuggestWidget.background', 'editorSuggestWidget.border', 'editorSuggestWidget.foreground',
  'editorSuggestWidget.selectedBackground', 'editorSuggestWidget.selectedForeground', 'editorSuggestWidget.highlightForeground',
  'editorSuggestWidget.focusHighlightForeground', 'editorHoverWidget.background', 'editorHoverWidget.border',
  'editorHoverWidget.foreground', 'editorHoverWidget.statusBarBackground', 'editorError.foreground', 'editorWarning.foreground',
  'editorInfo.foreground', 'editorBracketMatch.background', 'editorBracketMatch.border', 'editorGutter.background',
  'editorOverviewRuler.border', 'editorOverviewRuler.errorForeground', 'editorOverviewRuler.warningForeground',
  'scrollbar.shadow', 'scrollbarSlider.background', 'scrollbarSlider.hoverBackground', 'scrollbarSlider.activeBackground',
  'focusBorder', 'foreground', 'textLink.foreground', 'textLink.activeForeground', 'textCodeBlock.background',
  'textPreformat.foreground', 'list.hoverBackground', 'list.activeSelectionBackground', 'list.activeSelectionForeground',
  'list.highlightForeground', 'list.focusHighlightForeground', 'input.background', 'input.foreground', 'input.border',
  'inputOption.activeBorder', 'inputOption.activeBackground', 'inputValidation.errorBackground', 'inputValidation.errorBorder',
  'contrastBorder', 'contrastActiveBorder', 'editorStickyScroll.background',
];

let probe: HTMLElement | undefined;

/** A CSS colour as Monaco wants it: `#rrggbb` or `#rrggbbaa`; undefined if it is not one. */
export function toHexColor(value: string): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  const hex = /^#([0-9a-f]{3,8})$/i.exec(v);
  if (hex) {
    const h = hex[1];
    if (h.length === 3 || h.length === 4) return '#' + [...h].map((c) => c + c).join('');
    if (h.length === 6 || h.length === 8) return '#' + h;
    return undefined;
  }
  let rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/i.exec(v);
  if (!rgb) {
    // Named colours, hsl(), color-mix(): let the browser compute them.
    probe ??= document.body.appendChild(Object.assign(document.createElement('span'), { hidden: true }));
    probe.style.color = '';
    probe.style.color = v;
    if (!probe.style.color) return undefined;
    rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/i.exec(getComputedStyle(probe).color);
    if (!rgb) return undefined;
  }
  const byte = (n: number) => Math.max(0, Math.min(255, Math.round(n))).toString(16).padStart(2, '0');
  const alpha = rgb[4] === undefined ? 1 : rgb[4].endsWith('%') ? parseFloat(rgb[4]) / 100 : parseFloat(rgb[4]);
  return '#' + byte(+rgb[1]) + byte(+rgb[2]) + byte(+rgb[3]) + (alpha < 1 ? byte(alpha * 255) : '');
}

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export function themeKind(): ThemeKind {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

const BASES: Record<ThemeKind, monaco.editor.BuiltinTheme> = { light: 'vs', dark: 'vs-dark', 'high-contrast': 'hc-black', 'high-contrast-light': 'hc-light' };

function cssVar(style: CSSStyleDeclaration, name: string): string {
  return style.getPropertyValue(name).trim();
}

/** Defines (again) and applies a Monaco theme from VS Code's current colours and fonts. */
export function applyVsCodeTheme(editor?: monaco.editor.IStandaloneCodeEditor): void {
  const style = getComputedStyle(document.body);
  const colors: Record<string, string> = {};
  // Every --vscode-* colour VS Code put on <html>, plus the ones Monaco uses by name.
  const names = new Set(COLOR_IDS.map((id) => '--vscode-' + id.replace(/\./g, '-')));
  const inline = document.documentElement.style;
  for (let i = 0; i < inline.length; i++) if (inline[i].startsWith('--vscode-')) names.add(inline[i]);
  for (const name of names) {
    if (/font|size|weight/i.test(name)) continue;
    const hex = toHexColor(cssVar(style, name));
    if (hex) colors[name.slice('--vscode-'.length).replace(/-/g, '.')] = hex;
  }
  monaco.editor.defineTheme(THEME, { base: BASES[themeKind()], inherit: true, rules: [], colors });
  monaco.editor.setTheme(THEME);
  if (editor) editor.updateOptions({ ...editorFontOptions(), ...motionOptions() });
}

const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';

/** Motion is reduced by the system's setting or VS Code's (workbench.reduceMotion: a body class). */
export function motionReduced(): boolean {
  return document.body.classList.contains('vscode-reduce-motion') || matchMedia(REDUCED_MOTION).matches;
}

/** A still cursor when motion is reduced (designer.css stills the CSS animations). */
export function motionOptions(): monaco.editor.IEditorOptions {
  return { cursorBlinking: motionReduced() ? 'solid' : 'blink', cursorSmoothCaretAnimation: 'off', smoothScrolling: false };
}

export function editorFontOptions(): monaco.editor.IEditorOptions {
  const style = getComputedStyle(document.body);
  const size = parseFloat(cssVar(style, '--vscode-editor-font-size'));
  const family = cssVar(style, '--vscode-editor-font-family');
  const weight = cssVar(style, '--vscode-editor-font-weight');
  return {
    fontFamily: family || 'Consolas, "Courier New", monospace',
    fontSize: Number.isFinite(size) && size > 0 ? size : 14,
    fontWeight: weight || 'normal',
  };
}

/**
 * Re-applies the theme whenever VS Code changes the body's theme class or its colour variables,
 * or the system's reduced-motion setting changes.
 */
export function followVsCodeTheme(editor: monaco.editor.IStandaloneCodeEditor): monaco.IDisposable {
  let pending = 0;
  const schedule = () => {
    if (pending) return;
    pending = requestAnimationFrame(() => {
      pending = 0;
      applyVsCodeTheme(editor);
    });
  };
  const observer = new MutationObserver(schedule);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  const motion = matchMedia(REDUCED_MOTION);
  motion.addEventListener('change', schedule);
  applyVsCodeTheme(editor);
  return { dispose: () => { observer.disconnect(); motion.removeEventListener('change', schedule); } };
}

// --- the editor ------------------------------------------------------------------------------

export function createEditor(container: HTMLElement, text: string): monaco.editor.IStandaloneCodeEditor {
  const model = monaco.editor.getModel(MODEL_URI) ?? monaco.editor.createModel(text, 'yaml', MODEL_URI);
  model.updateOptions({ tabSize: 2, insertSpaces: true });
  applyVsCodeTheme();
  return monaco.editor.create(container, {
    model,
    theme: THEME,
    ...editorFontOptions(),
    ...motionOptions(),
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fixedOverflowWidgets: true,
    lineNumbersMinChars: 3,
    padding: { top: 8, bottom: 8 },
    renderLineHighlight: 'line',
    wordBasedSuggestions: 'off',
    quickSuggestions: { other: true, comments: false, strings: true },
    suggestOnTriggerCharacters: true,
    hover: { delay: 300 },
    detectIndentation: false,
    tabSize: 2,
    insertSpaces: true,
    ariaLabel: 'Cluster manifest (YAML). Press Ctrl+M to make Tab move the focus.',
    scrollbar: { verticalScrollbarSize: 10, horizontalScrollbarSize: 10, useShadows: false },
    overviewRulerBorder: false,
    guides: { indentation: true },
  });
}
