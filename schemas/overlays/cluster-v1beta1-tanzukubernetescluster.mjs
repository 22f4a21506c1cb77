// Hand-written schema: Cluster (cluster.x-k8s.io/v1beta1) with spec.topology.class
// tanzukubernetescluster (vSphere 8 TKG Service). Read by scripts/derive-schemas.ts.
//
// There is no CRD copy in the shared fixtures, so the whole schema is written here, in the CRD
// dialect, from docs/tkc-api.md ("Cluster ... with spec.topology.class: tanzukubernetescluster")
// and the Cluster API v1beta1 types (ClusterSpec, Topology, ControlPlaneTopology,
// MachineDeploymentTopology, ClusterVariable). The script adds apiVersion, kind and metadata and
// runs the same conversion as for the CRDs: objects listed here reject unknown fields.
//
// Deliberately free (not checked here):
// - topology.variables[].value and *.variables.overrides[].value: any value; the cluster
//   variables rule checks them against `definitions` below.
// - machineHealthCheck, workers.machinePools[]: not used by this class; left open.
// - status: written by Cluster API controllers.
import { freeObject, proxy, str, stringMap, strList, taint, tkcVolume } from './common.mjs';

const duration = (what) =>
  str(`${what} A duration string such as 10m or 1h30m; 0 (the default) means no limit.`);

const networkRanges = (description) => ({
  type: 'object',
  description,
  required: ['cidrBlocks'],
  properties: {
    cidrBlocks: strList('One or more CIDR ranges, e.g. 192.168.0.0/16.'),
  },
});

const objectReference = (description) => ({
  type: 'object',
  description,
  properties: {
    apiVersion: str('API version of the referent.'),
    kind: str('Kind of the referent.'),
    name: str('Name of the referent.'),
    namespace: str('Namespace of the referent.'),
    uid: str('UID of the referent.'),
    resourceVersion: str('Specific resourceVersion of the referent, if any.'),
    fieldPath: str('A field inside the referent, if the reference is to part of an object.'),
  },
});

const topologyMetadata = (what) => ({
  type: 'object',
  description: `Labels and annotations applied to the ${what} and its machines, merged with those from the ClusterClass.`,
  properties: {
    labels: stringMap('Labels to apply.'),
    annotations: stringMap('Annotations to apply.'),
  },
});

/** Variables the tanzukubernetescluster ClusterClass defines (tkc-api.md), offered for completion. */
const KNOWN_VARIABLES = [
  'vmClass',
  'storageClass',
  'defaultStorageClass',
  'storageClasses',
  'nodePoolVolumes',
  'controlPlaneVolumes',
  'nodePoolLabels',
  'nodePoolTaints',
  'ntp',
  'proxy',
  'trust',
  'user',
  'controlPlaneCertificateRotation',
  'podSecurityStandard',
  'kubeAPIServerFQDNs',
  'clusterEncryptionConfigYaml',
  'defaultRegistrySecret',
  'defaultVolumeSnapshotClass',
  'volumeSnapshotClasses',
  'extensionCert',
];

const clusterVariable = (description) => ({
  type: 'object',
  description,
  required: ['name', 'value'],
  properties: {
    name: str('Name of the variable, as defined by the ClusterClass. vmClass and storageClass are required by tanzukubernetescluster.', {
      examples: KNOWN_VARIABLES,
    }),
    value: {
      description:
        'Value of the variable: any YAML value, validated against the variable definition of the ClusterClass ' +
        '(checked by a separate rule, not by this schema).',
      'x-kubernetes-preserve-unknown-fields': true,
    },
    definitionFrom: str('Deprecated in Cluster API: must not be set. Where the definition of this variable comes from.'),
  },
});

const variableOverrides = (what) => ({
  type: 'object',
  description: `Variables for this ${what} only.`,
  properties: {
    overrides: {
      type: 'array',
      description: `Overrides Cluster-level variables for this ${what}.`,
      items: clusterVariable('A variable override: name and value.'),
    },
  },
});

const nodeTimeouts = {
  nodeDrainTimeout: duration('Total time the controller spends draining a node.'),
  nodeVolumeDetachTimeout: duration('Total time the controller waits for all volumes of a node to detach.'),
  nodeDeletionTimeout: str(
    'How long the controller keeps trying to delete the Node after its Machine is marked for deletion. ' +
      'A duration string such as 10s (the default); 0 retries forever.',
  ),
};

