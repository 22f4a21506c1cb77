/**
 * The plan review webview's HTML page and its Content-Security-Policy: one script and one
 * stylesheet from dist/webview, nothing inline, nothing remote. DOM-free and vscode-free.
 */
import { escapeHtml, pageHead } from '../page-head';

export interface PlanPageOptions {
  /** Where the page's own assets come from (the webview's cspSource). */
  readonly cspSource: string;
  /** A fresh nonce per page. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly title: string;
}

export function planCsp(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `font-src ${cspSource}`].join('; ');
}

export function planPage(o: PlanPageOptions): string {
  return `${pageHead({ csp: planCsp(o.cspSource, o.nonce), styleUri: o.styleUri, title: o.title })}
<body>
<main id="app" aria-label="${escapeHtml(o.title)}"></main>
<script nonce="${o.nonce}" src="${o.scriptUri}"></script>
</body>
</html>`;
}
