/**
 * Helpers for the editor suites (they run inside the real extension host).
 *
 * The UI bridge: the extension host cannot see the page, so a test asks the bench
 * (scripts/editor-bench.ts, on the same machine) through files in TANZU_GITOPS_EDITOR_BENCH_DIR:
 * it writes requests/<id>.json atomically ({"kind":"screenshot","name":...} or
 * {"kind":"count","selector":...} or {"kind":"text","selector":...}); the bench, which drives the
 * page with Playwright, handles one request at a time and answers in responses/<id>.json.
 * Screenshots land in test-artifacts/editor/<name>.png. Outside the bench (a desktop run under
 * @vscode/test-electron) the variable is unset: screenshot() and the UI queries answer undefined,
 * and tests that need the page skip themselves (see `underBench`).
 */
import { ok } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

/** The source of the extension's diagnostics. */
export const SOURCE = 'tanzu-gitops';
export const EXTENSION_ID = 'tanzu-gitops.tanzu-gitops';

const BENCH_DIR = process.env.TANZU_GITOPS_EDITOR_BENCH_DIR || '';

/** True when the code-server bench drives this run (the UI bridge answers). */
export function underBench(): boolean {
  return BENCH_DIR !== '' && fs.existsSync(path.join(BENCH_DIR, 'requests'));
}

/**
 * Reads a value until `done` says it is there or timeoutMs passes; the last value read either way
 * (the caller asserts on it, so a failure shows what was seen).
 */
export async function poll<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs: number, intervalMs = 250): Promise<T> {
  const started = Date.now();
  let value = await read();
  while (!done(value) && Date.now() - started < timeoutMs) {
    await sleep(intervalMs);
    value = await read();
  }
  return value;
}

/** The text of the quick input (a plan to review, a picker) once it matches `re`, else the last seen. */
export function quickInputText(re: RegExp, timeoutMs = 45_000): Promise<string> {
  return poll(async () => ((await textOf('.quick-input-widget')) ?? []).join('\n'), (t) => re.test(t), timeoutMs, 300);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// --- workspace and editors -------------------------------------------------------------------

/** The root of the workspace (a fresh copy of test/editor/workspace/ under the bench). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri;
}

/** The URI of a fixture, by its path relative to test/editor/workspace/. */
export function fixtureUri(relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relativePath.split('/'));
}

/** Opens a fixture in an editor (not a preview) and returns the editor. */
export async function openFixture(relativePath: string, options: vscode.TextDocumentShowOptions = {}): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(relativePath));
  return vscode.window.showTextDocument(doc, { preview: false, ...options });
}

/** Opens an untitled document with the given content and language (YAML by default). */
export async function openUntitled(content: string, language = 'yaml'): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content, language });
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Replaces the whole text of an editor's document. */
export async function setText(editor: vscode.TextEditor, text: string): Promise<void> {
  const doc = editor.document;
  const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  const ok = await editor.edit((b) => b.replace(all, text));
  if (!ok) throw new Error('the edit was not applied');
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Reverts unsaved changes (untitled documents included, so no save dialog appears) and closes all editors. */
export async function revertAndCloseAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.isDirty) {
      await vscode.window.showTextDocument(doc, { preview: false });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
  await closeAllEditors();
}

// --- diagnostics ---------------------------------------------------------------------------

/** A diagnostic's code as a string (codes may be strings, numbers or {value, target}). */
export function diagnosticCode(d: vscode.Diagnostic): string {
  const c = d.code;
  if (c === undefined) return '';
  return typeof c === 'object' ? String(c.value) : String(c);
}

/** The extension's own diagnostics for a document. */
export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function describe(diags: readonly vscode.Diagnostic[]): string {
  if (!diags.length) return '(none)';
  return diags.map((d) => `  ${d.range.start.line + 1}:${d.range.start.character + 1} [${d.source ?? ''}/${diagnosticCode(d)}] ${vscode.DiagnosticSeverity[d.severity]}: ${d.message}`).join('\n');
}

