// The cluster designer webview in a real browser, without VS Code: serves dist/webview/ in the
// page the host serves, under its CSP (src/webview/designer/page.ts), with a stand-in for
// acquireVsCodeApi, opens it in headless Chromium (the same /usr/lib/chromium and playwright-core
// scripts/editor-bench.ts uses), plays the host's part and checks what a user would see:
//   - no CSP violation, console error or request off the page's origin;
//   - monaco-yaml's worker validates (a marker of owner 'yaml' for `replicas: three`), completes
//     (vmClass offered in spec.topology.controlPlane) and hovers (the schema's description);
//   - the form writes the text (name -> metadata.name) and the text writes the form;
//   - host findings become markers, messages under their fields and a summary; their quick fixes
//     are the editor's code actions (Ctrl+.), applied as edits;
//   - New Cluster picks no VM class, storage class or release; what it needs shows as prompts;
//   - the text survives a reload through vscode.setState;
//   - the theme follows VS Code's (dark, light, high contrast dark and light: contrast borders on
//     every control, Monaco on its hc-black/hc-light base);
//   - accessibility: every control has an accessible name (Playwright's aria snapshot), every
//     message under the form is the aria-describedby of a control, the count and status are live
//     regions; from the page top, Tab visits every focusable control once, in reading order, each
//     with a visible focus indicator in --vscode-focusBorder; Enter and Space add and remove a pool
//     and the focus follows; Tab indents in Monaco until Ctrl+M makes it move the focus;
//   - no CSS animation or transition with reduced motion (the system's or VS Code's setting).
// Screenshots go to test-artifacts/designer/. Exits non-zero with the failed check's message.
// Usage: node scripts/run.mjs designer-preview [--no-build] [--production] [--strict-csp] [--headed] [--keep-open]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { REPO, ToolError, describeError, runTool, setLogName, type Json, type JsonObject } from './lib/tools';

/** What the page holds for these checks (the stand-in host's and the designer's hooks). */
declare global {
  interface Window {
    __posted: JsonObject[];
    __csp: string[];
    __setTheme: (kind: string, vars: Record<string, string>) => void;
    /** main.ts's hook for this check: Monaco and its editor. */
    __tanzuDesigner: Json;
    /** installA11y's helpers. */
    __a11y: Json;
  }
}

const CHROMIUM = '/usr/lib/chromium/chromium';
const DIST = path.join(REPO, 'dist', 'webview');
const ARTIFACTS = path.join(REPO, 'test-artifacts', 'designer');
const SAMPLE = path.join(REPO, 'samples', 'gitops-repo', 'clusters', 'team-a', 'tkc-web.yaml');
const args = new Set(process.argv.slice(2));
setLogName('designer-preview');

// The page and CSP the extension host serves (src/webview/designer/page.ts), loaded as they are.
const { designerPage } = await import(`data:text/javascript;base64,${Buffer.from((await esbuild.build({
  entryPoints: [path.join(REPO, 'src', 'webview', 'designer', 'page.ts')], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'warning',
})).outputFiles[0].text).toString('base64')}`) as typeof import('../src/webview/designer/page');

const FORM_SCHEMAS: Record<string, string> = { 'tkc-v1alpha3': 'tkc-v1alpha3', 'tkc-v1alpha2': 'tkc-v1alpha2', 'cluster-v1beta1': 'cluster-v1beta1-tanzukubernetescluster' };

// Colours of VS Code's Dark Modern and Light Modern themes, as VS Code puts them on <html>.
const FONTS = {
  'font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px', 'font-weight': 'normal',
  'editor-font-family': '"Droid Sans Mono", "DejaVu Sans Mono", monospace', 'editor-font-size': '14px', 'editor-font-weight': 'normal',
};
const DARK = {
  ...FONTS,
  foreground: '#cccccc', 'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', focusBorder: '#0078d4',
  'sideBar-background': '#181818', 'panel-border': '#2b2b2b', 'widget-border': '#313131', 'widget-shadow': '#0000005c',
  'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c', 'input-placeholderForeground': '#989898',
  'dropdown-background': '#313131', 'dropdown-border': '#3c3c3c', 'dropdown-foreground': '#cccccc', 'checkbox-background': '#313131',
  'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-border': '#ffffff12',
  'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
  'badge-background': '#616161', 'badge-foreground': '#f8f8f8', descriptionForeground: '#9d9d9d', errorForeground: '#f85149',
  'editorError-foreground': '#f14c4c', 'editorWarning-foreground': '#cca700', 'editorInfo-foreground': '#3794ff',
  'textLink-foreground': '#4daafc', 'textLink-activeForeground': '#4daafc', 'textBlockQuote-background': '#2b2b2b', 'textBlockQuote-border': '#616161b3',
  'inputValidation-errorBackground': '#5a1d1d', 'inputValidation-errorBorder': '#be1100', 'inputValidation-warningBackground': '#352a05',
  'inputValidation-warningBorder': '#b89500', 'inputValidation-infoBackground': '#063b49', 'inputValidation-infoBorder': '#007acc',
  'editorLineNumber-foreground': '#6e7681', 'editorLineNumber-activeForeground': '#cccccc', 'editorCursor-foreground': '#aeafad',
  'editor-selectionBackground': '#264f78', 'editor-inactiveSelectionBackground': '#3a3d41', 'editor-lineHighlightBorder': '#282828',
  'editorIndentGuide-background1': '#404040', 'editorWidget-background': '#202020', 'editorWidget-border': '#313131',
  'editorSuggestWidget-background': '#202020', 'editorSuggestWidget-border': '#454545', 'editorSuggestWidget-selectedBackground': '#04395e',
  'editorSuggestWidget-highlightForeground': '#2aaaff', 'editorHoverWidget-background': '#202020', 'editorHoverWidget-border': '#454545',
  'editorGroupHeader-tabsBackground': '#181818', 'editorGroupHeader-tabsBorder': '#2b2b2b', 'settings-headerForeground': '#ffffff',
  'scrollbarSlider-background': '#79797966', 'scrollbarSlider-hoverBackground': '#646464b3', 'scrollbarSlider-activeBackground': '#bfbfbf66',
  'toolbar-hoverBackground': '#5a5d5e50', 'list-hoverBackground': '#2a2d2e', 'list-activeSelectionBackground': '#04395e',
  'testing-iconPassed': '#73c991', 'checkbox-border': '#3c3c3c', 'checkbox-foreground': '#cccccc',
};
const LIGHT = {
  ...FONTS,
  foreground: '#3b3b3b', 'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', focusBorder: '#005fb8',
  'sideBar-background': '#f8f8f8', 'panel-border': '#e5e5e5', 'widget-border': '#e5e5e5', 'widget-shadow': '#00000029',
  'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece', 'input-placeholderForeground': '#767676',
  'dropdown-background': '#ffffff', 'dropdown-border': '#cecece', 'dropdown-foreground': '#3b3b3b', 'checkbox-background': '#f8f8f8',
  'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8', 'button-border': '#0000001a',
  'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
  'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b', descriptionForeground: '#3b3b3b', errorForeground: '#f85149',
  'editorError-foreground': '#e51400', 'editorWarning-foreground': '#bf8803', 'editorInfo-foreground': '#1a85ff',
  'textLink-foreground': '#005fb8', 'textLink-activeForeground': '#005fb8', 'textBlockQuote-background': '#f8f8f8', 'textBlockQuote-border': '#e5e5e5',
  'inputValidation-errorBackground': '#f2dede', 'inputValidation-errorBorder': '#be1100', 'inputValidation-warningBackground': '#f6f5d2',
  'inputValidation-warningBorder': '#b89500', 'inputValidation-infoBackground': '#d6ecf2', 'inputValidation-infoBorder': '#007acc',
  'editorLineNumber-foreground': '#6e7681', 'editorLineNumber-activeForeground': '#171184', 'editorCursor-foreground': '#000000',
  'editor-selectionBackground': '#add6ff', 'editor-inactiveSelectionBackground': '#e5ebf1', 'editor-lineHighlightBorder': '#eeeeee',
  'editorIndentGuide-background1': '#d3d3d3', 'editorWidget-background': '#f8f8f8', 'editorWidget-border': '#c8c8c8',
  'editorSuggestWidget-background': '#f8f8f8', 'editorSuggestWidget-border': '#c8c8c8', 'editorSuggestWidget-selectedBackground': '#e8e8e8',
  'editorSuggestWidget-highlightForeground': '#0066bf', 'editorHoverWidget-background': '#f8f8f8', 'editorHoverWidget-border': '#c8c8c8',
  'editorGroupHeader-tabsBackground': '#f8f8f8', 'editorGroupHeader-tabsBorder': '#e5e5e5', 'settings-headerForeground': '#1f1f1f',
  'scrollbarSlider-background': '#64646466', 'scrollbarSlider-hoverBackground': '#646464b3', 'scrollbarSlider-activeBackground': '#00000099',
  'toolbar-hoverBackground': '#b8b8b850', 'list-hoverBackground': '#f2f2f2', 'list-activeSelectionBackground': '#e8e8e8',
  'testing-iconPassed': '#388a34', 'checkbox-border': '#cecece', 'checkbox-foreground': '#3b3b3b',
};
// Dark High Contrast and Light High Contrast: VS Code defines no background for most buttons and
// lists there (the variables are absent) and draws contrastBorder around controls instead.
const HC = {
  ...FONTS,
  foreground: '#ffffff', 'editor-background': '#000000', 'editor-foreground': '#ffffff', focusBorder: '#f38518',
  contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518',
  'sideBar-background': '#000000', 'panel-border': '#6fc3df', 'widget-border': '#6fc3df',
  'input-background': '#000000', 'input-foreground': '#ffffff', 'input-border': '#6fc3df', 'input-placeholderForeground': '#ffffffb3',
  'dropdown-background': '#000000', 'dropdown-border': '#6fc3df', 'dropdown-foreground': '#ffffff',
  'checkbox-background': '#000000', 'checkbox-border': '#6fc3df', 'checkbox-foreground': '#ffffff',
  'button-foreground': '#ffffff', 'button-border': '#6fc3df', 'button-secondaryForeground': '#ffffff',
  'badge-background': '#000000', 'badge-foreground': '#ffffff', descriptionForeground: '#ffffffb3', errorForeground: '#f48771',
  'editorError-foreground': '#f48771', 'editorWarning-foreground': '#ffd370', 'editorInfo-foreground': '#3794ff',
  'textLink-foreground': '#21a6ff', 'textLink-activeForeground': '#21a6ff', 'textBlockQuote-background': '#000000', 'textBlockQuote-border': '#ffffff',
  'inputValidation-errorBackground': '#000000', 'inputValidation-errorBorder': '#6fc3df', 'inputValidation-warningBackground': '#000000',
  'inputValidation-warningBorder': '#6fc3df', 'inputValidation-infoBackground': '#000000', 'inputValidation-infoBorder': '#6fc3df',
  'editorLineNumber-foreground': '#ffffff', 'editorLineNumber-activeForeground': '#f38518', 'editorCursor-foreground': '#ffffff',
  'editor-selectionBackground': '#ffffff', 'editor-selectionForeground': '#000000', 'editor-lineHighlightBorder': '#f38518',
  'editorIndentGuide-background1': '#ffffff', 'editorWidget-background': '#0c141f', 'editorWidget-border': '#6fc3df',
  'editorSuggestWidget-background': '#0c141f', 'editorSuggestWidget-border': '#6fc3df', 'editorSuggestWidget-highlightForeground': '#f38518',
  'editorHoverWidget-background': '#0c141f', 'editorHoverWidget-border': '#6fc3df', 'editorGroupHeader-tabsBackground': '#000000',
  'settings-headerForeground': '#ffffff', 'scrollbarSlider-background': '#6fc3df99', 'scrollbarSlider-hoverBackground': '#6fc3dfcc',
  'scrollbarSlider-activeBackground': '#6fc3df', 'toolbar-hoverOutline': '#f38518', 'testing-iconPassed': '#73c991',
};
const HC_LIGHT = {
  ...FONTS,
  foreground: '#292929', 'editor-background': '#ffffff', 'editor-foreground': '#292929', focusBorder: '#006bbd',
  contrastBorder: '#0f4a85', contrastActiveBorder: '#006bbd',
  'sideBar-background': '#ffffff', 'panel-border': '#0f4a85', 'widget-border': '#0f4a85',
  'input-background': '#ffffff', 'input-foreground': '#292929', 'input-border': '#0f4a85', 'input-placeholderForeground': '#292929b3',
  'dropdown-background': '#ffffff', 'dropdown-border': '#0f4a85', 'dropdown-foreground': '#292929',
  'checkbox-background': '#ffffff', 'checkbox-border': '#0f4a85', 'checkbox-foreground': '#292929',
  'button-background': '#0f4a85', 'button-foreground': '#ffffff', 'button-border': '#0f4a85', 'button-hoverBackground': '#0f4a85',
  'button-secondaryBackground': '#ffffff', 'button-secondaryForeground': '#292929',
  'badge-background': '#0f4a85', 'badge-foreground': '#ffffff', descriptionForeground: '#292929b3', errorForeground: '#b5200d',
  'editorError-foreground': '#b5200d', 'editorWarning-foreground': '#895503', 'editorInfo-foreground': '#1a85ff',
  'textLink-foreground': '#0f4a85', 'textLink-activeForeground': '#0f4a85', 'textBlockQuote-background': '#f2f2f2', 'textBlockQuote-border': '#292929',
  'inputValidation-errorBackground': '#ffffff', 'inputValidation-errorBorder': '#0f4a85', 'inputValidation-warningBackground': '#ffffff',
  'inputValidation-warningBorder': '#0f4a85', 'inputValidation-infoBackground': '#ffffff', 'inputValidation-infoBorder': '#0f4a85',
  'editorLineNumber-foreground': '#292929', 'editorLineNumber-activeForeground': '#006bbd', 'editorCursor-foreground': '#0f4a85',
  'editor-selectionBackground': '#0f4a85', 'editor-selectionForeground': '#ffffff', 'editor-lineHighlightBorder': '#006bbd',
  'editorIndentGuide-background1': '#292929', 'editorWidget-background': '#ffffff', 'editorWidget-border': '#0f4a85',
  'editorSuggestWidget-background': '#ffffff', 'editorSuggestWidget-border': '#0f4a85', 'editorSuggestWidget-highlightForeground': '#0f4a85',
  'editorHoverWidget-background': '#ffffff', 'editorHoverWidget-border': '#0f4a85', 'editorGroupHeader-tabsBackground': '#ffffff',
  'settings-headerForeground': '#292929', 'scrollbarSlider-background': '#0f4a8566', 'scrollbarSlider-hoverBackground': '#0f4a8599',
  'scrollbarSlider-activeBackground': '#0f4a85', 'toolbar-hoverOutline': '#006bbd', 'testing-iconPassed': '#388a34',
};

