/**
 * The cluster layer's public face: the Kubernetes API over node:https (credentials of exec plugins
 * and auth providers through @kubernetes/client-node's authenticators), with no vscode import (the
 * editor layer wraps it, the command-line tool uses it as is). Load it lazily: offline validation
 * and activation need none of it.
 */
export { Backoff, type BackoffOptions } from './backoff';
export { ResourceCache, type CacheChange, type CacheState, type CacheStats, type ResourceCacheOptions } from './cache';
export { ClusterClient, type ApplyOptions, type DeleteOptions, type KindRef, type KubeObject, type ListOptions, type ListResult } from './client';
export { Connection, type ApiRequest, type ConnectionOptions, type WatchEvent, type WatchHandle } from './connection';
export { Discovery, resourcePath, type DiscoveryCacheOptions, type ResourceInfo } from './discovery';
export { ClusterError, RequestTimeout, toClusterError, type ClusterErrorKind, type FieldCause, type RequestDescription } from './errors';
export { Emitter, DisposableStore, type Disposable, type Event } from './events';
export { KINDS, SupervisorFactsSource, tkrFact, type FactsSourceOptions } from './facts';
export { parseFieldPath, type FieldPath } from './fieldpath';
export { decodeJwt, describeExpiry, expiryNotice, jwtExpiry, vsphereLoginCommand } from './jwt';
export { Kubeconfig, KubeconfigError, kubeconfigFiles, loadKubeconfig, parseKubeconfigText, type ContextInfo, type LoadOptions, type ResolvedContext } from './kubeconfig';
export { noProxyMatches, proxyFor } from './proxy';
export { redact, redactedMessage, registerSecret, type LogSink } from './redact';
export { ConnectionSession, SessionManager, acquirePermitted, type PermittedCache, type SessionOptions } from './session';
export { WorkloadSessions, clusterKey, kubeconfigSecretName, parseClusterRef, workloadCredentials, workloadKubeconfigText, type ClusterRef, type CredentialOptions, type WorkloadCredentials, type WorkloadSessionOptions } from './workload';
export { ARGOCD_MANAGER, ARGOCD_MANAGER_BINDING, ARGOCD_MANAGER_ROLE, CLUSTER_SECRET_SELECTOR, TOKEN_REQUEST_SECONDS, argoClusterSecretOf, planLines, register, registration, unregister, type Registered, type RegisterOptions, type Registration } from './register';
export {
  DestinationSessions, IN_CLUSTER_NAME, IN_CLUSTER_SERVER, argoClusterKubeconfig, destinationLabel, isInCluster, listWorkloadClusters, readArgoClusters,
  type ArgoCluster, type ArgoClusterConfig, type Destination, type DestinationOptions, type OpenDestination,
} from './destinations';