/**
 * Waits until the diagnostics of `uri` (all sources; filter with ourDiagnostics-style predicates)
 * satisfy `predicate`, and returns them. Rejects after timeoutMs with the diagnostics it saw.
 * Examples:
 *   await waitForDiagnostics(uri, (ds) => ds.some((d) => d.source === SOURCE && diagnosticCode(d) === 'tkc/replicas'));
 *   await waitForDiagnostics(uri, (ds) => ds.filter((d) => d.source === SOURCE).length === 0);
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs = 20_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    let done = false;
    const check = (): void => {
      if (done) return;
      const diags = vscode.languages.getDiagnostics(uri);
      let ok = false;
      try {
        ok = predicate(diags);
      } catch (err) {
        finish();
        reject(err);
        return;
      }
      if (ok) {
        finish();
        resolve(diags);
      }
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const poll = setInterval(check, 250);
    const timer = setTimeout(() => {
      if (done) return;
      finish();
      reject(new Error(`diagnostics of ${vscode.workspace.asRelativePath(uri)} did not match within ${timeoutMs} ms; they are:\n${describe(vscode.languages.getDiagnostics(uri))}`));
    }, timeoutMs);
    function finish(): void {
      done = true;
      sub.dispose();
      clearInterval(poll);
      clearTimeout(timer);
    }
    check();
  });
}

/**
 * Waits for the engine's "validated" signal: the open document `uri` validated at its version now
 * (or `version`), its diagnostics published. A negative check (no diagnostic) awaits this, then
 * asserts. Resolves with the version validated; rejects when the document is not one the engine
 * reads, or after timeoutMs.
 */
export async function whenValidated(uri: vscode.Uri, version?: number, timeoutMs = 20_000): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${vscode.workspace.asRelativePath(uri)} was not validated within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // the extension's internal command (not contributed): see VALIDATED_COMMAND in src/editor/extension.ts
    const validated = await Promise.race([vscode.commands.executeCommand<number | undefined>('tanzuGitops._whenValidated', uri, version), timeout]);
    if (validated === undefined) throw new Error(`${vscode.workspace.asRelativePath(uri)} is not an open document the engine validates`);
    return validated;
  } finally {
    clearTimeout(timer);
  }
}

/** The quick fixes (with an edit) the editor offers for a range. */
export async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value);
  return (actions ?? []).filter((a): a is vscode.CodeAction => 'edit' in a && !!a.edit);
}

/**
 * A quick fix applied as a person does: the cursor in the finding, Ctrl+., a click on the entry
 * titled `title` (a screenshot of the menu first). Outside the bench (no page to click), its edit
 * is applied directly. Returns the titles of the menu's entries.
 */
export async function applyFromMenu(editor: vscode.TextEditor, d: vscode.Diagnostic, title: string, shot: string): Promise<string[]> {
  const offered = (await quickFixes(editor.document.uri, d.range)).map((a) => a.title);
  ok(offered.includes(title), `"${title}" is offered: ${offered.join(' | ')}`);
  if (!underBench()) {
    const fix = (await quickFixes(editor.document.uri, d.range)).find((a) => a.title === title)!;
    ok(await vscode.workspace.applyEdit(fix.edit!));
    return offered;
  }
  const shown = await vscode.window.showTextDocument(editor.document, { preview: false });
  const at = d.range.start.translate(0, d.range.isEmpty ? 0 : 1);
  shown.selection = new vscode.Selection(at, at);
  shown.revealRange(d.range);
  // A busy extension host may answer the menu's request late, or the key may land before the
  // editor has the focus: ask again, up to three times.
  let shownRows = 0;
  for (let attempt = 0; attempt < 3 && !shownRows; attempt++) {
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await sleep(300);
    await keys([{ press: 'Control+.', waitMs: 1000 }]);
    shownRows = await poll(async () => (await countVisible('.action-widget .monaco-list-row')) ?? 0, (n) => n > 0, 8_000, 250);
    if (!shownRows) await keys([{ press: 'Escape', waitMs: 300 }]);
  }
  ok(shownRows > 0, `the Ctrl+. menu did not open for "${title}"`);
  const rows = ((await textOf('.action-widget .monaco-list-row')) ?? []).filter((t) => t.trim());
  await screenshot(shot, { settleMs: 200 });
  ok(await click('.action-widget .monaco-list-row', title), `no "${title}" in the menu: ${rows.join(' | ')}`);
  return rows;
}