const fail = (message: string): never => { throw new ToolError(message); };
const log = (message: string) => console.log(`[designer-preview] ${message}`);

// --- the page --------------------------------------------------------------------------------

function page(origin: string, nonce: string): string {
  // Stands in for VS Code's webview host: acquireVsCodeApi (messages to window.__posted, state in
  // sessionStorage so it survives a reload as VS Code keeps it), the theme variables on <html>
  // and the body's theme class, and a log of CSP violations.
  const shim = `
window.__posted = [];
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + (e.sample ? ' (' + e.sample + ')' : '') + ' at ' + (e.sourceFile || '?') + ':' + e.lineNumber);
});
let acquired = false;
window.acquireVsCodeApi = () => {
  if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
  acquired = true;
  return {
    postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
    getState: () => { const s = sessionStorage.getItem('vscode-state'); return s ? JSON.parse(s) : undefined; },
    setState: (s) => { sessionStorage.setItem('vscode-state', JSON.stringify(s)); return s; },
  };
};
// As VS Code's webview host does: stale --vscode-* variables go, the new ones come; a
// high-contrast light body also gets vscode-high-contrast.
window.__setTheme = (kind, vars) => {
  const style = document.documentElement.style;
  for (let i = style.length - 1; i >= 0; i--) if (style[i].startsWith('--vscode-')) style.removeProperty(style[i]);
  for (const [k, v] of Object.entries(vars)) style.setProperty('--vscode-' + k, v);
  document.body.className = kind === 'vscode-high-contrast-light' ? kind + ' vscode-high-contrast' : kind;
};
window.__setTheme('vscode-dark', ${JSON.stringify(DARK)});
`;
  return designerPage({ cspSource: origin, nonce, scriptUri: `${origin}/designer.js`, styleUri: `${origin}/designer.css`, beforeScript: shim, strict: args.has('--strict-csp') });
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

function serve(): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (url.pathname === '/favicon.ico') { res.writeHead(204); res.end(); return; }
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(page(origin, randomBytes(16).toString('base64')));
        return;
      }
      const file = path.join(DIST, path.basename(url.pathname));
      if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      fs.createReadStream(file).pipe(res);
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// --- helpers run against the page ------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function waitFor<A = any>(pageObj: Page, what: string, fn: (arg: A) => unknown, arg?: A, timeout = 30000): Promise<void> {
  try {
    await pageObj.waitForFunction(fn as (arg: unknown) => unknown, arg, { timeout, polling: 50 });
  } catch {
    fail(`timed out after ${timeout / 1000} s waiting for ${what}`);
  }
}

const postHost = (p: Page, message: JsonObject) => p.evaluate((m) => window.postMessage(m, '*'), message);
const lastChanged = (p: Page): Promise<JsonObject | undefined> => p.evaluate(() => [...window.__posted].reverse().find((m) => m.type === 'changed'));
const markers = (p: Page, owner: string): Promise<{ message: string; line: number; severity: number }[]> => p.evaluate((o) => window.__tanzuDesigner.monaco.editor.getModelMarkers({ owner: o })
  .map((m: JsonObject) => ({ message: m.message, line: m.startLineNumber, severity: m.severity })), owner);
const editorText = (p: Page): Promise<string> => p.evaluate(() => window.__tanzuDesigner.editor.getModel().getValue());

/** Puts the cursor at the start of a 1-based line's text, through the keyboard. */
async function gotoLine(p: Page, line: number): Promise<void> {
  await p.click('.monaco-editor .view-lines');
  await p.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await p.keyboard.press('ArrowDown');
  await p.keyboard.press('End');
  await p.keyboard.press('Home');
}

/** Ctrl+Z in the editor until its text is `expected` (Monaco's undo stops fall on word boundaries). */
async function undoUntil(p: Page, expected: string, what: string): Promise<void> {
  for (let i = 0; i < 40 && (await editorText(p)) !== expected; i++) await p.keyboard.press('Control+z');
  if ((await editorText(p)) !== expected) fail(`${what} did not bring the text back:\n${await editorText(p)}`);
}

