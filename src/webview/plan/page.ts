/**
 * The plan review webview's HTML page and its Content-Security-Policy: one script and one
 * stylesheet from dist/webview, nothing inline, nothing remote. DOM-free and vscode-free.
 */

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

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function planPage(o: PlanPageOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${planCsp(o.cspSource, o.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${o.styleUri}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<main id="app" aria-label="${escapeHtml(o.title)}"></main>
<script nonce="${o.nonce}" src="${o.scriptUri}"></script>
</body>
</html>`;
}