const machineDeployment = {
  type: 'object',
  description: 'A node pool: a set of worker nodes managed by a MachineDeployment.',
  required: ['class', 'name'],
  properties: {
    class: str('Name of the worker class in the ClusterClass; node-pool for tanzukubernetescluster.', {
      examples: ['node-pool'],
    }),
    name: str('Name of the node pool, unique in the cluster (DNS-1123).'),
    replicas: {
      type: 'integer',
      minimum: 0,
      description: 'Number of worker nodes in the pool. Unset: left to an external autoscaler (defaults to 1 on creation).',
    },
    failureDomain: str('vSphere Zone to place the nodes in. Must name an existing zone.'),
    metadata: topologyMetadata('MachineDeployment'),
    variables: variableOverrides('node pool'),
    ...nodeTimeouts,
    minReadySeconds: {
      type: 'integer',
      minimum: 0,
      description: 'Minimum seconds a new machine must be ready before it counts as available. Defaults to 0.',
    },
    strategy: {
      type: 'object',
      description: 'How existing machines are replaced with new ones.',
      properties: {
        type: str('RollingUpdate (the default) or OnDelete.', { enum: ['RollingUpdate', 'OnDelete'] }),
        rollingUpdate: {
          type: 'object',
          description: 'Rolling update parameters; only with type RollingUpdate.',
          properties: {
            maxUnavailable: {
              description: 'Machines that may be unavailable during the update: a number or a percentage such as 10%. Defaults to 0.',
              'x-kubernetes-int-or-string': true,
            },
            maxSurge: {
              description: 'Machines that may be created above the desired number: a number or a percentage. Defaults to 1.',
              'x-kubernetes-int-or-string': true,
            },
            deletePolicy: str('Which machines are deleted first when scaling down: Random, Newest or Oldest.', {
              enum: ['Random', 'Newest', 'Oldest'],
            }),
          },
        },
        remediation: {
          type: 'object',
          description: 'How unhealthy machines are remediated.',
          properties: {
            maxInFlight: {
              description: 'Machines remediated in parallel: a number or a percentage.',
              'x-kubernetes-int-or-string': true,
            },
          },
        },
      },
    },
    machineHealthCheck: freeObject('Enables, disables or overrides the MachineHealthCheck from the ClusterClass.'),
  },
};

const spec = {
  type: 'object',
  description: 'Desired state of the Cluster.',
  required: ['topology'],
  properties: {
    paused: { type: 'boolean', description: 'Stops controllers from reconciling the Cluster and its objects.' },
    clusterNetwork: {
      type: 'object',
      description: 'Cluster network settings. Immutable after creation on vSphere ("spec.clusterNetwork is immutable").',
      properties: {
        apiServerPort: { type: 'integer', description: 'Port the API server binds to. Defaults to 6443.' },
        pods: networkRanges('Ranges Pod IPs are allocated from. Defaults to 192.168.0.0/16.'),
        services: networkRanges('Ranges Service IPs are allocated from. Defaults to 10.96.0.0/12.'),
        serviceDomain: str('Domain name for services. Defaults to cluster.local.'),
      },
    },
    controlPlaneEndpoint: {
      type: 'object',
      description: 'Endpoint of the control plane; set by the controllers, normally not written by hand.',
      required: ['host', 'port'],
      properties: {
        host: str('Host name or IP the API server is served on.'),
        port: { type: 'integer', description: 'Port the API server is served on.' },
      },
    },
    controlPlaneRef: objectReference('Reference to the control plane object; created by the topology controller.'),
    infrastructureRef: objectReference('Reference to the infrastructure cluster object; created by the topology controller.'),
    availabilityGates: {
      type: 'array',
      description: 'Extra conditions that must be true for the Cluster to be Available (Cluster API 1.9 and later).',
      items: {
        type: 'object',
        description: 'A condition type used as an availability gate.',
        required: ['conditionType'],
        properties: { conditionType: str('Type of a positive-polarity condition in the Cluster status.') },
      },
    },
    topology: {
      type: 'object',
      description: 'The managed topology: the ClusterClass, the Kubernetes release, the control plane and the node pools.',
      required: ['class', 'version'],
      properties: {
        class: str('Name of the ClusterClass: tanzukubernetescluster for this schema.', {
          examples: ['tanzukubernetescluster'],
        }),
        version: str(
          'TanzuKubernetesRelease name, e.g. v1.25.7---vmware.3-fips.1-tkg.1 (the version with "+" is also seen, ' +
            'e.g. v1.25.7+vmware.3-fips.1-tkg.1). Must resolve to a TKR available on the Supervisor.',
        ),
        rolloutAfter: str('Deprecated in Cluster API (no effect): time after which a rollout of the whole cluster starts (RFC 3339).'),
        controlPlane: {
          type: 'object',
          description: 'The control plane nodes.',
          properties: {
            metadata: topologyMetadata('control plane'),
            replicas: {
              type: 'integer',
              minimum: 0,
              description: 'Number of control plane nodes: 1 or 3.',
            },
            ...nodeTimeouts,
            machineHealthCheck: freeObject('Enables, disables or overrides the MachineHealthCheck from the ClusterClass.'),
            variables: variableOverrides('control plane'),
          },
        },
        workers: {
          type: 'object',
          description: 'The worker nodes.',
          properties: {
            machineDeployments: {
              type: 'array',
              description: 'Node pools. Names must be unique.',
              items: machineDeployment,
            },
            machinePools: {
              type: 'array',
              description: 'MachinePools; not used by tanzukubernetescluster.',
              items: freeObject('A MachinePool topology.'),
            },
          },
        },
        variables: {
          type: 'array',
          description:
            'Values for the variables of the ClusterClass. tanzukubernetescluster requires vmClass and storageClass; ' +
            'see the schema definitions for the others.',
          items: clusterVariable('A ClusterClass variable: name and value.'),
        },
      },
    },
  },
};