/** Moves the mouse onto the key of the first line matching `lineRe`; returns the hover's text once it matches `expect`. */
async function hoverKey(p: Page, lineRe: RegExp, expect: RegExp): Promise<string> {
  await p.mouse.move(5, 5);
  await p.keyboard.press('Escape');
  await waitFor(p, 'the previous hover to close', () => !document.querySelector('.monaco-hover:not(.hidden)'));
  const line = lineOf(await editorText(p), lineRe);
  const box = await p.evaluate((l) => {
    const ed = window.__tanzuDesigner.editor;
    ed.revealLine(l);
    const text = ed.getModel().getLineContent(l);
    const pos = ed.getScrolledVisiblePosition({ lineNumber: l, column: text.search(/\S/) + 3 });
    const r = ed.getDomNode().getBoundingClientRect();
    return { x: r.left + pos.left, y: r.top + pos.top + pos.height / 2 };
  }, line);
  await p.mouse.move(box.x - 40, box.y + 40);
  await p.mouse.move(box.x, box.y, { steps: 4 });
  await waitFor(p, `a hover matching ${expect} on line ${line}`,
    (re: string) => [...document.querySelectorAll('.monaco-hover:not(.hidden)')].some((h) => new RegExp(re, 'i').test(h.textContent ?? '')), expect.source, 10000);
  return p.$$eval('.monaco-hover:not(.hidden)', (els) => els.map((e) => e.textContent).join(' ').replace(/\s+/g, ' '));
}

function lineOf(text: string, re: RegExp): number {
  const i = text.split('\n').findIndex((l) => re.test(l));
  if (i === -1) fail(`no line matches ${re} in the editor's text`);
  return i + 1;
}

// --- accessibility helpers -------------------------------------------------------------------

/** Puts window.__a11y in the page: which elements are controls, how a message names one, focus rings. */
function installA11y(p: Page): Promise<void> {
  return p.evaluate(() => {
    const editorInput = () => document.querySelector('#editor .native-edit-context, #editor textarea.inputarea');
    const inEditor = (el: Element | null) => !!el?.closest?.('.monaco-editor');
    const describe = (el: Element | null) => {
      if (!el || el === document.body) return '(nothing focused)';
      if (inEditor(el)) return el === editorInput() ? 'the Monaco editor' : `Monaco's ${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      if (el.id) return `#${el.id}`;
      const text = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `${el.tagName.toLowerCase()}${[...el.classList].map((c) => '.' + c).join('')}${text ? ` "${text}"` : ''} (no id)`;
    };
    const shown = (el: Element) => el.checkVisibility({ visibilityProperty: true }) && !el.closest('[inert]');
    // The form's and toolbar's controls, and Monaco's input (a textarea, or an EditContext div).
    const controls = () => [
      ...[...document.querySelectorAll('#app :is(input, select, textarea, button, [role="button"])')].filter((el) => !inEditor(el) && shown(el)),
      ...[editorInput()].filter(Boolean),
    ];
    // What Tab has to visit, in document order (the designer sets no positive tabindex).
    const focusables = () => [...document.querySelectorAll<HTMLInputElement>('#app *')]
      .filter((el) => el.tabIndex >= 0 && !el.disabled && shown(el) && (!inEditor(el) || el === editorInput()));
    const color = (value: string) => {
      const probe = document.body.appendChild(document.createElement('span'));
      probe.style.color = value;
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    };
    /**
     * The focused element and its focus ring. Monaco's input is a zero-width element at the cursor
     * and Monaco's layers cover an outline of its container: a layer above them (#editor::after) has it.
     */
    const focused = () => {
      const el = document.activeElement as HTMLElement;
      const [ring, pseudo] = inEditor(el) ? [el.closest('#editor') as Element, '::after'] : [el, null];
      const cs = getComputedStyle(ring, pseudo);
      const drawn = !pseudo || cs.content !== 'none';
      const form = document.getElementById('design-form') as HTMLElement;
      return {
        desc: describe(el), id: el.id, inEditor: inEditor(el), inForm: form.contains(el),
        y: el.getBoundingClientRect().top - form.getBoundingClientRect().top,
        outline: drawn && cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 ? `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}` : '',
        outlineColor: cs.outlineColor, shadow: !drawn || cs.boxShadow === 'none' ? '' : cs.boxShadow,
      };
    };
    /** Elements (and pseudo-elements) with a running-length CSS animation or transition. */
    const animated = () => {
      const out: string[] = [];
      const some = (durations: string) => durations.split(',').some((d) => parseFloat(d) > 0);
      for (const el of document.querySelectorAll('*')) {
        for (const pseudo of [null, '::before', '::after']) {
          const cs = getComputedStyle(el, pseudo);
          const animation = cs.animationName !== 'none' && some(cs.animationDuration) ? `animation ${cs.animationName} ${cs.animationDuration}` : '';
          const transition = cs.transitionProperty !== 'none' && some(cs.transitionDuration) ? `transition ${cs.transitionProperty} ${cs.transitionDuration}` : '';
          if (animation || transition) out.push(`${describe(el)}${pseudo ?? ''}: ${[animation, transition].filter(Boolean).join(', ')}`);
        }
      }
      return out;
    };
    /** WCAG contrast ratio of an element's text over what is behind it (backgrounds composited up the tree). */
    const contrast = (el: Element) => {
      const rgba = (c: string): number[] => {
        const [r, g, b, a = 1] = (/rgba?\(([^)]+)\)/.exec(c)?.[1] ?? '0 0 0 0').split(/[\s,/]+/).filter(Boolean).map(Number);
        return [r, g, b, a];
      };
      const over = (top: number[], under: number[]): number[] => {
        const a = top[3] + under[3] * (1 - top[3]);
        return a === 0 ? [0, 0, 0, 0] : [0, 1, 2].map((i) => (top[i] * top[3] + under[i] * under[3] * (1 - top[3])) / a).concat(a);
      };
      const layers: number[][] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      const bg = layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
      const fg = over(rgba(getComputedStyle(el).color), bg);
      const lum = ([r, g, b]: number[]) => [r, g, b].map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4))
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
      const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    window.__a11y = { editorInput, inEditor, describe, shown, controls, focusables, color, focused, animated, contrast };
  });
}

/** Role and name from the first line of an aria snapshot (`- textbox "Name": value`, quoted when YAML needs it). */
function roleAndName(snapshot: string): { role: string; name: string } {
  let line = snapshot.split('\n')[0].replace(/^- /, '');
  const quoted = /^'((?:[^']|'')*)'/.exec(line);
  if (quoted) line = quoted[1].replace(/''/g, "'");
  const m = /^([\w-]+)(?: ("(?:[^"\\]|\\.)*"))?/.exec(line);
  return { role: m?.[1] ?? '', name: m?.[2] ? JSON.parse(m[2]) : '' };
}

/** Every control's accessible name, as Playwright's aria snapshot (the accname algorithm) computes it. */
async function checkNames(p: Page): Promise<{ desc: string; placeholder: string; role: string; name: string }[]> {
  const found: { desc: string; placeholder: string }[] = await p.evaluate(() => window.__a11y.controls().map((el: HTMLElement, i: number) => {
    el.dataset.a11yProbe = String(i);
    return { desc: window.__a11y.describe(el), placeholder: el.getAttribute('placeholder') ?? '' };
  }));
  try {
    const snapshots = await Promise.all(found.map((_, i) => p.locator(`[data-a11y-probe="${i}"]`).ariaSnapshot({ timeout: 5000 })));
    const named = found.map((c, i) => ({ ...c, ...roleAndName(snapshots[i]) }));
    const nameless = named.filter((c) => !c.name.trim());
    if (nameless.length) fail(`controls without an accessible name: ${nameless.map((c) => `${c.desc} (role ${c.role || 'none'})`).join(', ')}`);
    // A placeholder is a fallback name that goes away as the user types, not a label.
    const placeholdered = named.filter((c) => c.placeholder && c.name === c.placeholder);
    if (placeholdered.length) fail(`controls named only by their placeholder: ${placeholdered.map((c) => `${c.desc} ("${c.name}")`).join(', ')}`);
    return named;
  } finally {
    await p.evaluate(() => { for (const el of document.querySelectorAll('[data-a11y-probe]')) delete (el as HTMLElement).dataset.a11yProbe; });
  }
}

/** Each message under a field is the aria-describedby of a control (or group) there; no describedby names a missing id. */
async function checkDescribedBy(p: Page): Promise<void> {
  const problems = await p.evaluate(() => {
    const out: string[] = [];
    const describedBy = (el: Element) => (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    const describers = [...document.querySelectorAll('[aria-describedby]')];
    for (const f of document.querySelectorAll('#design-form .field-findings .finding')) {
      const where = `the message "${(f.textContent ?? '').trim().slice(0, 50)}" in #${f.parentElement?.id}`;
      if (!f.id) { out.push(`${where} has no id`); continue; }
      const by = describers.filter((el) => describedBy(el).includes(f.id));
      if (!by.length) out.push(`${where} (#${f.id}) is no control's aria-describedby`);
      else if (!by.some((el) => el.matches('input, select, textarea, button, fieldset, [role="group"]'))) out.push(`${where} describes only ${by.map(window.__a11y.describe).join(', ')}, not a control or group`);
    }
    for (const el of describers) {
      for (const id of describedBy(el)) if (!document.getElementById(id)) out.push(`${window.__a11y.describe(el)} has aria-describedby #${id}, which does not exist`);
    }
    return out;
  });
  if (problems.length) fail(`findings not linked to their controls:\n  ${problems.join('\n  ')}`);
}

/** Tab until the focus is on `id` (at most `max` presses); returns the focused element's state. */
async function tabTo(p: Page, id: string, max = 15): Promise<JsonObject> {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press('Tab');
    const f = await p.evaluate(() => window.__a11y.focused());
    if (f.id === id) return f;
  }
  return fail(`${max} Tab presses did not reach #${id} (focus is on ${await p.evaluate(() => window.__a11y.describe(document.activeElement))})`);
}

