/** vm-class-unavailable: the VM class is not available in the manifest's vSphere Namespace. */
import { vmClassRefs } from '../fields';
import { namespaceSetRule } from './namespace-set';
import { closestVmClasses, sizeLabel } from '../vm-class';

export const vmClassUnavailable = namespaceSetRule({
  id: 'vm-class-unavailable',
  description: 'The VM class is not available (bound) in the manifest\'s namespace on the connected Supervisor.',
  allowed: (ns) => ns.vmClasses,
  refs: vmClassRefs,
  message: (value, namespace, context, list) =>
    `VM class "${value}" is not available in namespace "${namespace}" on ${context}: ${list.length ? `use one of ${list.join(', ')}` : 'no VM class is bound there'}.`,
  // The closest available classes, with their size, so the choice is made knowing what it costs.
  suggest: (value, list, facts) =>
    closestVmClasses(value, list, facts.vmClassSizes).map((name) => ({ name, note: sizeLabel(facts.vmClassSizes?.get(name)) || undefined })),
});
