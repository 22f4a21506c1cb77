// Hand-written schema parts shared by several overlays. Read by scripts/derive-schemas.ts.
//
// Everything here is written in the CRD dialect (Kubernetes structural OpenAPI v3, with
// `x-kubernetes-*` markers), exactly like the CRD copies: the script runs the same conversion over
// derived and hand-written parts, so "every object with properties rejects unknown fields" and the
// int-or-string treatment apply to both alike.
//
// Invariant (see docs/tkc-api.md, "Rules a validator should enforce"): no `enum` or `pattern` on
// anything a rule module owns (replicas, CNI name, CIDRs, names, quantities, versions).

/** A plain string field. */
export function str(description, extra = {}) {
  return { type: 'string', description, ...extra };
}

/** A map of string to string (labels, annotations). */
export function stringMap(description) {
  return { type: 'object', description, additionalProperties: { type: 'string' } };
}

/** A list of strings. */
export function strList(description, itemDescription) {
  return { type: 'array', description, items: itemDescription ? str(itemDescription) : { type: 'string' } };
}

/**
 * A Kubernetes resource quantity (e.g. 20Gi or 1024). No pattern on purpose: the `volume` rule
 * owns the quantity syntax, so the schema must not report it a second time.
 */
export function quantity(description) {
  return { description, 'x-kubernetes-int-or-string': true };
}

/** A free object: any content (machineHealthCheck, machinePools[], controller-written parts). */
export function freeObject(description) {
  return { type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true };
}

/**
 * Kubernetes ObjectMeta (k8s.io/apimachinery meta/v1). The CRD copies only say `metadata: {type:
 * object}`; a full schema lets the editor offer completion and catch a typo such as `lables`.
 * `annotationProperties` documents well-known annotations (hover/completion); other annotation keys
 * stay allowed.
 */
export function objectMeta(annotationProperties) {
  const annotations = stringMap(
    'Annotations: an unstructured string map stored with the object, set by external tools to keep ' +
      'arbitrary metadata. Not queryable.',
  );
  if (annotationProperties) annotations.properties = annotationProperties;
  return {
    type: 'object',
    description: "Standard Kubernetes object metadata (ObjectMeta): the object's name, namespace, labels and annotations.",
    properties: {
      name: str(
        'Name of the object, unique within its namespace for this kind. Must be a DNS-1123 name ' +
          '(lower-case alphanumerics and "-"). Cannot be changed after creation.',
      ),
      generateName: str(
        'Prefix the server uses to generate a unique name when `name` is not set (create only; ' +
          'not usable with `kubectl apply` or GitOps).',
      ),
      namespace: str('Namespace of the object. For Supervisor objects this is the vSphere Namespace.'),
      labels: stringMap('Labels: string keys and values used to organise and select objects.'),
      annotations,
      uid: str('Unique id assigned by the server. Read-only; do not set in a manifest.'),
      resourceVersion: str(
        'Opaque version of the object, set by the server and used for optimistic concurrency. Read-only.',
      ),
      generation: {
        type: 'integer',
        description: 'Sequence number of the desired state, incremented by the server on each spec change. Read-only.',
      },
      creationTimestamp: {
        // `null` is what `kubectl create --dry-run -o yaml` and controller-gen write.
        type: ['string', 'null'],
        description: 'Time the object was created (RFC 3339), set by the server. Read-only.',
      },
      deletionTimestamp: str('Time after which the object will be deleted (RFC 3339), set by the server. Read-only.'),
      deletionGracePeriodSeconds: {
        type: 'integer',
        description: 'Seconds allowed for graceful termination before removal, set by the server on deletion. Read-only.',
      },
      finalizers: strList(
        'Finalizers: entries that must be removed (by their controllers) before the object is deleted.',
      ),
      ownerReferences: {
        type: 'array',
        description: 'Objects this object depends on; when all owners are deleted, this object is garbage collected.',
        items: {
          type: 'object',
          description: 'A reference to an owning object in the same namespace.',
          required: ['apiVersion', 'kind', 'name', 'uid'],
          properties: {
            apiVersion: str('API version of the owner.'),
            kind: str('Kind of the owner.'),
            name: str('Name of the owner.'),
            uid: str('UID of the owner.'),
            controller: { type: 'boolean', description: 'True if the owner is the managing controller.' },
            blockOwnerDeletion: {
              type: 'boolean',
              description: 'If true, the owner cannot be deleted (foreground) until this reference is removed.',
            },
          },
        },
      },
      managedFields: {
        type: 'array',
        description: 'Server-side apply bookkeeping: which manager owns which fields. Written by the server.',
        items: {
          type: 'object',
          description: 'One field manager entry.',
          properties: {
            apiVersion: str('API version of the fields this entry tracks.'),
            fieldsType: str('Format of fieldsV1; always FieldsV1.'),
            fieldsV1: freeObject('The set of fields owned by the manager.'),
            manager: str('Name of the field manager.'),
            operation: str('Apply or Update.'),
            subresource: str('Subresource the entry applies to, if any (e.g. status).'),
            time: str('When the entry was last changed (RFC 3339).'),
          },
        },
      },
      selfLink: str('Deprecated, unset since Kubernetes 1.20: URL of this object. Read-only.'),
      clusterName: str('Deprecated and ignored (removed in Kubernetes 1.24).'),
    },
  };
}