const focusedDesc = (p: Page): Promise<string> => p.evaluate(() => window.__a11y.describe(document.activeElement));

// --- the run ---------------------------------------------------------------------------------

/** What the checks share: the page, the sample and the init message, what the page did wrong so far. */
interface Ctx {
  p: Page;
  origin: string;
  sample: string;
  init: JsonObject;
  choices: Record<string, string[]>;
  /** Console errors and warnings, page errors, requests off the page's origin. */
  problems: string[];
  /** The URLs of the page's workers. */
  workers: string[];
}

/** The last changed message the host's findings are for, the findings, and where a line's key is. */
interface Posted {
  changed: JsonObject;
  findings: JsonObject[];
  at: (re: RegExp, key: string) => JsonObject;
}

/** Builds the webview (unless --no-build); the sample and the host's init message. */
function prepare(): Pick<Ctx, 'sample' | 'init' | 'choices'> {
  if (!args.has('--no-build')) {
    log('building the webview bundle');
    if (runTool('build', ['--webview', ...(args.has('--production') ? ['--production'] : [])], { stdio: 'inherit' }) !== 0) fail('the webview build failed');
  }
  for (const f of ['designer.js', 'designer.css', 'codicon.ttf']) if (!fs.existsSync(path.join(DIST, f))) fail(`dist/webview/${f} is missing: run npm run build`);
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing (scripts/editor-bench.ts installs it: npm run test:editor)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.rmSync(path.join(ARTIFACTS, 'failure.png'), { force: true });

  const sample = fs.readFileSync(SAMPLE, 'utf8');
  const schemas = Object.entries(FORM_SCHEMAS).map(([form, id]) => ({
    form, uri: `https://tanzu-gitops.dev/schemas/${id}.schema.json`, schema: JSON.parse(fs.readFileSync(path.join(REPO, 'schemas', `${id}.schema.json`), 'utf8')),
  }));
  const choices = {
    namespaces: ['team-a', 'team-b', 'platform'],
    vmClasses: ['best-effort-small', 'best-effort-medium', 'best-effort-large', 'guaranteed-medium'],
    storageClasses: ['vsan-default-storage-policy', 'vsan-gold'],
    tkrs: ['v1.28.8---vmware.1-fips.1-tkg.2', 'v1.26.5---vmware.2-fips.1-tkg.1'],
    zones: ['zone-a', 'zone-b', 'zone-c'],
  };
  const init = { type: 'init', text: sample, schemas, choices, connected: { context: 'supervisor-lab', namespace: 'team-a' }, title: 'Design: tkc-web.yaml' };
  return { sample, init, choices };
}

async function run(): Promise<void> {
  const { sample, init, choices } = prepare();
  const server = await serve();
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { chromium } = createRequire(path.join(REPO, 'package.json'))('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: !args.has('--headed'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  let p: Page | undefined;
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    p = await context.newPage();
    // The page loads a 9 MB bundle: on a loaded machine a reload can take longer than
    // Playwright's 30-second default, which says nothing about the designer.
    p.setDefaultNavigationTimeout(120_000);
    const c: Ctx = { p, origin, sample, init, choices, problems: [], workers: [] };
    await openDesigner(c);
    await checkYamlWorker(c);
    await checkCompletionAndHover(c);
    await checkFormToText(c);
    await checkTextToForm(c);
    await checkNamesAndDescriptions(c, await checkFindings(c));
    await checkEditorTab(c, await checkTabOrder(c));
    await checkPoolKeys(c);
    await checkApiForms(c);
    await checkProxyAndButtons(c);
    await checkThemes(c);
    await checkNarrowAndReload(c);
    await checkQuickFix(c);
    await checkNewCluster(c);
    if (args.has('--keep-open')) {
      log('--keep-open: press Ctrl+C to stop');
      await new Promise(() => {});
    }
  } catch (err) {
    const shot = path.join(ARTIFACTS, 'failure.png');
    if (p) await p.screenshot({ path: shot }).then(() => log(`screenshot of the failure: ${path.relative(REPO, shot)}`), () => {});
    throw err;
  } finally {
    await browser.close();
    server.close();
  }
}


/** Watches the page for problems, opens it, sends the init message and waits for the editor. */
async function openDesigner(c: Ctx): Promise<void> {
  const { p, origin, problems, workers, sample } = c;
  p.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  p.on('pageerror', (e) => problems.push(`page error: ${e.stack || e.message}`));
  p.on('worker', (w) => workers.push(w.url()));
  p.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')) problems.push(`request off the page's origin: ${u}`);
  });
  await p.goto(origin + '/');
  await waitFor(p, "the webview's ready message", () => window.__posted.some((m) => m.type === 'ready'));
  const t0 = Date.now();
  await postHost(p, c.init);
  await waitFor(p, 'the editor to show the sample', () => document.querySelector('.monaco-editor .view-lines')?.textContent?.includes('tkc-web'));
  await waitFor(p, 'the first changed message', () => window.__posted.some((m) => m.type === 'changed'));
  log(`editor up ${Date.now() - t0} ms after init`);
  if ((await editorText(p)) !== sample) fail('the editor does not hold the init text');
  if ((await p.inputValue('#field-name')) !== 'tkc-web') fail(`the form's name is "${await p.inputValue('#field-name')}", not tkc-web`);
  await checkClean(c, 'after init');
  await installA11y(p);
}

