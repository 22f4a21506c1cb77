#!/usr/bin/env node
// The cluster designer webview in a real browser, without VS Code: serves dist/webview/ under the
// webview's CSP (nonce, no inline styles, workers from blob: only) with a stand-in for
// acquireVsCodeApi, opens it in headless Chromium (the same /usr/lib/chromium and playwright-core
// scripts/editor-bench.mjs uses), plays the host's part and checks what a user would see:
//   - no CSP violation, console error or request off the page's origin;
//   - monaco-yaml's worker validates (a marker of owner 'yaml' for `replicas: three`), completes
//     (vmClass offered in spec.topology.controlPlane) and hovers (the schema's description);
//   - the form writes the text (name -> metadata.name) and the text writes the form;
//   - host findings become markers, messages under their fields and a summary;
//   - the text survives a reload through vscode.setState;
//   - the theme follows VS Code's (dark, then light).
// Screenshots go to test-artifacts/designer/. Exits non-zero with the failed check's message.
// Usage: node scripts/designer-preview.mjs [--no-build] [--production] [--strict-csp] [--headed] [--keep-open]
/* global window, document, getComputedStyle, sessionStorage -- used only inside page.evaluate (the browser) */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/lib/chromium/chromium';
const DIST = path.join(REPO, 'dist', 'webview');
const ARTIFACTS = path.join(REPO, 'test-artifacts', 'designer');
const SAMPLE = path.join(REPO, 'samples', 'gitops-repo', 'clusters', 'team-a', 'tkc-web.yaml');
const args = new Set(process.argv.slice(2));

const FORM_SCHEMAS = { 'tkc-v1alpha3': 'tkc-v1alpha3', 'tkc-v1alpha2': 'tkc-v1alpha2', 'cluster-v1beta1': 'cluster-v1beta1-tanzukubernetescluster' };

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
  'testing-iconPassed': '#73c991',
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
  'testing-iconPassed': '#388a34',
};

class CheckError extends Error {}
const fail = (message) => { throw new CheckError(message); };
const log = (message) => console.log(`[designer-preview] ${message}`);

// --- the page --------------------------------------------------------------------------------

function page(origin, nonce) {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${origin} 'nonce-${nonce}'`,
    // Monaco renders its view lines, line numbers, selections and guides as HTML strings with
    // style="top:…" attributes; without this, all lines pile up at the top. <style> elements
    // still need the nonce (style-src-elem falls back to style-src). --strict-csp leaves it out.
    ...(args.has('--strict-csp') ? [] : ["style-src-attr 'unsafe-inline'"]),
    `font-src ${origin}`,
    `img-src ${origin} data:`,
    'worker-src blob:',
  ].join('; ');
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
window.__setTheme = (kind, vars) => {
  for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty('--vscode-' + k, v);
  document.body.className = kind;
};
window.__setTheme('vscode-dark', ${JSON.stringify(DARK)});
`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="csp-nonce" content="${nonce}">
<link rel="stylesheet" href="${origin}/designer.css" nonce="${nonce}">
<title>Cluster designer</title>
</head>
<body>
<div id="app" role="main" aria-label="Cluster designer"></div>
<script nonce="${nonce}">${shim}</script>
<script nonce="${nonce}" src="${origin}/designer.js"></script>
</body>
</html>`;
}

const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

function serve() {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      const origin = `http://127.0.0.1:${server.address().port}`;
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

async function waitFor(pageObj, what, fn, arg, timeout = 15000) {
  try {
    return await pageObj.waitForFunction(fn, arg, { timeout, polling: 50 });
  } catch {
    fail(`timed out after ${timeout / 1000} s waiting for ${what}`);
  }
}

const postHost = (p, message) => p.evaluate((m) => window.postMessage(m, '*'), message);
const lastChanged = (p) => p.evaluate(() => [...window.__posted].reverse().find((m) => m.type === 'changed'));
const markers = (p, owner) => p.evaluate((o) => window.__tanzuDesigner.monaco.editor.getModelMarkers({ owner: o })
  .map((m) => ({ message: m.message, line: m.startLineNumber, severity: m.severity })), owner);
const editorText = (p) => p.evaluate(() => window.__tanzuDesigner.editor.getModel().getValue());

/** Puts the cursor at the start of a 1-based line's text, through the keyboard. */
async function gotoLine(p, line) {
  await p.click('.monaco-editor .view-lines');
  await p.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await p.keyboard.press('ArrowDown');
  await p.keyboard.press('End');
  await p.keyboard.press('Home');
}

/** Ctrl+Z in the editor until its text is `expected` (Monaco's undo stops fall on word boundaries). */
async function undoUntil(p, expected, what) {
  for (let i = 0; i < 40 && (await editorText(p)) !== expected; i++) await p.keyboard.press('Control+z');
  if ((await editorText(p)) !== expected) fail(`${what} did not bring the text back:\n${await editorText(p)}`);
}

/** Moves the mouse onto the key of the first line matching `lineRe`; returns the hover's text once it matches `expect`. */
async function hoverKey(p, lineRe, expect) {
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
    (re) => [...document.querySelectorAll('.monaco-hover:not(.hidden)')].some((h) => new RegExp(re, 'i').test(h.textContent)), expect.source, 10000);
  return p.$$eval('.monaco-hover:not(.hidden)', (els) => els.map((e) => e.textContent).join(' ').replace(/\s+/g, ' '));
}

