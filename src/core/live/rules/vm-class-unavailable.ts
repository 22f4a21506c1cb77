/** vm-class-unavailable: the VM class is not available in the manifest's vSphere Namespace. */
import { vmClassRefs } from '../fields';
import { namespaceSetRule } from './namespace-set';

export const vmClassUnavailable = namespaceSetRule({
  id: 'vm-class-unavailable',
  description: 'The VM class is not available (bound) in the manifest\'s namespace on the connected Supervisor.',
  allowed: (ns) => ns.vmClasses,
  refs: vmClassRefs,
  message: (value, namespace, context, list) =>
    `VM class "${value}" is not available in namespace "${namespace}" on ${context}: ${list.length ? `use one of ${list.join(', ')}` : 'no VM class is bound there'}.`,
});