/** Fails on any CSP violation or problem the page had so far. */
async function checkClean(c: Ctx, when: string): Promise<void> {
  const csp = await c.p.evaluate(() => window.__csp);
  // One line per kind of problem (hashes and ports differ), with how often it happened.
  const counts = new Map<string, number>();
  for (const line of [...csp.map((x) => `CSP violation: ${x}`), ...c.problems]) {
    const key = line.replace(/'sha256-[^']+'/g, "'sha256-…'").slice(0, 400);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (counts.size) fail(`${when}:\n  ${[...counts].map(([l, n]) => (n > 1 ? `${n}× ` : '') + l).join('\n  ')}`);
}

/** Fails when anything on the page animates (with reduced motion). */
async function stillAt(c: Ctx, when: string): Promise<void> {
  const moving: string[] = await c.p.evaluate(() => window.__a11y.animated());
  if (moving.length) fail(`with prefers-reduced-motion: reduce, ${when} animates:\n  ${moving.slice(0, 12).join('\n  ')}`);
}

/** monaco-yaml validates in its worker (started from a blob: URL, beside the editor's). */
async function checkYamlWorker(c: Ctx): Promise<void> {
  const { p, sample, workers } = c;
  // --- monaco-yaml: validation in its worker ----------------------------------------------
  const text = await editorText(p);
  const cpReplicas = lineOf(text, /^ {6}replicas: 3$/);
  await gotoLine(p, cpReplicas);
  await p.keyboard.press('Shift+End');
  await p.keyboard.type('replicas: three');
  await waitFor(p, "a marker of owner 'yaml' (monaco-yaml's worker) for replicas: three",
    (line: number) => window.__tanzuDesigner.monaco.editor.getModelMarkers({ owner: 'yaml' }).some((m: JsonObject) => m.startLineNumber === line), cpReplicas, 20000);
  const yamlMarkers = await markers(p, 'yaml');
  log(`yaml worker: ${yamlMarkers.map((m) => `line ${m.line}: ${m.message}`).join('; ')}`);
  log(`workers: ${workers.length}, all from blob: URLs`);
  // Monaco's editor worker computes the links; monaco-yaml's does the rest.
  for (let i = 0; i < 100 && workers.length < 2; i++) await p.waitForTimeout(100);
  if (workers.length < 2 || !workers.every((u) => u.startsWith('blob:'))) fail(`expected the editor and yaml workers from blob: URLs, got ${JSON.stringify(workers)}`);
  await p.keyboard.press('Escape');
  await undoUntil(p, sample, 'undo after replicas: three');
  await waitFor(p, "the 'yaml' marker to go once the value is fixed",
    (line: number) => !window.__tanzuDesigner.monaco.editor.getModelMarkers({ owner: 'yaml' }).some((m: JsonObject) => m.startLineNumber === line), cpReplicas);
}

/** With reduced motion (the system's setting) nothing animates over completion and hover; both work. */
async function checkCompletionAndHover(c: Ctx): Promise<void> {
  const { p, sample } = c;
  // --- reduced motion (the system's setting) over completion and hover: nothing animates -----
  await p.emulateMedia({ reducedMotion: 'reduce' });
  await waitFor(p, "the editor's cursor to stop blinking with reduced motion", () => window.__tanzuDesigner.editor.getRawOptions().cursorBlinking === 'solid');
  // --- completion in spec.topology.controlPlane --------------------------------------------
  const cpVmClass = lineOf(sample, /^ {6}vmClass: best-effort-small$/);
  await gotoLine(p, cpVmClass);
  await p.keyboard.press('Shift+End');
  await p.keyboard.type('vm');
  await p.keyboard.press('Control+Space');
  await waitFor(p, 'the suggest widget with vmClass', () => [...document.querySelectorAll('.suggest-widget.visible .monaco-list-row')]
    .some((r) => /vmClass/.test(r.getAttribute('aria-label') || r.textContent)));
  const suggestions = await p.$$eval('.suggest-widget.visible .monaco-list-row .label-name', (els) => els.map((e) => e.textContent));
  await stillAt(c, 'the page with the suggest widget open');
  log(`completion at spec.topology.controlPlane "vm": ${suggestions.join(', ')}`);
  await p.screenshot({ path: path.join(ARTIFACTS, 'completion.png') });
  await p.keyboard.press('Escape');
  await undoUntil(p, sample, 'undo after the completion check');

  // --- hover: the schema's description -----------------------------------------------------
  const hoverText = await hoverKey(p, /^ {6}storageClass: /, /storage class to be used for storage of the disks/i);
  log(`hover: ${hoverText.slice(0, 140)}…`);
  await stillAt(c, 'the page with a hover shown');
  await p.screenshot({ path: path.join(ARTIFACTS, 'hover.png') });
  await p.mouse.move(5, 5);
  await p.keyboard.press('Escape');
  await p.emulateMedia({ reducedMotion: 'no-preference' });
  log('reduced motion: no CSS animation or transition with the suggest widget or a hover shown, a still cursor');
}


async function checkFormToText(c: Ctx): Promise<void> {
  const { p } = c;
  // --- form -> text ------------------------------------------------------------------------
  await p.fill('#field-name', 'tkc-web-2');
  await waitFor(p, 'metadata.name: tkc-web-2 in the editor', () => /^metadata:\n {2}name: tkc-web-2$/m.test(window.__tanzuDesigner.editor.getModel().getValue()));
  await waitFor(p, 'a changed message with the new name', () => [...window.__posted].reverse().find((m) => m.type === 'changed')?.text.includes('name: tkc-web-2'));
  await p.selectOption('[id="field-controlPlane.replicas"]', '1');
  await waitFor(p, 'controlPlane.replicas: 1 in the editor', () => /^ {6}replicas: 1$/m.test(window.__tanzuDesigner.editor.getModel().getValue()));
  await p.click('#add-pool');
  await waitFor(p, 'a second node pool in the editor', () => /- name: pool-2/.test(window.__tanzuDesigner.editor.getModel().getValue()));
  if (!(await p.evaluate(() => document.activeElement?.id === 'field-nodePools.1.name'))) fail('Add node pool did not focus the new pool\'s name');
  await p.click('[data-action="remove-pool"][data-pool="1"]');
  await waitFor(p, 'the second node pool gone from the editor', () => !/pool-2/.test(window.__tanzuDesigner.editor.getModel().getValue()));
  log('form -> text: name, control plane nodes, add and remove a pool');
}


async function checkTextToForm(c: Ctx): Promise<void> {
  const { p } = c;
  // --- text -> form ------------------------------------------------------------------------
  const text = await editorText(p);
  const poolVm = lineOf(text, /^ {8}vmClass: best-effort-medium$/);
  await gotoLine(p, poolVm);
  await p.keyboard.press('Shift+End');
  await p.keyboard.type('vmClass: best-effort-large');
  await waitFor(p, 'the form to show the pool VM class typed in the editor', () => (document.getElementById('field-nodePools.0.vmClass') as HTMLInputElement | null)?.value === 'best-effort-large');
  const nameLine = lineOf(await editorText(p), /^ {2}name: tkc-web-2$/);
  await gotoLine(p, nameLine);
  await p.keyboard.press('End');
  await p.keyboard.type('-x');
  await waitFor(p, 'the form name to follow the editor', () => (document.getElementById('field-name') as HTMLInputElement | null)?.value === 'tkc-web-2-x');
  // A syntax error keeps the last good form and says why.
  const beforeError = await editorText(p);
  await p.keyboard.type(': [');
  await waitFor(p, 'the parse error above the form', () => !(document.getElementById('parse-error') as HTMLElement).hidden);
  const broken = await editorText(p);
  await p.fill('#field-name', 'zzz');
  if ((await p.inputValue('#field-name')) !== 'tkc-web-2-x') fail('a form edit while the text is broken was not undone');
  if (!(await p.textContent('#status'))?.includes('Fix the manifest first')) fail('no status saying why the form cannot edit a broken text');
  if ((await editorText(p)) !== broken) fail('a form edit changed a broken text');
  await gotoLine(p, nameLine);
  await p.keyboard.press('End');
  for (let i = 0; i < broken.length - beforeError.length; i++) await p.keyboard.press('Shift+ArrowLeft');
  await p.keyboard.press('Delete');
  if ((await editorText(p)) !== beforeError) fail('deleting the syntax error did not bring the text back');
  await waitFor(p, 'the parse error to clear', () => (document.getElementById('parse-error') as HTMLElement).hidden);
  log('text -> form: pool VM class, name, syntax error shown and cleared');
}

/** The host's findings become markers, messages under their fields, a summary and a count. */
async function checkFindings(c: Ctx): Promise<Posted> {
  const { p } = c;
  // --- findings ----------------------------------------------------------------------------
  await waitFor(p, 'the changes to be posted', () => {
    const last = [...window.__posted].reverse().find((m) => m.type === 'changed');
    return last && last.text === window.__tanzuDesigner.editor.getModel().getValue();
  });
  const changed = await lastChanged(p);
  if (!changed) return fail('no changed message posted');
  const text: string = changed.text;
  const lines = text.split('\n');
  const at = (re: RegExp, key: string) => {
    const line = lines.findIndex((l) => re.test(l));
    if (line === -1) fail(`no line matches ${re} in:\n${text}`);
    const character = lines[line].indexOf(key);
    return { start: { line, character }, end: { line, character: lines[line].length } };
  };
  const findings = [
    { severity: 'error', code: 'vm-class-unavailable', message: 'VM class best-effort-small is not bound to namespace team-a.', range: at(/^ {6}vmClass: /, 'best-effort-small') },
    { severity: 'warning', code: 'cidr-overlap', message: 'Pod CIDR 192.168.0.0/16 overlaps the Supervisor workload network.', range: at(/cidrBlocks: \[\s*"?192/, '[') },
    { severity: 'info', code: 'template-placeholder', message: 'The os-image annotation is read by TKG 2.x only.', range: at(/resolve-os-image/, 'run.tanzu') },
  ];
  await postHost(p, { type: 'findings', version: changed.version - 1, findings: [{ ...findings[0], message: 'stale' }] });
  await postHost(p, { type: 'findings', version: changed.version, findings });
  await waitFor(p, "the findings' markers", () => window.__tanzuDesigner.monaco.editor.getModelMarkers({ owner: 'tanzu-gitops' }).length === 3);
  if ((await markers(p, 'tanzu-gitops')).some((m) => m.message === 'stale')) fail('a finding for an old version was shown');
  const field = await p.evaluate(() => {
    const control = document.getElementById('field-controlPlane.vmClass');
    const slot = document.getElementById('findings-controlPlane.vmClass');
    const finding = slot?.querySelector('.finding.finding-error');
    return { invalid: control?.getAttribute('aria-invalid'), describedby: control?.getAttribute('aria-describedby') ?? '', id: finding?.id, text: finding?.textContent ?? '' };
  });
  if (!field.text.includes('is not bound to namespace')) fail('no error message under the control plane VM class field');
  if (field.invalid !== 'true') fail('the control plane VM class field is not aria-invalid');
  if (!field.describedby.split(' ').includes(field.id ?? '')) fail('the control plane VM class field is not aria-describedby its finding');
  const podFinding = await p.$eval('[id="findings-podCidrs"]', (e) => e.textContent);
  if (!podFinding.includes('overlaps')) fail('no warning under the pod CIDRs field');
  const summary = await p.$$eval('.findings-summary .finding', (els) => els.map((e) => e.textContent));
  if (!summary.some((s) => s.includes('os-image annotation'))) fail(`the annotation finding is not in the summary (summary: ${JSON.stringify(summary)})`);
  const count = (await p.textContent('#problem-count')) ?? '';
  if (count.trim() !== '1 error, 1 warning, 1 info') fail(`the header count is "${count}"`);
  log(`findings: markers, field messages, summary, header "${count.trim()}"`);
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await p.evaluate(() => window.__tanzuDesigner.editor.setScrollTop(0));
  await p.evaluate(() => (document.querySelector('.form-pane') as Element).scrollTop = 0);
  await p.waitForTimeout(300);
  await checkClean(c, 'after the editing checks');
  await p.screenshot({ path: path.join(ARTIFACTS, 'preview.png') });
  log(`screenshot: ${path.relative(REPO, path.join(ARTIFACTS, 'preview.png'))}`);
  return { changed, findings, at };
}


async function checkNamesAndDescriptions(c: Ctx, { changed, findings, at }: Posted): Promise<void> {
  const { p } = c;
  // --- accessible names, descriptions and live regions ----------------------------------------
  const named = await checkNames(p);
  log(`names: ${named.length} controls named, e.g. ${named.filter((c) => /pool|Monaco|show/.test(c.desc)).slice(0, 3).map((c) => `${c.role} "${c.name.slice(0, 40)}"`).join(', ')}`);
  // Findings on a pool, its volume list, a volume and the pool list too: each has a slot and
  // something it describes (the fieldset, the Add volume button, the volume's group, Add node pool).
  const more = [
    ...findings,
    // In the indentation of a pool's or a volume's second key: inside that map, on none of its keys.
    { severity: 'error', code: 'node-pool-name', message: 'Pool web: a finding on the pool itself.', range: at(/^ {8}replicas: \d+$/, '  ') },
    { severity: 'warning', code: 'volume', message: 'The volumes of pool web: a finding on the list.', range: at(/^ {8}volumes:$/, 'volumes') },
    { severity: 'warning', code: 'volume', message: 'Volume containerd: a finding on the volume.', range: at(/^ {12}mountPath: /, '  ') },
    { severity: 'info', code: 'node-pools-empty', message: 'Node pools: a finding on the list.', range: at(/^ {4}nodePools:$/, 'nodePools') },
  ];
  await postHost(p, { type: 'findings', version: changed.version, findings: more });
  await waitFor(p, 'the extra findings on the form', (n) => document.querySelectorAll('#design-form .finding').length === n, more.length);
  const slots = await p.$$eval('#design-form .field-findings .finding', (els) => els.map((e) => e.parentElement?.id ?? ''));
  for (const slot of ['findings-nodePools.0', 'findings-nodePools.0.volumes', 'findings-nodePools.0.volumes.0', 'findings-nodePools']) {
    if (!slots.includes(slot)) fail(`no finding placed in #${slot} (findings are in ${slots.join(', ')})`);
  }
  await checkDescribedBy(p);
  if (await p.evaluate(() => document.querySelector('[aria-invalid="true"]:not(input, select, textarea)') !== null)) fail('aria-invalid is set on something that is not an input, select or textarea');
  await postHost(p, { type: 'findings', version: changed.version, findings });
  await waitFor(p, 'the findings back to three', () => document.querySelectorAll('#design-form .finding').length === 3);
  await checkDescribedBy(p);
  const live = await p.evaluate(() => ['problem-count', 'status'].map((id) => {
    const el = document.getElementById(id);
    return { id, ok: el?.getAttribute('role') === 'status' || ['polite', 'assertive'].includes(el?.getAttribute('aria-live') ?? '') };
  }));
  for (const l of live) if (!l.ok) fail(`#${l.id} is not a live region (role=status or aria-live)`);
  log(`descriptions: ${slots.length} messages under fields, each the aria-describedby of its control; #problem-count and #status are live`);
}

/** Tab from the page top visits every control in reading order, with a focus ring; the order Tab saw. */
async function checkTabOrder(c: Ctx): Promise<string[]> {
  const { p } = c;
  // --- keyboard only: Tab from the page top ----------------------------------------------------
  // The editor's cursor at the top, so Tab in it later indents rather than replaces a selection.
  await p.evaluate(() => window.__tanzuDesigner.editor.setPosition({ lineNumber: 1, column: 1 }));
  await p.click('#title'); // sequential focus navigation starts at the page's top
  const expected = await p.evaluate(() => window.__a11y.focusables().map(window.__a11y.describe));
  const focusColor = await p.evaluate(() => window.__a11y.color('var(--vscode-focusBorder)'));
  const visited = [];
  for (let i = 0; i < expected.length + 5; i++) {
    await p.keyboard.press('Tab');
    const f = await p.evaluate(() => window.__a11y.focused());
    visited.push(f);
    if (f.inEditor) break;
  }
  const seq = visited.map((v) => v.desc);
  const missed = expected.filter((d: string) => !seq.includes(d));
  const strays = seq.filter((d) => !expected.includes(d));
  if (missed.length || strays.length) {
    fail(`Tab from the page top ${missed.length ? `skipped ${missed.join(', ')}` : 'skipped nothing'}${strays.length ? `; it visited what is not a control: ${strays.join(', ')}` : ''}\n  visited: ${seq.join(' → ')}`);
  }
  const diverge = expected.findIndex((d: string, i: number) => seq[i] !== d);
  if (diverge !== -1) fail(`Tab step ${diverge + 1} went to ${seq[diverge]}, not ${expected[diverge]} (the document's order)\n  visited: ${seq.join(' → ')}`);
  const MILESTONES = ['#save', '#commit', '#sync', '#field-form', '#field-name', '#field-namespace', '#field-tkr', '#field-controlPlane.replicas',
    '#field-controlPlane.vmClass', '#field-controlPlane.storageClass', '#field-nodePools.0.name', '#field-nodePools.0.replicas', '#field-nodePools.0.vmClass',
    '#field-nodePools.0.storageClass', '#field-nodePools.0.failureDomain', '#add-volume-0', '#remove-pool-0', '#add-pool', '#field-cni', '#field-podCidrs',
    '#field-serviceCidrs', '#field-serviceDomain', '#field-proxy', 'the Monaco editor'];
  MILESTONES.reduce((prev, m) => {
    const i = seq.indexOf(m);
    if (i === -1) fail(`Tab never reached ${m}\n  visited: ${seq.join(' → ')}`);
    if (i < prev.i) fail(`Tab reaches ${m} before ${prev.m}`);
    return { i, m };
  }, { i: -1, m: '' });
  for (let i = 1; i < visited.length; i++) {
    const [a, b] = [visited[i - 1], visited[i]];
    if (a.inForm && b.inForm && b.y < a.y - 2) fail(`Tab goes back up the form, from ${a.desc} to ${b.desc} (${Math.round(a.y - b.y)} px higher)`);
  }
  const ringless = visited.filter((v) => !v.outline && !v.shadow);
  if (ringless.length) fail(`no visible focus indicator (outline or box-shadow) on ${ringless.map((v) => v.desc).join(', ')}`);
  const offColour = visited.filter((v) => !(v.outline && v.outlineColor === focusColor) && !v.shadow.includes(focusColor));
  if (offColour.length) fail(`focus indicators not in --vscode-focusBorder (${focusColor}): ${offColour.map((v) => `${v.desc}: ${v.outline || v.shadow}`).join(', ')}`);
  log(`keyboard: Tab from the top visits all ${expected.length} controls in reading order (${seq.slice(0, 4).join(', ')} … ${seq.slice(-2).join(', ')}), each with a ${focusColor} focus ring`);
  return expected;
}


async function checkEditorTab(c: Ctx, expected: string[]): Promise<void> {
  const { p } = c;
  // --- keyboard only: Monaco keeps Tab for indentation until Ctrl+M ---------------------------
  const beforeTab = await editorText(p);
  await p.keyboard.press('Tab');
  await waitFor(p, 'Tab in the editor to indent', (t) => window.__tanzuDesigner.editor.getModel().getValue() !== t, beforeTab, 3000);
  const indented = await editorText(p);
  if (indented.replace(/ /g, '') !== beforeTab.replace(/ /g, '')) fail(`Tab in the editor changed more than indentation:\n${indented}`);
  if ((await focusedDesc(p)) !== 'the Monaco editor') fail(`Tab in the editor (without Ctrl+M) moved the focus to ${await focusedDesc(p)}`);
  await undoUntil(p, beforeTab, 'Ctrl+Z after Tab in the editor');
  await p.keyboard.press('Control+m');
  await p.keyboard.press('Tab');
  if ((await focusedDesc(p)) === 'the Monaco editor') fail('after Ctrl+M, Tab did not move the focus out of the editor');
  if ((await editorText(p)) !== beforeTab) fail('after Ctrl+M, Tab still changed the text');
  await p.keyboard.press('Shift+Tab');
  if ((await focusedDesc(p)) !== 'the Monaco editor') fail(`Shift+Tab from past the end went to ${await focusedDesc(p)}, not the editor`);
  await p.keyboard.press('Shift+Tab');
  const lastControl = expected[expected.length - 2];
  if ((await focusedDesc(p)) !== lastControl) fail(`with Ctrl+M on, Shift+Tab in the editor went to ${await focusedDesc(p)}, not ${lastControl}`);
  await p.keyboard.press('Tab');
  await p.keyboard.press('Control+m');
  await p.keyboard.press('Tab');
  await waitFor(p, 'Tab to indent again after a second Ctrl+M', (t) => window.__tanzuDesigner.editor.getModel().getValue() !== t, beforeTab, 3000);
  await undoUntil(p, beforeTab, 'Ctrl+Z after Tab in the editor');
  log(`keyboard: Tab indents in the editor; after Ctrl+M, Tab leaves it and Shift+Tab goes back to ${lastControl}; Ctrl+M again restores indenting`);
}


async function checkPoolKeys(c: Ctx): Promise<void> {
  const { p } = c;
  // --- keyboard only: Add node pool and Remove pool with Enter and Space ------------------------
  const beforePools = await editorText(p);
  const pools = await p.$$eval('fieldset.pool', (els) => els.length);
  const newName = `field-nodePools.${pools}.name`;
  const poolAdded = async (how: string) => {
    await waitFor(p, `${how} on Add node pool to add a pool`, (n) => document.querySelectorAll('fieldset.pool').length === n + 1 && /- name: pool-\d/.test(window.__tanzuDesigner.editor.getModel().getValue()), pools);
    const f = await p.evaluate(() => window.__a11y.focused());
    if (f.id !== newName) fail(`${how} on Add node pool left the focus on ${f.desc}, not the new pool's name (#${newName})`);
    if (!f.outline) fail(`the new pool's name has the focus but no focus ring after ${how}`);
  };
  const poolRemoved = async (how: string) => {
    await waitFor(p, `${how} on Remove pool to remove the new pool`, (n) => document.querySelectorAll('fieldset.pool').length === n, pools);
    if ((await editorText(p)) !== beforePools) fail(`adding and removing a pool with the keyboard did not give the text back:\n${await editorText(p)}`);
    if ((await focusedDesc(p)) !== '#add-pool') fail(`${how} on the last pool's Remove pool left the focus on ${await focusedDesc(p)}, not #add-pool (where the pool was)`);
  };
  await p.focus('#add-pool');
  await p.keyboard.press('Enter');
  await poolAdded('Enter');
  await tabTo(p, `remove-pool-${pools}`);
  await p.keyboard.press('Space');
  await poolRemoved('Space');
  await p.keyboard.press('Space');
  await poolAdded('Space');
  await tabTo(p, `remove-pool-${pools}`);
  await p.keyboard.press('Enter');
  await poolRemoved('Enter');
  log('keyboard: Enter and Space add a pool (focus on its name) and remove it (focus on Add node pool)');
}


async function checkApiForms(c: Ctx): Promise<void> {
  const { p } = c;
  // --- API forms: the schema follows apiVersion/kind -----------------------------------------
  await p.selectOption('#field-form', 'tkc-v1alpha2');
  await waitFor(p, 'apiVersion v1alpha2 in the editor', () => /^apiVersion: run\.tanzu\.vmware\.com\/v1alpha2$/m.test(window.__tanzuDesigner.editor.getModel().getValue()));
  if (!(await p.evaluate(() => document.getElementById('field-nodePools.0.failureDomain') === null))) fail('the vSphere Zone field is still shown for v1alpha2');
  let hover = await hoverKey(p, /^ {6}storageClass: /, /v1alpha2/);
  log(`form tkc-v1alpha2: hover "${hover.slice(0, 70)}…", no vSphere Zone field`);
  // Without reduced motion Monaco does animate (so the checks above can see an animation).
  const moving = await p.evaluate(() => window.__a11y.animated());
  await p.evaluate(() => document.body.classList.add('vscode-reduce-motion'));
  await waitFor(p, "the editor's cursor to stop blinking with VS Code's reduce-motion class", () => window.__tanzuDesigner.editor.getRawOptions().cursorBlinking === 'solid');
  const stillByClass = await p.evaluate(() => window.__a11y.animated());
  if (stillByClass.length) fail(`with VS Code's vscode-reduce-motion body class, a hover shown animates:\n  ${stillByClass.slice(0, 12).join('\n  ')}`);
  await p.evaluate(() => document.body.classList.remove('vscode-reduce-motion'));
  log(`reduced motion: ${moving.length} animated elements with a hover shown, none with VS Code's vscode-reduce-motion class`);
  await p.selectOption('#field-form', 'cluster-v1beta1');
  await waitFor(p, 'a Cluster in the editor', () => /^kind: Cluster$/m.test(window.__tanzuDesigner.editor.getModel().getValue()));
  if (!(await p.evaluate(() => (document.querySelector('[data-wrapper="cni"]') as HTMLElement).hidden))) fail('the CNI field is shown for a Cluster');
  hover = await hoverKey(p, /^ {4}class: /, /cluster\.x-k8s\.io\/v1beta1[\s\S]*Name of the ClusterClass/);
  log(`form cluster-v1beta1: hover "${hover.slice(0, 70)}…", no CNI field`);
  await p.mouse.move(5, 5);
  await p.selectOption('#field-form', 'tkc-v1alpha3');
  await waitFor(p, 'apiVersion v1alpha3 back in the editor', () => /^apiVersion: run\.tanzu\.vmware\.com\/v1alpha3$/m.test(window.__tanzuDesigner.editor.getModel().getValue()));
}


async function checkProxyAndButtons(c: Ctx): Promise<void> {
  const { p, choices } = c;
  // --- proxy -------------------------------------------------------------------------------
  if (!(await p.isDisabled('[id="field-proxy.httpProxy"]'))) fail('the proxy fields are enabled without a proxy');
  await p.check('#field-proxy');
  await p.fill('[id="field-proxy.httpProxy"]', 'http://proxy.example.com:3128');
  await waitFor(p, 'httpProxy in the editor', () => /httpProxy: "?http:\/\/proxy\.example\.com:3128/.test(window.__tanzuDesigner.editor.getModel().getValue()));
  await p.uncheck('#field-proxy');
  await waitFor(p, 'the proxy gone from the editor', () => !/httpProxy/.test(window.__tanzuDesigner.editor.getModel().getValue()));
  log('proxy: ticked, filled and unticked');

  // --- buttons -----------------------------------------------------------------------------
  for (const [id, type] of [['save', 'save'], ['commit', 'commit'], ['sync', 'sync']]) {
    // A debounced 'changed' may land after the click: look at everything the click posted.
    const from = await p.evaluate(() => window.__posted.length);
    await p.click(`#${id}`);
    const sent = await p.evaluate((n) => window.__posted.slice(n), from);
    const current = await editorText(p);
    if (!sent.some((m) => m.type === type && m.text === current)) fail(`the ${id} button did not post {type: '${type}', text} (it posted ${JSON.stringify(sent.map((m) => m.type))})`);
  }
  await postHost(p, { type: 'saved', path: 'clusters/team-a/tkc-web.yaml' });
  await waitFor(p, 'the saved status', () => !!document.getElementById('status')?.textContent?.includes('clusters/team-a/tkc-web.yaml'));
  await p.fill('#field-namespace', 'team-b');
  await p.press('#field-namespace', 'Tab');
  await waitFor(p, 'a namespace message', () => window.__posted.some((m) => m.type === 'namespace' && m.namespace === 'team-b'));
  await postHost(p, { type: 'choices', choices: { ...choices, vmClasses: ['guaranteed-large'] }, connected: { context: 'supervisor-lab', namespace: 'team-b' } });
  await waitFor(p, 'the new choices', () => [...document.querySelectorAll<HTMLOptionElement>('#choices-vmClasses option')].map((o) => o.value).join() === 'guaranteed-large');
  log('buttons, saved status, namespace and choices');
}


async function checkThemes(c: Ctx): Promise<void> {
  const { p } = c;
  // --- theme -------------------------------------------------------------------------------
  const bgBefore = await p.$eval('.monaco-editor', (e) => getComputedStyle(e).backgroundColor);
  await p.evaluate((vars) => window.__setTheme('vscode-light', vars), LIGHT);
  await waitFor(p, 'the editor to follow the light theme', () => getComputedStyle(document.querySelector('.monaco-editor') as Element).backgroundColor === 'rgb(255, 255, 255)');
  await p.waitForTimeout(200);
  await p.screenshot({ path: path.join(ARTIFACTS, 'preview-light.png') });
  log(`theme: editor background ${bgBefore} -> rgb(255, 255, 255) on switching to light`);

  // --- high contrast, dark and light: contrast borders everywhere, Monaco on an hc base --------
  const modes: [string, Record<string, string>, string, string, string][] = [
    ['vscode-high-contrast', HC, 'hc-black', 'rgb(0, 0, 0)', 'preview-hc.png'],
    ['vscode-high-contrast-light', HC_LIGHT, 'hc-light', 'rgb(255, 255, 255)', 'preview-hc-light.png'],
  ];
  for (const [kind, vars, base, background, shot] of modes) {
    await p.evaluate(([k, v]) => window.__setTheme(k as string, v as Record<string, string>), [kind, vars]);
    await waitFor(p, `the editor on Monaco's ${base} base with ${kind}`, ([b, bg]) => {
      const ed = document.querySelector('.monaco-editor') as Element;
      return ed.classList.contains(b) && getComputedStyle(ed).backgroundColor === bg;
    }, [base, background]);
    const contrast = await p.evaluate(() => window.__a11y.color('var(--vscode-contrastBorder)'));
    const unbordered: string[] = await p.evaluate((c) => [...window.__a11y.controls(), ...document.querySelectorAll('fieldset.pool')]
      // Link-styled buttons are text links, underlined in high contrast when hovered or focused.
      .filter((el: Element) => !window.__a11y.inEditor(el) && !el.matches('button.link'))
      .map((el: Element) => {
        const cs = getComputedStyle(el) as unknown as Record<string, string>;
        const sides = ['Top', 'Right', 'Bottom', 'Left'].filter((s) => cs[`border${s}Style`] === 'none' || parseFloat(cs[`border${s}Width`]) < 1 || cs[`border${s}Color`] !== c);
        return sides.length ? `${window.__a11y.describe(el)} (${sides.join('/').toLowerCase()}: ${cs.borderTopStyle} ${cs.borderTopWidth} ${cs.borderTopColor})` : '';
      })
      .filter(Boolean), contrast);
    if (unbordered.length) fail(`${kind}: controls without a contrastBorder (${contrast}) border: ${unbordered.join(', ')}`);
    // Their text stands out from its background (4.5:1), the primary button's under the mouse too.
    await p.hover('#sync');
    const faint: string[] = await p.evaluate(() => window.__a11y.controls()
      .filter((el: HTMLInputElement) => !window.__a11y.inEditor(el) && !el.disabled && el.type !== 'checkbox')
      .map((el: HTMLInputElement): [string, number] => [window.__a11y.describe(el) + (el.matches(':hover') ? ' (hovered)' : ''), window.__a11y.contrast(el)])
      .filter(([, ratio]: [string, number]) => ratio < 4.5)
      .map(([desc, ratio]: [string, number]) => `${desc} ${ratio.toFixed(2)}:1`));
    if (faint.length) fail(`${kind}: control text with a contrast under 4.5:1: ${faint.join(', ')}`);
    await p.mouse.move(5, 5);
    // Focus rings in contrastActiveBorder: an input, and a button reached with the keyboard.
    const activeBorder = await p.evaluate(() => window.__a11y.color('var(--vscode-contrastActiveBorder)'));
    await p.evaluate(() => (document.querySelector('.form-pane') as Element).scrollTop = 0);
    await p.focus('#field-form');
    await p.keyboard.press('Shift+Tab');
    const syncRing = await p.evaluate(() => window.__a11y.focused());
    await p.focus('#field-name');
    const nameRing = await p.evaluate(() => window.__a11y.focused());
    for (const r of [syncRing, nameRing]) if (!r.outline || r.outlineColor !== activeBorder) fail(`${kind}: the focus ring of ${r.desc} is "${r.outline || r.shadow || 'none'}", not in contrastActiveBorder (${activeBorder})`);
    await p.waitForTimeout(150);
    await p.screenshot({ path: path.join(ARTIFACTS, shot) });
    log(`${kind}: Monaco on ${base}, every control bordered in ${contrast}, focus in ${activeBorder}; screenshot ${path.relative(REPO, path.join(ARTIFACTS, shot))}`);
  }
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await p.evaluate((vars) => window.__setTheme('vscode-dark', vars), DARK);
}


async function checkNarrowAndReload(c: Ctx): Promise<void> {
  const { p, init } = c;
  // --- narrow ------------------------------------------------------------------------------
  await p.setViewportSize({ width: 600, height: 900 });
  await p.waitForTimeout(300);
  const stacked = await p.evaluate(() => (document.querySelector('.editor-pane') as Element).getBoundingClientRect().top >= (document.querySelector('.form-pane') as Element).getBoundingClientRect().bottom - 1);
  if (!stacked) fail('on a narrow panel the editor is not below the form');
  await p.screenshot({ path: path.join(ARTIFACTS, 'preview-narrow.png') });
  await p.setViewportSize({ width: 1440, height: 900 });

  // --- state across a reload (the host does not retain the webview's context) ----------------
  const before = await editorText(p);
  await p.waitForTimeout(CHANGED_WAIT);
  await p.reload();
  await waitFor(p, "the reloaded webview's ready message", () => window.__posted.some((m) => m.type === 'ready'));
  await postHost(p, init);
  await waitFor(p, 'the editor after the reload', () => !!window.__tanzuDesigner);
  const after = await editorText(p);
  if (after !== before) fail('the text did not survive the reload through setState');
  if ((await p.inputValue('#field-name')) !== 'tkc-web-2-x') fail('the form after the reload does not show the restored text');
  log('state: the edited text came back after a reload');
}


/** A finding's quick fix is a code action of the editor: Ctrl+. lists it, Enter applies its edit. */
async function checkQuickFix(c: Ctx): Promise<void> {
  const { p } = c;
  await waitFor(p, 'the changes to be posted', () => {
    const last = [...window.__posted].reverse().find((m) => m.type === 'changed');
    return last && last.text === window.__tanzuDesigner.editor.getModel().getValue();
  });
  const changed = await lastChanged(p);
  if (!changed) return fail('no changed message posted');
  const lines = (changed.text as string).split('\n');
  const line = lines.findIndex((l) => /^ {6}vmClass: /.test(l));
  if (line === -1) fail(`no control plane vmClass line in:\n${changed.text}`);
  const start = lines[line].indexOf(':') + 2;
  const range = { start: { line, character: start }, end: { line, character: lines[line].length } };
  const title = 'Change to best-effort-medium (2 CPU, 8Gi)';
  await postHost(p, { type: 'findings', version: changed.version, findings: [
    { severity: 'error', code: 'vm-class-unavailable', message: 'VM class x is not available in team-a.', range, fixes: [{ title, edits: [{ range, newText: 'best-effort-medium' }], preferred: true }] },
  ] });
  await waitFor(p, 'the finding with a fix', () => window.__tanzuDesigner.monaco.editor.getModelMarkers({ owner: 'tanzu-gitops' }).length === 1);
  await p.evaluate((l) => {
    const ed = window.__tanzuDesigner.editor;
    ed.focus();
    ed.setPosition({ lineNumber: l + 1, column: 12 });
    ed.trigger('preview', 'editor.action.quickFix', {});
  }, line);
  await waitFor(p, 'the quick fix in the code action list', (t) => [...document.querySelectorAll('.action-widget .monaco-list-row')].some((r) => r.textContent?.includes(t)), title);
  await p.screenshot({ path: path.join(ARTIFACTS, 'quick-fix.png') });
  await p.keyboard.press('Enter');
  await waitFor(p, 'the fix applied', (l) => window.__tanzuDesigner.editor.getModel().getLineContent(l + 1).endsWith('vmClass: best-effort-medium'), line);
  await waitFor(p, 'the form to follow the fix', () => (document.getElementById('field-controlPlane.vmClass') as HTMLInputElement).value === 'best-effort-medium');
  log('quick fix: the finding\'s fix listed by Ctrl+. and applied to the text and the form');
  await checkClean(c, 'after the quick fix');
}

async function checkNewCluster(c: Ctx): Promise<void> {
  const { p, init } = c;
  // --- New Cluster: no text from the host, a default design in the connected namespace --------
  await p.reload();
  await waitFor(p, "the reloaded webview's ready message", () => window.__posted.some((m) => m.type === 'ready'));
  await p.evaluate(() => sessionStorage.clear()); // a fresh panel: no state yet
  const choices = { ...(init.choices as JsonObject), vmClassSizes: { 'best-effort-small': '2 CPU, 4Gi' } };
  await postHost(p, { ...init, text: '', title: 'New Cluster', choices, namespace: 'team-a' });
  await waitFor(p, 'a default design in the editor', () => /^kind: (Cluster|TanzuKubernetesCluster)$/m.test(window.__tanzuDesigner?.editor.getModel().getValue() ?? ''));
  const fresh = await editorText(p);
  if (!/namespace: team-a/.test(fresh)) fail(`the new design is not in the connected namespace:\n${fresh}`);
  if (/best-effort|vsan|v1\.2\d/.test(fresh)) fail(`the new design chose a class or a release the user did not pick:\n${fresh}`);
  const label = await p.$eval('#choices-vmClasses option[value="best-effort-small"]', (o) => (o as HTMLOptionElement).label);
  if (label !== '2 CPU, 4Gi') fail(`the VM class picker does not say its size: "${label}"`);
  // What the host finds on the untouched fields (an empty name and VM class) are prompts, not errors.
  const freshChanged = await lastChanged(p);
  const lines = fresh.split('\n');
  const on = (re: RegExp) => {
    const line = lines.findIndex((l) => re.test(l));
    return { start: { line, character: lines[line].indexOf(':') + 2 }, end: { line, character: lines[line].length } };
  };
  await postHost(p, { type: 'findings', version: freshChanged?.version, findings: [
    { severity: 'error', code: 'resource-name', message: 'metadata.name "" is not a DNS-1123 label.', range: on(/^ {2}name: /) },
    { severity: 'error', code: 'class-empty', message: 'Variable "vmClass" is empty: name a VM class.', range: on(/^ {8}value: ""/) },
  ] });
  await waitFor(p, 'two prompts on the form', () => document.querySelectorAll('#design-form .finding-prompt').length === 2);
  if ((await p.$$('#design-form .finding-error')).length) fail('an untouched new design shows errors');
  if ((await p.$$('[aria-invalid="true"]')).length) fail('an untouched field is aria-invalid');
  const count = ((await p.textContent('#problem-count')) ?? '').trim();
  if (count !== '2 to fill in') fail(`the header count of an untouched design is "${count}"`);
  if ((await markers(p, 'tanzu-gitops')).some((m) => m.severity > 1)) fail('the editor marks an untouched field as a problem');
  await waitFor(p, 'the new design posted to the host', (t) => window.__posted.some((m) => m.type === 'changed' && m.text === t), fresh);
  if (!(await p.evaluate(() => document.activeElement?.id === 'field-name'))) fail('a new design does not start in the name field');
  await p.keyboard.type('tkc-new');
  await waitFor(p, 'the new name in the editor', () => /^ {2}name: "?tkc-new"?$/m.test(window.__tanzuDesigner.editor.getModel().getValue()));
  await waitFor(p, 'the touched name field to show its finding as it is', () => document.querySelectorAll('#design-form .finding-prompt').length === 1);
  await p.screenshot({ path: path.join(ARTIFACTS, 'new-cluster.png') });
  log('new cluster: no class or release chosen for the user, prompts until a field is touched, the name field focused');
  await checkClean(c, 'at the end');
}

const CHANGED_WAIT = 400;

run().then(
  () => { log('PASS'); process.exit(0); },
  (err) => {
    console.error(`[designer-preview] FAIL: ${describeError(err)}`);
    process.exit(1);
  },
);