function lineOf(text, re) {
  const i = text.split('\n').findIndex((l) => re.test(l));
  if (i === -1) fail(`no line matches ${re} in the editor's text`);
  return i + 1;
}

// --- the run ---------------------------------------------------------------------------------

async function run() {
  if (!args.has('--no-build')) {
    log('building the webview bundle');
    execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--webview', ...(args.has('--production') ? ['--production'] : [])], { stdio: 'inherit', cwd: REPO });
  }
  for (const f of ['designer.js', 'designer.css', 'codicon.ttf']) if (!fs.existsSync(path.join(DIST, f))) fail(`dist/webview/${f} is missing: run node scripts/build.mjs`);
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing (scripts/editor-bench.mjs installs it: npm run test:editor)`);
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

  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = createRequire(path.join(REPO, 'package.json'))('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: !args.has('--headed'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  const problems = [];
  let p;
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    p = await context.newPage();
    p.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
    p.on('pageerror', (e) => problems.push(`page error: ${e.stack || e.message}`));
    const workers = [];
    p.on('worker', (w) => workers.push(w.url()));
    p.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')) problems.push(`request off the page's origin: ${u}`);
    });
    const checkClean = async (when) => {
      const csp = await p.evaluate(() => window.__csp);
      // One line per kind of problem (hashes and ports differ), with how often it happened.
      const counts = new Map();
      for (const line of [...csp.map((c) => `CSP violation: ${c}`), ...problems]) {
        const key = line.replace(/'sha256-[^']+'/g, "'sha256-…'").slice(0, 400);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      if (counts.size) fail(`${when}:\n  ${[...counts].map(([l, n]) => (n > 1 ? `${n}× ` : '') + l).join('\n  ')}`);
    };

    await p.goto(origin + '/');
    await waitFor(p, "the webview's ready message", () => window.__posted.some((m) => m.type === 'ready'));
    const t0 = Date.now();
    await postHost(p, init);
    await waitFor(p, 'the editor to show the sample', () => document.querySelector('.monaco-editor .view-lines')?.textContent.includes('tkc-web'));
    await waitFor(p, 'the first changed message', () => window.__posted.some((m) => m.type === 'changed'));
    log(`editor up ${Date.now() - t0} ms after init`);
    if ((await editorText(p)) !== sample) fail('the editor does not hold the init text');
    if ((await p.inputValue('#field-name')) !== 'tkc-web') fail(`the form's name is "${await p.inputValue('#field-name')}", not tkc-web`);
    await checkClean('after init');

    // --- monaco-yaml: validation in its worker ----------------------------------------------
    let text = await editorText(p);
    const cpReplicas = lineOf(text, /^ {6}replicas: 3$/);
    await gotoLine(p, cpReplicas);
    await p.keyboard.press('Shift+End');
    await p.keyboard.type('replicas: three');
    await waitFor(p, "a marker of owner 'yaml' (monaco-yaml's worker) for replicas: three",
      (line) => window.__tanzuDesigner.monaco.editor.getModelMarkers({ owner: 'yaml' }).some((m) => m.startLineNumber === line), cpReplicas, 20000);
    const yamlMarkers = await markers(p, 'yaml');
    log(`yaml worker: ${yamlMarkers.map((m) => `line ${m.line}: ${m.message}`).join('; ')}`);
    log(`workers: ${workers.length}, all from blob: URLs`);
    // Monaco's editor worker computes the links; monaco-yaml's does the rest.
    for (let i = 0; i < 100 && workers.length < 2; i++) await p.waitForTimeout(100);
    if (workers.length < 2 || !workers.every((u) => u.startsWith('blob:'))) fail(`expected the editor and yaml workers from blob: URLs, got ${JSON.stringify(workers)}`);
    await p.keyboard.press('Escape');
    await undoUntil(p, sample, 'undo after replicas: three');
    await waitFor(p, "the 'yaml' marker to go once the value is fixed",
      (line) => !window.__tanzuDesigner.monaco.editor.getModelMarkers({ owner: 'yaml' }).some((m) => m.startLineNumber === line), cpReplicas);

    // --- completion in spec.topology.controlPlane --------------------------------------------
    const cpVmClass = lineOf(text, /^ {6}vmClass: best-effort-small$/);
    await gotoLine(p, cpVmClass);
    await p.keyboard.press('Shift+End');
    await p.keyboard.type('vm');
    await p.keyboard.press('Control+Space');
    await waitFor(p, 'the suggest widget with vmClass', () => [...document.querySelectorAll('.suggest-widget.visible .monaco-list-row')]
      .some((r) => /vmClass/.test(r.getAttribute('aria-label') || r.textContent)));
    const suggestions = await p.$$eval('.suggest-widget.visible .monaco-list-row .label-name', (els) => els.map((e) => e.textContent));
    log(`completion at spec.topology.controlPlane "vm": ${suggestions.join(', ')}`);
    await p.screenshot({ path: path.join(ARTIFACTS, 'completion.png') });
    await p.keyboard.press('Escape');
    await undoUntil(p, sample, 'undo after the completion check');

    // --- hover: the schema's description -----------------------------------------------------
    const hoverText = await hoverKey(p, /^ {6}storageClass: /, /storage class to be used for storage of the disks/i);
    log(`hover: ${hoverText.slice(0, 140)}…`);
    await p.screenshot({ path: path.join(ARTIFACTS, 'hover.png') });
    await p.mouse.move(5, 5);
    await p.keyboard.press('Escape');

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

    // --- text -> form ------------------------------------------------------------------------
    text = await editorText(p);
    const poolVm = lineOf(text, /^ {8}vmClass: best-effort-medium$/);
    await gotoLine(p, poolVm);
    await p.keyboard.press('Shift+End');
    await p.keyboard.type('vmClass: best-effort-large');
    await waitFor(p, 'the form to show the pool VM class typed in the editor', () => document.getElementById('field-nodePools.0.vmClass')?.value === 'best-effort-large');
    const nameLine = lineOf(await editorText(p), /^ {2}name: tkc-web-2$/);
    await gotoLine(p, nameLine);
    await p.keyboard.press('End');
    await p.keyboard.type('-x');
    await waitFor(p, 'the form name to follow the editor', () => document.getElementById('field-name')?.value === 'tkc-web-2-x');
    // A syntax error keeps the last good form and says why.
    const beforeError = await editorText(p);
    await p.keyboard.type(': [');
    await waitFor(p, 'the parse error above the form', () => !document.getElementById('parse-error').hidden);
    const broken = await editorText(p);
    await p.fill('#field-name', 'zzz');
    if ((await p.inputValue('#field-name')) !== 'tkc-web-2-x') fail('a form edit while the text is broken was not undone');
    if (!(await p.textContent('#status')).includes('Fix the manifest first')) fail('no status saying why the form cannot edit a broken text');
    if ((await editorText(p)) !== broken) fail('a form edit changed a broken text');
    await gotoLine(p, nameLine);
    await p.keyboard.press('End');
    for (let i = 0; i < broken.length - beforeError.length; i++) await p.keyboard.press('Shift+ArrowLeft');
    await p.keyboard.press('Delete');
    if ((await editorText(p)) !== beforeError) fail('deleting the syntax error did not bring the text back');
    await waitFor(p, 'the parse error to clear', () => document.getElementById('parse-error').hidden);
    log('text -> form: pool VM class, name, syntax error shown and cleared');

    // --- findings ----------------------------------------------------------------------------
    await waitFor(p, 'the changes to be posted', () => {
      const last = [...window.__posted].reverse().find((m) => m.type === 'changed');
      return last && last.text === window.__tanzuDesigner.editor.getModel().getValue();
    });
    const changed = await lastChanged(p);
    text = changed.text;
    const lines = text.split('\n');
    const at = (re, key) => {
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
    if (!field.describedby.split(' ').includes(field.id)) fail('the control plane VM class field is not aria-describedby its finding');
    const podFinding = await p.$eval('[id="findings-podCidrs"]', (e) => e.textContent);
    if (!podFinding.includes('overlaps')) fail('no warning under the pod CIDRs field');
    const summary = await p.$$eval('.findings-summary .finding', (els) => els.map((e) => e.textContent));
    if (!summary.some((s) => s.includes('os-image annotation'))) fail(`the annotation finding is not in the summary (summary: ${JSON.stringify(summary)})`);
    const count = await p.textContent('#problem-count');
    if (count.trim() !== '1 error, 1 warning, 1 info') fail(`the header count is "${count}"`);
    log(`findings: markers, field messages, summary, header "${count.trim()}"`);
    await p.evaluate(() => document.activeElement?.blur());
    await p.evaluate(() => window.__tanzuDesigner.editor.setScrollTop(0));
    await p.evaluate(() => document.querySelector('.form-pane').scrollTop = 0);
    await p.waitForTimeout(300);
    await checkClean('after the editing checks');
    await p.screenshot({ path: path.join(ARTIFACTS, 'preview.png') });
    log(`screenshot: ${path.relative(REPO, path.join(ARTIFACTS, 'preview.png'))}`);

    // --- API forms: the schema follows apiVersion/kind -----------------------------------------
    await p.selectOption('#field-form', 'tkc-v1alpha2');
    await waitFor(p, 'apiVersion v1alpha2 in the editor', () => /^apiVersion: run\.tanzu\.vmware\.com\/v1alpha2$/m.test(window.__tanzuDesigner.editor.getModel().getValue()));
    if (!(await p.evaluate(() => document.getElementById('field-nodePools.0.failureDomain') === null))) fail('the vSphere Zone field is still shown for v1alpha2');
    let hover = await hoverKey(p, /^ {6}storageClass: /, /v1alpha2/);
    log(`form tkc-v1alpha2: hover "${hover.slice(0, 70)}…", no vSphere Zone field`);
    await p.selectOption('#field-form', 'cluster-v1beta1');
    await waitFor(p, 'a Cluster in the editor', () => /^kind: Cluster$/m.test(window.__tanzuDesigner.editor.getModel().getValue()));
    if (!(await p.evaluate(() => document.querySelector('[data-wrapper="cni"]').hidden))) fail('the CNI field is shown for a Cluster');
    hover = await hoverKey(p, /^ {4}class: /, /cluster\.x-k8s\.io\/v1beta1[\s\S]*Name of the ClusterClass/);
    log(`form cluster-v1beta1: hover "${hover.slice(0, 70)}…", no CNI field`);
    await p.mouse.move(5, 5);
    await p.selectOption('#field-form', 'tkc-v1alpha3');
    await waitFor(p, 'apiVersion v1alpha3 back in the editor', () => /^apiVersion: run\.tanzu\.vmware\.com\/v1alpha3$/m.test(window.__tanzuDesigner.editor.getModel().getValue()));

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
      await p.click(`#${id}`);
      const last = await p.evaluate(() => window.__posted[window.__posted.length - 1]);
      if (last?.type !== type || last.text !== (await editorText(p))) fail(`the ${id} button did not post {type: '${type}', text}`);
    }
    await postHost(p, { type: 'saved', path: 'clusters/team-a/tkc-web.yaml' });
    await waitFor(p, 'the saved status', () => document.getElementById('status').textContent.includes('clusters/team-a/tkc-web.yaml'));
    await p.fill('#field-namespace', 'team-b');
    await p.press('#field-namespace', 'Tab');
    await waitFor(p, 'a namespace message', () => window.__posted.some((m) => m.type === 'namespace' && m.namespace === 'team-b'));
    await postHost(p, { type: 'choices', choices: { ...choices, vmClasses: ['guaranteed-large'] }, connected: { context: 'supervisor-lab', namespace: 'team-b' } });
    await waitFor(p, 'the new choices', () => [...document.querySelectorAll('#choices-vmClasses option')].map((o) => o.value).join() === 'guaranteed-large');
    log('buttons, saved status, namespace and choices');

    // --- theme -------------------------------------------------------------------------------
    const bgBefore = await p.$eval('.monaco-editor', (e) => getComputedStyle(e).backgroundColor);
    await p.evaluate((vars) => window.__setTheme('vscode-light', vars), LIGHT);
    await waitFor(p, 'the editor to follow the light theme', () => getComputedStyle(document.querySelector('.monaco-editor')).backgroundColor === 'rgb(255, 255, 255)');
    await p.waitForTimeout(200);
    await p.screenshot({ path: path.join(ARTIFACTS, 'preview-light.png') });
    log(`theme: editor background ${bgBefore} -> rgb(255, 255, 255) on switching to light`);
    await p.evaluate((vars) => window.__setTheme('vscode-dark', vars), DARK);

    // --- narrow ------------------------------------------------------------------------------
    await p.setViewportSize({ width: 600, height: 900 });
    await p.waitForTimeout(300);
    const stacked = await p.evaluate(() => document.querySelector('.editor-pane').getBoundingClientRect().top >= document.querySelector('.form-pane').getBoundingClientRect().bottom - 1);
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

    // --- New Cluster: no text from the host, a default design in the connected namespace --------
    await p.reload();
    await waitFor(p, "the reloaded webview's ready message", () => window.__posted.some((m) => m.type === 'ready'));
    await p.evaluate(() => sessionStorage.clear()); // a fresh panel: no state yet
    await postHost(p, { ...init, text: '', title: 'New Cluster' });
    await waitFor(p, 'a default design in the editor', () => /^kind: (Cluster|TanzuKubernetesCluster)$/m.test(window.__tanzuDesigner?.editor.getModel().getValue() ?? ''));
    const fresh = await editorText(p);
    if (!/namespace: team-a/.test(fresh)) fail(`the new design is not in the connected namespace:\n${fresh}`);
    await waitFor(p, 'the new design posted to the host', (t) => window.__posted.some((m) => m.type === 'changed' && m.text === t), fresh);
    if (!(await p.evaluate(() => document.activeElement?.id === 'field-name'))) fail('a new design does not start in the name field');
    await p.keyboard.type('tkc-new');
    await waitFor(p, 'the new name in the editor', () => /^ {2}name: "?tkc-new"?$/m.test(window.__tanzuDesigner.editor.getModel().getValue()));
    await p.screenshot({ path: path.join(ARTIFACTS, 'new-cluster.png') });
    log('new cluster: a default design from the choices, the name field focused');
    await checkClean('at the end');

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

const CHANGED_WAIT = 400;

run().then(
  () => { log('PASS'); process.exit(0); },
  (err) => {
    console.error(`[designer-preview] FAIL: ${err instanceof CheckError ? err.message : err.stack || err}`);
    process.exit(1);
  },
);