/** Volume of a TKC node pool or control plane (docs/tkc-api.md: name, mountPath, capacity.storage, storageClass). */
export function tkcVolume() {
  return {
    type: 'array',
    description: 'Volumes is the set of PVCs to be created and attached to each node.',
    items: {
      type: 'object',
      description:
        'Volume defines a PVC attachment, created and deleted with the node and mounted during ' +
        'bootstrap, before services such as etcd or containerd start.',
      required: ['name', 'mountPath', 'capacity'],
      properties: {
        name: str('Name is the suffix used to name this PVC: node.Name + "-" + Name.'),
        mountPath: str('MountPath is the directory where the volume device is mounted, e.g. /var/lib/containerd.'),
        capacity: volumeCapacity(),
        storageClass: str('StorageClass is the storage class used for the disk. Defaults to the storage class of the node pool.'),
      },
    },
  };
}

/**
 * Volume capacity: a quantity map (corev1.ResourceList). `storage` is listed for completion and
 * hover; other keys stay allowed as in the CRD (the `volume` rule judges them and the quantities).
 */
export function volumeCapacity() {
  return {
    type: 'object',
    description: 'Capacity is the PVC capacity, e.g. {storage: 20Gi}.',
    properties: { storage: quantity('Requested size of the volume, a quantity such as 20Gi.') },
    additionalProperties: quantity('A resource quantity.'),
  };
}

/** HTTP(S) proxy settings (TKC settings.network.proxy and the Cluster `proxy` variable). */
export function proxy(description) {
  return {
    type: 'object',
    description,
    // No `required` on purpose: rule 7 ("proxy, when set, needs httpProxy, httpsProxy and noProxy")
    // belongs to a rule module.
    properties: {
      httpProxy: str('Proxy URL for HTTP connections leaving the cluster, e.g. http://<user>:<pwd>@<ip>:<port>.'),
      httpsProxy: str('Proxy URL for HTTPS connections leaving the cluster, e.g. http://<user>:<pwd>@<ip>:<port>.'),
      noProxy: strList(
        'Destinations not to proxy: domain names, domains, IP addresses or CIDRs, e.g. [localhost, 127.0.0.1, 10.10.10.0/24].',
      ),
    },
  };
}

/** Taint effects: a true enum (Kubernetes core/v1 TaintEffect). */
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** A node taint (key, value, effect, timeAdded). */
export function taint() {
  return {
    type: 'object',
    description: 'A taint: pods that do not tolerate it are affected as its effect says.',
    required: ['key', 'effect'],
    properties: {
      key: str('The taint key.'),
      value: str('The taint value.'),
      effect: str('The effect of the taint on pods that do not tolerate it.', { enum: TAINT_EFFECTS }),
      timeAdded: str('Time the taint was added (RFC 3339); only written for NoExecute taints.'),
    },
  };
}