// Value schemas of the variables of the tanzukubernetescluster ClusterClass, from tkc-api.md.
// Not referenced by the document schema above (variables[].value stays free so nothing is
// reported twice): the cluster-variables rule and completion look them up by variable name.
const PSS_LEVEL = str('Pod Security Standard level.', { enum: ['', 'privileged', 'baseline', 'restricted'] });
const variableDefinitions = {
  vmClass: str('VM class of the control plane and worker nodes (required). Must be available in the vSphere Namespace.'),
  storageClass: str('Storage class of the node disks (required). Must be assigned to the vSphere Namespace.'),
  defaultStorageClass: str('Storage class marked default inside the cluster.'),
  storageClasses: strList('Storage classes of the vSphere Namespace to expose inside the cluster.'),
  nodePoolVolumes: tkcVolume(),
  controlPlaneVolumes: tkcVolume(),
  nodePoolLabels: {
    type: 'array',
    description: 'Labels for the worker nodes.',
    items: {
      type: 'object',
      description: 'A label.',
      required: ['key'],
      properties: { key: str('Label key.'), value: str('Label value.') },
    },
  },
  nodePoolTaints: { type: 'array', description: 'Taints for the worker nodes.', items: taint() },
  ntp: str('NTP server for the nodes.'),
  proxy: proxy('HTTP(S) proxy for the cluster.'),
  trust: {
    type: 'object',
    description:
      'Additional trusted CAs. Needs a Secret <cluster>-user-trusted-ca-secret whose keys are the CA names, ' +
      'each value the PEM base64-encoded twice.',
    properties: {
      additionalTrustedCAs: {
        type: 'array',
        description: 'The CAs, by name (the key in the companion Secret).',
        items: {
          type: 'object',
          description: 'A trusted CA.',
          required: ['name'],
          properties: { name: str('Name of the CA: a key of the <cluster>-user-trusted-ca-secret Secret.') },
        },
      },
    },
  },
  user: {
    type: 'object',
    description: 'Credentials of the node user.',
    properties: {
      passwordSecret: {
        type: 'object',
        description: 'Secret holding the password.',
        properties: { name: str('Secret name.'), key: str('Key in the Secret.') },
      },
      sshAuthorizedKey: str('Public SSH key authorized for the node user.'),
    },
  },
  controlPlaneCertificateRotation: {
    type: 'object',
    description: 'Automatic rotation of control plane certificates.',
    properties: {
      activate: { type: 'boolean', default: true, description: 'Whether rotation is on. Defaults to true.' },
      daysBefore: {
        type: 'integer',
        default: 90,
        minimum: 7,
        description: 'Days before expiry when certificates are rotated. Defaults to 90, minimum 7.',
      },
    },
  },
  podSecurityStandard: {
    type: 'object',
    description: 'Pod Security Admission settings of the cluster.',
    // Open: the doc lists only the three levels; *Version, exemptions and deactivated are seen in
    // public manifests of newer classes.
    'x-kubernetes-preserve-unknown-fields': true,
    properties: {
      enforce: PSS_LEVEL,
      audit: PSS_LEVEL,
      warn: PSS_LEVEL,
    },
  },
  kubeAPIServerFQDNs: strList('Extra fully qualified names for the API server certificate.'),
  clusterEncryptionConfigYaml: str('EncryptionConfiguration for the API server, as YAML.'),
  defaultRegistrySecret: freeObject('Secret with the default registry credentials.'),
  defaultVolumeSnapshotClass: str('VolumeSnapshotClass marked default inside the cluster.'),
  volumeSnapshotClasses: { description: 'VolumeSnapshotClasses to create inside the cluster.' },
  extensionCert: freeObject('Certificate used by extensions.'),
};

export default {
  $comment:
    'Hand-written (no CRD copy): tkc-api.md "Cluster (cluster.x-k8s.io/v1beta1) with spec.topology.class: ' +
    'tanzukubernetescluster" and the Cluster API v1beta1 types. definitions: value schemas of the ClusterClass ' +
    'variables, for the cluster-variables rule; not referenced by the document schema.',
  description:
    'Cluster (cluster.x-k8s.io/v1beta1) built from the tanzukubernetescluster ClusterClass of the vSphere 8 ' +
    'TKG Service: spec.topology names a TanzuKubernetesRelease, the control plane, the node pools and the class variables.',
  type: 'object',
  properties: {
    spec,
    status: freeObject('Observed state of the Cluster, written by Cluster API controllers.'),
  },
  definitions: variableDefinitions,
};
