// Hand-written changes to the AppProject schema. Read by scripts/derive-schemas.ts (the operation
// form is described in tkc.mjs).
//
// The AppProject CRD copy (test/fixtures/SOURCES.md) predates the Argo CD 3 Application CRD copy;
// these operations add the AppProjectSpec fields Argo CD 3 has and that copy lacks, each named as
// in Argo CD's Go type (pkg/apis/application/v1alpha1, AppProjectSpec and SyncWindow).
import { str, strList } from './common.mjs';

const added = (at, set) => [
  { $comment: 'Argo CD 3 AppProjectSpec: not in the older CRD copy.', at, expect: 'absent' },
  { $comment: 'Argo CD 3 AppProjectSpec.', at, set },
];

export default {
  'appproject-v1alpha1': [
    ...added('spec.sourceNamespaces', strList('SourceNamespaces defines the namespaces application resources are allowed to be created in.')),
    ...added('spec.permitOnlyProjectScopedClusters', {
      type: 'boolean',
      description: 'PermitOnlyProjectScopedClusters determines whether destinations can only reference clusters which are project-scoped.',
    }),
    ...added('spec.destinationServiceAccounts', {
      type: 'array',
      description: 'DestinationServiceAccounts holds information about the service accounts to be impersonated for the application sync operation for each destination.',
      items: {
        type: 'object',
        description: 'ApplicationDestinationServiceAccount holds information about the service account to be impersonated for the application sync operation.',
        required: ['server', 'defaultServiceAccount'],
        properties: {
          server: str('Server specifies the URL of the target cluster\'s Kubernetes control plane API.'),
          namespace: str('Namespace specifies the target namespace for the application\'s resources.'),
          defaultServiceAccount: str('DefaultServiceAccount to be used for impersonation during the sync operation.'),
        },
      },
    }),
    ...added('spec.syncWindows[].andOperator', {
      type: 'boolean',
      description: 'UseAndOperator use AND operator for matching applications, namespaces and clusters instead of the default OR operator.',
    }),
  ],
};
