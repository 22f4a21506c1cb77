/**
 * Where the Argo CD UI shows an Application and one of its resources, as the UI forms its own
 * links: /applications/<app namespace>/<app name>, the resource filter `resource` (kind:…,
 * name:…, namespace:…) and the selected node `node` (group/kind/namespace/name/container), which
 * opens the resource's panel.
 */
import { ARGOCD_TRACKING_ANNOTATION } from './reconcile/ownership';

export interface ApplicationRef {
  readonly namespace: string;
  readonly name: string;
}

export interface LinkedResource {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** The UI's base address from a setting: an http(s) URL without a trailing slash; undefined when it is not one. */
export function argoCdBase(setting: string): string | undefined {
  const text = setting.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username || url.password) return undefined;
  // a path is kept: Argo CD may be served under one (--rootpath)
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The UI's address of the Application, with the resource selected when one is given. */
export function argoCdUrl(base: string, app: ApplicationRef, resource?: LinkedResource): string {
  const e = encodeURIComponent;
  const page = `${base}/applications/${e(app.namespace)}/${e(app.name)}`;
  if (!resource) return page;
  const filter = [`kind:${e(resource.kind)}`, `name:${e(resource.name)}`, ...(resource.namespace ? [`namespace:${e(resource.namespace)}`] : [])];
  const node = [resource.group, resource.kind, resource.namespace ?? '', resource.name].map(e).join('/');
  return `${page}?resource=${filter.join(',')}&node=${node}/0`;
}

/**
 * The Application named by a live object's Argo CD tracking id, when the id says its namespace
 * (`<namespace>_<name>:…`, as Argo CD writes it for Applications outside its own namespace).
 */
export function trackingApplication(live: Record<string, unknown> | undefined): ApplicationRef | undefined {
  const meta = live?.metadata as { annotations?: Record<string, unknown> } | undefined;
  const id = meta?.annotations?.[ARGOCD_TRACKING_ANNOTATION];
  if (typeof id !== 'string') return undefined;
  const app = id.slice(0, id.indexOf(':'));
  const cut = app.indexOf('_');
  return cut > 0 && cut < app.length - 1 ? { namespace: app.slice(0, cut), name: app.slice(cut + 1) } : undefined;
}
