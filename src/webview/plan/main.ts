/**
 * The plan review webview: what a sync would do, resource by resource, each change with its
 * fields and its diff, the fields other managers own, the deletes, and what blocks (each with a
 * Go to). Applying takes a click on "Sync N resources": the page focuses nothing that applies,
 * and Enter on that button does nothing (a click or Space does).
 *
 * Everything shown is set as text (textContent), never parsed as HTML.
 */
import './plan.css';
import type { HostToWebviewMessage, PlanReview, WebviewToHostMessage } from './protocol';
import type { ReviewBlocker, ReviewItem } from '../../core/sync/review-types';

const vscode = acquireVsCodeApi();
const post = (message: WebviewToHostMessage) => vscode.postMessage(message);
const app = document.getElementById('app')!;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: { class?: string; text?: string; title?: string } = {}, ...children: (Node | undefined)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (attrs.class) e.className = attrs.class;
  if (attrs.text !== undefined) e.textContent = attrs.text;
  if (attrs.title) e.title = attrs.title;
  for (const c of children) if (c) e.append(c);
  return e;
}

function gotoLink(file: string, line: number | undefined, label: string): HTMLButtonElement {
  const b = el('button', { class: 'link goto', text: label, title: `Open ${file}${line !== undefined ? ` at line ${line + 1}` : ''}` });
  b.type = 'button';
  b.addEventListener('click', () => post({ type: 'goto', file, line: line ?? 0 }));
  return b;
}

function blockerRow(b: ReviewBlocker): HTMLLIElement {
  return el('li', { class: 'blocker' },
    el('span', { class: 'code', text: b.code }),
    el('span', { class: 'message', text: b.message }),
    b.file ? gotoLink(b.file, b.line, `Go to ${b.where ?? b.file}`) : undefined);
}

function diffBlock(unified: string): HTMLPreElement {
  const pre = el('pre', { class: 'diff' });
  // the file headers say live/… and git/…; the hunks are what differs
  for (const line of unified.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1)) {
    const cls = line.startsWith('+++') || line.startsWith('---') ? 'head' : line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'ctx';
    pre.append(el('span', { class: `line ${cls}`, text: line }), '\n');
  }
  return pre;
}

const ACTION_TEXT: Record<ReviewItem['action'], string> = { create: 'create', update: 'change', unchanged: 'unchanged', delete: 'delete', apply: 'apply', conflict: 'conflict' };

function itemBlock(i: ReviewItem, open: boolean): HTMLDetailsElement {
  const d = el('details', { class: `item action-${i.action}` });
  d.open = open;
  d.dataset.key = i.key;
  d.append(el('summary', {},
    el('span', { class: `badge ${i.action}`, text: ACTION_TEXT[i.action] }),
    el('span', { class: 'title', text: i.title }),
    i.where ? el('span', { class: 'where', text: i.where }) : undefined));
  if (i.skip) d.append(el('p', { class: 'note', text: `Not sent: ${i.skip}` }));
  if (i.note) d.append(el('p', { class: 'note', text: i.note }));
  if (i.confirm) d.append(el('p', { class: 'confirm', text: i.confirm }));
  if (i.fields.length) d.append(el('ul', { class: 'fields' }, ...i.fields.map((f) => el('li', { class: 'field', text: f }))));
  if (i.conflicts.length) {
    d.append(el('ul', { class: 'conflicts' }, ...i.conflicts.map((c) => el('li', { class: 'conflict', text: `${c.field} is owned by "${c.manager}"` }))));
  }
  if (i.unified) d.append(diffBlock(i.unified));
  if (i.file) d.append(gotoLink(i.file, i.line, 'Go to manifest'));
  return d;
}

function section(title: string, cls: string, ...children: (Node | undefined)[]): HTMLElement {
  return el('section', { class: cls }, el('h2', { text: title }), ...children);
}

function applyButton(r: PlanReview): HTMLButtonElement {
  const b = el('button', { class: 'primary apply', text: r.applyLabel });
  b.type = 'button';
  b.disabled = r.blocked || r.count === 0;
  // a deliberate click (or Space): Enter alone never applies
  b.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') e.preventDefault();
  });
  b.addEventListener('click', () => {
    if (b.disabled) return;
    b.disabled = true;
    post({ type: 'apply' });
  });
  return b;
}

function render(r: PlanReview): void {
  const footer = el('footer', { class: 'actions' });
  footer.append(applyButton(r));
  if (r.onlyConflicts) {
    const force = el('button', { class: 'secondary force', text: 'Force Conflicts…' });
    force.type = 'button';
    force.addEventListener('click', () => post({ type: 'force' }));
    footer.append(force);
  }
  const cancel = el('button', { class: 'secondary cancel', text: 'Cancel' });
  cancel.type = 'button';
  cancel.addEventListener('click', () => post({ type: 'cancel' }));
  footer.append(cancel, el('span', { class: 'status', text: '' }));
  footer.querySelector('.status')!.setAttribute('role', 'status');

  const open = r.changes.length + r.deletes.length <= 8;
  const parts: (HTMLElement | undefined)[] = [
    el('header', {},
      el('h1', { text: r.title }),
      el('p', { class: 'sub', text: `${r.dryRun ? 'Dry run on' : 'To'} ${r.context}${r.protected ? ' (a protected context)' : ''} · ${r.summary}` })),
    r.blocked ? section(`Blocked: nothing will be sent (${r.blockers.length} problem${r.blockers.length === 1 ? '' : 's'})`, 'blockers', el('ul', {}, ...r.blockers.map(blockerRow))) : undefined,
    r.changes.length ? section(`Changes (${r.changes.length})`, 'changes', ...r.changes.map((i) => itemBlock(i, open))) : undefined,
    r.deletes.length ? section(`Deletes (${r.deletes.length})`, 'deletes', ...r.deletes.map((i) => itemBlock(i, open))) : undefined,
    r.unchanged ? el('p', { class: 'unchanged', text: `${r.unchanged} unchanged: nothing is sent for ${r.unchanged === 1 ? 'it' : 'them'}.` }) : undefined,
    r.kept.length ? section(`Kept (${r.kept.length})`, 'kept', el('ul', {}, ...r.kept.map((k) => el('li', { text: `${k.title}: ${k.reason}` })))) : undefined,
    r.warnings.length ? section('Warnings', 'warnings', el('ul', {}, ...r.warnings.map((w) => el('li', { text: w })))) : undefined,
  ];
  app.replaceChildren(...parts.filter((p): p is HTMLElement => !!p));
  app.append(footer);
}

function showResult(ok: boolean, text: string): void {
  const status = app.querySelector('footer .status');
  if (status) {
    status.textContent = text;
    status.className = `status ${ok ? 'ok' : 'failed'}`;
  }
  for (const b of Array.from(app.querySelectorAll<HTMLButtonElement>('footer button'))) b.disabled = true;
}

window.addEventListener('message', (e: MessageEvent<HostToWebviewMessage>) => {
  const m = e.data;
  if (m.type === 'plan') render(m.review);
  else if (m.type === 'result') showResult(m.ok, m.text);
});
post({ type: 'ready' });
