/**
 * The argument list of `helm template` for a chart folder and an Application's
 * `spec.source.helm`, as Argo CD's repo server builds it (util/helm/cmd.go): a pure function, so
 * what is passed to helm is tested without helm.
 *
 *   helm template <chart> --name-template <releaseName> --namespace <ns>
 *        [--kube-version V] [--values <file>]... [--values <inline values file>]
 *        [--set k=v | --set-string k=v]... [--set-file k=path]... [--api-versions V]...
 *        [--include-crds unless skipCrds]
 *
 * `values` (a string of YAML) and `valuesObject` (a map; it wins over `values`, as in Argo CD) go
 * into one temporary file the caller writes; its path is given here.
 */

type Obj = Record<string, unknown>;

export interface HelmParameter {
  readonly name: string;
  readonly value: string;
  readonly forceString?: boolean;
}

export interface HelmSourceOptions {
  readonly releaseName?: string;
  readonly valueFiles?: readonly string[];
  /** YAML text. */
  readonly values?: string;
  readonly valuesObject?: Obj;
  readonly parameters?: readonly HelmParameter[];
  readonly fileParameters?: readonly { readonly name: string; readonly path: string }[];
  readonly skipCrds?: boolean;
  readonly ignoreMissingValueFiles?: boolean;
  readonly kubeVersion?: string;
  readonly apiVersions?: readonly string[];
}

export interface HelmTemplateInput {
  /** The chart folder (absolute, or relative to the working directory helm runs in). */
  readonly chartPath: string;
  /** Release name: the Application's releaseName, else its name. */
  readonly releaseName: string;
  readonly namespace: string;
  readonly options?: HelmSourceOptions;
  /** Value files as they resolve in the chart folder, in order (the caller drops missing ones when ignoreMissingValueFiles). */
  readonly valueFiles?: readonly string[];
  /** The temporary file holding `valuesObject` or `values`, when either is set. */
  readonly inlineValuesFile?: string;
}

/** As Argo CD's cleanSetParameters: commas are escaped unless the value is a Helm list (`{a,b}`); an escaped comma stays. */
export function escapeSetValue(value: string): string {
  if (value.startsWith('{') && value.endsWith('}')) return value;
  return value.replace(/(?<!\\),/g, '\\,');
}

export function helmTemplateArgs(input: HelmTemplateInput): string[] {
  const o = input.options ?? {};
  const args = ['template', input.chartPath, '--name-template', input.releaseName, '--namespace', input.namespace];
  if (o.kubeVersion) args.push('--kube-version', o.kubeVersion);
  for (const f of input.valueFiles ?? []) args.push('--values', f);
  if (input.inlineValuesFile) args.push('--values', input.inlineValuesFile);
  for (const p of o.parameters ?? []) args.push(p.forceString ? '--set-string' : '--set', `${p.name}=${escapeSetValue(p.value)}`);
  for (const p of o.fileParameters ?? []) args.push('--set-file', `${p.name}=${p.path}`);
  for (const v of o.apiVersions ?? []) args.push('--api-versions', v);
  if (!o.skipCrds) args.push('--include-crds');
  return args;
}

/** The inline values to write for helm (valuesObject wins over values), or undefined when none. */
export function inlineValues(o: HelmSourceOptions | undefined): { readonly json?: Obj; readonly yaml?: string } | undefined {
  if (o?.valuesObject && Object.keys(o.valuesObject).length) return { json: o.valuesObject };
  if (o?.values && o.values.trim()) return { yaml: o.values };
  return undefined;
}

/** The Application's `spec.source.helm`, read leniently. */
export function helmOptionsOf(source: unknown): HelmSourceOptions | undefined {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return undefined;
  const s = source as Obj;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const strList = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const maps = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x)) : []);
  return {
    releaseName: str(s.releaseName),
    valueFiles: strList(s.valueFiles),
    values: str(s.values),
    valuesObject: typeof s.valuesObject === 'object' && s.valuesObject !== null && !Array.isArray(s.valuesObject) ? s.valuesObject as Obj : undefined,
    parameters: maps(s.parameters).filter((p) => typeof p.name === 'string').map((p) => ({ name: p.name as string, value: String(p.value ?? ''), forceString: p.forceString === true })),
    fileParameters: maps(s.fileParameters).filter((p) => typeof p.name === 'string' && typeof p.path === 'string').map((p) => ({ name: p.name as string, path: p.path as string })),
    skipCrds: s.skipCrds === true,
    ignoreMissingValueFiles: s.ignoreMissingValueFiles === true,
    kubeVersion: str(s.kubeVersion),
    apiVersions: strList(s.apiVersions),
  };
}
