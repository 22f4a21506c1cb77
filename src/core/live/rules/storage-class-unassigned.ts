/** storage-class-unassigned: the storage class is not assigned to the manifest's vSphere Namespace. */
import { storageClassRefs } from '../fields';
import { namespaceSetRule } from './namespace-set';

export const storageClassUnassigned = namespaceSetRule({
  id: 'storage-class-unassigned',
  description: 'The storage class is not assigned to the manifest\'s namespace on the connected Supervisor.',
  allowed: (ns) => ns.storageClasses,
  refs: storageClassRefs,
  message: (value, namespace, context, list) =>
    `StorageClass "${value}" is not assigned for namespace "${namespace}" on ${context}: ${list.length ? `assigned are ${list.join(', ')}` : 'no storage class is assigned there'}.`,
});
