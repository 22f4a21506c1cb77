// Hand-written changes to the TanzuKubernetesCluster schemas. Read by scripts/derive-schemas.ts,
// which applies them, in order, to the CRD's openAPIV3Schema before converting it to JSON Schema.
//
// Each operation: `at` is a path into the *document* (`spec.topology.nodePools[].taints[].effect`,
// or an array of segments when a key holds dots; `[]` = list items, `{}` = map values; an empty
// path is the root) and one of
//   set: <schema>        add or replace the property at `at`
//   merge: {...}         shallow-merge keywords into the existing schema at `at`
//   expect: 'present' | 'absent'   a guard: fail the script if the CRD copy is not as the doc says
// `$comment` says which fact of docs/tkc-api.md the operation encodes; it is copied into the
// generated schema so a reader can tell derived parts from hand-written ones.
import { proxy, quantity, str, tkcVolume, TAINT_EFFECTS } from './common.mjs';

const CNI_V1ALPHA2 = ['calico', 'antrea', 'antrea-nsx-routed'];

const v1alpha1 = [
  {
    $comment: 'tkc-api.md v1alpha1 + rule 1: count is an int32; 1-or-3 is the control-plane-replicas rule, not the schema.',
    at: 'spec.topology.controlPlane.count',
    merge: { minimum: 0 },
  },
  {
    $comment: 'tkc-api.md v1alpha1: worker count is an int32.',
    at: 'spec.topology.workers.count',
    merge: { minimum: 0 },
  },
  {
    $comment: 'tkc-api.md v1alpha1: topology.*.volumes is used by real manifests but missing from the CRD copy.',
    at: 'spec.topology.controlPlane.volumes',
    set: tkcVolume(),
  },
  {
    $comment: 'tkc-api.md v1alpha1: topology.*.volumes is used by real manifests but missing from the CRD copy.',
    at: 'spec.topology.workers.volumes',
    set: tkcVolume(),
  },
  {
    $comment: 'tkc-api.md v1alpha1: settings.network.proxy is missing from the CRD copy (presence of all three fields is rule 7).',
    at: 'spec.settings.network.proxy',
    set: proxy('Proxy specifies HTTP(S) proxy configuration for the cluster. If omitted, no proxy is configured.'),
  },
  {
    $comment: 'tkc-api.md v1alpha1: settings.network.trust.additionalTrustedCAs[] {name, data} is missing from the CRD copy.',
    at: 'spec.settings.network.trust',
    set: {
      type: 'object',
      description: 'Trust specifies additional trusted certificates for the cluster. If omitted, none are added.',
      properties: {
        additionalTrustedCAs: {
          type: 'array',
          description: 'Additional trusted certificates (CAs or end certificates) to add to the cluster nodes.',
          items: {
            type: 'object',
            description: 'One additional certificate: its name and contents.',
            required: ['name', 'data'],
            properties: {
              name: str('Name of the certificate, used in the file name, e.g. CompanyInternalCA. Alphanumerics, "-", "_" and "." only.'),
              data: str('Contents of the certificate: the PEM public certificate encoded as base64, e.g. LS0tLS1C...LS0tCg==.'),
            },
          },
        },
      },
    },
  },
  {
    $comment: 'tkc-api.md v1alpha1: CNI is calico or antrea. Offered for completion only; the cni rule reports other values.',
    at: 'spec.settings.network.cni.name',
    merge: { examples: ['calico', 'antrea'] },
  },
];