// --- the UI bridge -------------------------------------------------------------------------

let counter = 0;

interface BridgeAnswer {
  ok: boolean;
  error?: string;
  path?: string;
  count?: number;
  text?: string[];
}

async function ask(request: Record<string, unknown>, timeoutMs = 30_000): Promise<BridgeAnswer | undefined> {
  if (!underBench()) return undefined;
  const id = `${Date.now()}-${process.pid}-${String(++counter).padStart(5, '0')}`;
  const tmp = path.join(BENCH_DIR, 'requests', `.${id}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(request));
  fs.renameSync(tmp, path.join(BENCH_DIR, 'requests', `${id}.json`));
  const answer = path.join(BENCH_DIR, 'responses', `${id}.json`);
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (fs.existsSync(answer)) {
      const res = JSON.parse(fs.readFileSync(answer, 'utf8')) as BridgeAnswer;
      fs.rmSync(answer, { force: true });
      if (!res.ok) throw new Error(`editor bench: ${request.kind} failed: ${res.error}`);
      return res;
    }
    await sleep(50);
  }
  throw new Error(`editor bench did not answer the ${String(request.kind)} request within ${timeoutMs} ms`);
}

/**
 * Asks the bench for a screenshot of the whole page, saved as test-artifacts/editor/<name>.png,
 * and waits until it is written. Returns its path, or undefined outside the bench.
 * settleMs: wait that long in the bench before shooting (the page paints asynchronously).
 */
export async function screenshot(name: string, options: { settleMs?: number } = {}): Promise<string | undefined> {
  console.log(`[[screenshot:${name}]]`);
  const res = await ask({ kind: 'screenshot', name, settleMs: options.settleMs ?? 300 });
  return res?.path;
}

/** How many elements matching a CSS selector are visible in the page; undefined outside the bench. */
export async function countVisible(selector: string): Promise<number | undefined> {
  const res = await ask({ kind: 'count', selector });
  return res?.count;
}

/** The textContent of every element matching a CSS selector; undefined outside the bench. */
export async function textOf(selector: string): Promise<string[] | undefined> {
  const res = await ask({ kind: 'text', selector });
  return res?.text;
}

/**
 * Waits until at least `min` elements matching `selector` are visible in the page and returns the
 * count; rejects after timeoutMs. Undefined outside the bench. Useful selectors:
 *   '.monaco-editor .squiggly-error', '.monaco-editor .squiggly-warning',
 *   '.markers-panel .monaco-list-row' (Problems panel rows, after
 *   executeCommand('workbench.actions.view.problems')), '.notifications-toasts .notification-toast'.
 */
export async function waitForVisible(selector: string, min = 1, timeoutMs = 15_000): Promise<number | undefined> {
  if (!underBench()) return undefined;
  const started = Date.now();
  let n = 0;
  while (Date.now() - started < timeoutMs) {
    n = (await countVisible(selector)) ?? 0;
    if (n >= min) return n;
    await sleep(200);
  }
  throw new Error(`expected at least ${min} visible '${selector}' within ${timeoutMs} ms, saw ${n}`);
}

/**
 * Clicks the first visible element matching a selector (and containing `text`, if given); false
 * outside the bench. `modifiers` are held during the click (['Control'] adds a tree row to the selection).
 */
export async function click(selector: string, text?: string, modifiers?: ('Alt' | 'Control' | 'Meta' | 'Shift')[]): Promise<boolean> {
  const res = await ask({ kind: 'click', selector, text, ...(modifiers ? { modifiers } : {}) });
  return !!res;
}

/** Right-clicks the first visible element matching a selector (and containing `text`): its context menu opens. False outside the bench. */
export async function rightClick(selector: string, text?: string): Promise<boolean> {
  return !!(await ask({ kind: 'click', selector, text, button: 'right' }));
}

/**
 * Ticks rows of a tree as a person does: a click on the first, Ctrl+click on the others (each
 * found by its text). A row the tree is drawing again (a comparison just arrived) is not clickable
 * for a moment: it is tried again, three times at most.
 */
export async function tickRows(selector: string, texts: readonly string[]): Promise<void> {
  for (const [i, text] of texts.entries()) {
    let clicked = false;
    for (let attempt = 0; attempt < 3 && !clicked; attempt++) {
      clicked = await click(selector, text, i === 0 ? undefined : ['Control']).catch((err: unknown) => {
        if (attempt === 2) throw err;
        return false;
      });
    }
    if (!clicked) throw new Error(`the row "${text}" could not be clicked`);
  }
  await sleep(300);
}

/** Presses keys and types text in the page, in order (e.g. [{press: 'F1'}, {type: 'Sync'}, {press: 'Enter'}]); false outside the bench. */
export async function keys(steps: { press?: string; type?: string; waitMs?: number }[]): Promise<boolean> {
  const res = await ask({ kind: 'keys', steps });
  return !!res;
}

/** Runs a command from the command palette as a person would (F1, its title, Enter). */
export async function runFromPalette(title: string): Promise<boolean> {
  return keys([{ press: 'F1', waitMs: 600 }, { type: title, waitMs: 600 }, { press: 'Enter', waitMs: 400 }]);
}

/**
 * The webview panels' content (the designer): selectors are looked up inside every webview's
 * inner frame, visible elements only. Undefined / false outside the bench.
 */
export const webview = {
  async count(selector: string, text?: string): Promise<number | undefined> {
    return (await ask({ kind: 'count', webview: true, selector, text }))?.count;
  },
  /** textContent of each match (the value of inputs, selects and options). */
  async text(selector: string): Promise<string[] | undefined> {
    return (await ask({ kind: 'text', webview: true, selector }))?.text;
  },
  async click(selector: string, text?: string): Promise<boolean> {
    return !!(await ask({ kind: 'click', webview: true, selector, text }));
  },
  /** Replaces an input's value as typing would (input events fire); for a select, `option` picks by value or label. */
  async fill(selector: string, value: string): Promise<boolean> {
    return !!(await ask({ kind: 'fill', webview: true, selector, value }));
  },
  async select(selector: string, option: string): Promise<boolean> {
    return !!(await ask({ kind: 'fill', webview: true, selector, option }));
  },
  async focus(selector: string): Promise<boolean> {
    return !!(await ask({ kind: 'focus', webview: true, selector }));
  },
  /** Waits until at least `min` matches are visible; rejects after timeoutMs. */
  async waitFor(selector: string, min = 1, timeoutMs = 20_000, text?: string): Promise<number | undefined> {
    if (!underBench()) return undefined;
    const started = Date.now();
    let n = 0;
    while (Date.now() - started < timeoutMs) {
      n = (await webview.count(selector, text)) ?? 0;
      if (n >= min) return n;
      await sleep(250);
    }
    throw new Error(`expected at least ${min} visible '${selector}'${text ? ` with "${text}"` : ''} in a webview within ${timeoutMs} ms, saw ${n}`);
  },
};

/**
 * A v1alpha3 TKC named `name` in team-a with a finding in each of a volume's capacity (200GB) and
 * mountPath (no leading /) and a pool's name (two `workers`): the quick fixes' test document.
 */
export function fixableTkc(name: string): string[] {
  return [
    'apiVersion: run.tanzu.vmware.com/v1alpha3',
    'kind: TanzuKubernetesCluster',
    'metadata:',
    `  name: ${name}`,
    '  namespace: team-a',
    'spec:',
    '  topology:',
    '    controlPlane:',
    '      replicas: 1',
    '      vmClass: best-effort-small',
    '      storageClass: vsan-default-storage-policy',
    '      tkr:',
    '        reference:',
    '          name: v1.25.7---vmware.3-fips.1-tkg.1',
    '    nodePools:',
    '      - name: workers',
    '        replicas: 2',
    '        vmClass: best-effort-medium',
    '        storageClass: vsan-default-storage-policy',
    '        volumes:',
    '          - name: containerd',
    '            mountPath: var/lib/containerd',
    '            capacity:',
    '              storage: 200GB',
    '      - name: workers',
    '        replicas: 1',
    '        vmClass: best-effort-medium',
    '        storageClass: vsan-default-storage-policy',
  ];
}