const v1alpha2 = [
  // Guards: fields the doc lists for v1alpha2 must come from the CRD copy, and failureDomain must not.
  ...[
    'spec.topology.controlPlane.volumes',
    'spec.topology.nodePools[].volumes',
    'spec.settings.network.proxy',
    'spec.settings.network.trust.additionalTrustedCAs',
    'spec.topology.controlPlane.tkr.reference.name',
    'spec.topology.nodePools[].tkr.reference.name',
    'spec.topology.controlPlane.nodeDrainTimeout',
    'spec.topology.nodePools[].nodeDrainTimeout',
    'spec.topology.nodePools[].taints[].effect',
    'spec.topology.nodePools[].labels',
    'spec.distribution.version',
  ].map((at) => ({ $comment: 'tkc-api.md v1alpha2 table: present in the CRD copy.', at, expect: 'present' })),
  {
    $comment: 'tkc-api.md: failureDomain is new in v1alpha3.',
    at: 'spec.topology.nodePools[].failureDomain',
    expect: 'absent',
  },
  {
    $comment: 'tkc-api.md v1alpha2 + rule 1: replicas is an int32, default 1; 1-or-3 is the control-plane-replicas rule.',
    at: 'spec.topology.controlPlane.replicas',
    merge: { minimum: 0 },
  },
  {
    $comment: 'tkc-api.md v1alpha2: nodePools[].replicas is an int32; unset leaves it to an autoscaler.',
    at: 'spec.topology.nodePools[].replicas',
    merge: { minimum: 0 },
  },
  {
    $comment: 'tkc-api.md v1alpha2: taint effect is one of NoSchedule, PreferNoSchedule, NoExecute (a true enum).',
    at: 'spec.topology.nodePools[].taints[].effect',
    merge: { enum: TAINT_EFFECTS },
  },
  {
    $comment:
      'tkc-api.md v1alpha2 + rule 5: CNI is calico, antrea or antrea-nsx-routed (the CRD text lists only two). ' +
      'Offered for completion only; the cni rule reports other values.',
    at: 'spec.settings.network.cni.name',
    merge: {
      description:
        'Name is the name of the CNI plugin to use. Supported values: "calico", "antrea", ' +
        '"antrea-nsx-routed" (needs NSX, and pods.cidrBlocks left unset).',
      examples: CNI_V1ALPHA2,
    },
  },
  ...['spec.topology.controlPlane.volumes[].capacity', 'spec.topology.nodePools[].volumes[].capacity'].map((at) => ({
    $comment: 'tkc-api.md: capacity.storage. Listed for completion; the CRD map stays open and its quantity pattern is dropped (volume rule).',
    at,
    merge: { properties: { storage: quantity('Requested size of the volume, a quantity such as 20Gi.') } },
  })),
];

const v1alpha3 = [
  {
    $comment: 'tkc-api.md v1alpha3: no public CRD; the v1alpha2 schema plus nodePools[].failureDomain. Deprecated from TKG Service 3.2.',
    at: '',
    merge: {
      description:
        'TanzuKubernetesCluster (v1alpha3, vSphere 8 / TKG 2). No public CRD exists: this schema is the v1alpha2 ' +
        'schema plus nodePools[].failureDomain. v1alpha3 is deprecated from TKG Service 3.2 in favour of ' +
        'Cluster (cluster.x-k8s.io) with class tanzukubernetescluster.',
    },
  },
  {
    $comment: 'tkc-api.md v1alpha3: nodePools[].failureDomain is the name of a vSphere Zone.',
    at: 'spec.topology.nodePools[].failureDomain',
    set: str(
      'FailureDomain is the name of the vSphere Zone to place this node pool in. If omitted, the pools are spread across zones.',
    ),
  },
  {
    $comment: 'tkc-api.md v1alpha3: the annotation run.tanzu.vmware.com/resolve-os-image picks the node OS.',
    at: 'metadata.annotations',
    merge: {
      properties: {
        'run.tanzu.vmware.com/resolve-os-image': str(
          'Selects the OS image of the nodes when the TanzuKubernetesRelease offers several, e.g. os-name=ubuntu.',
          { examples: ['os-name=ubuntu'] },
        ),
      },
    },
  },
];

export default {
  'tkc-v1alpha1': v1alpha1,
  'tkc-v1alpha2': v1alpha2,
  // v1alpha3 is built from the v1alpha2 CRD: both lists apply, in this order.
  'tkc-v1alpha3': [...v1alpha2, ...v1alpha3],
};
