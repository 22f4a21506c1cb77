/**
 * The one piece of @kubernetes/client-node the cluster layer uses: KubeConfig, for credentials
 * (tokens, client certificates, exec plugins, auth providers) and TLS material. Imported by name
 * so the bundler keeps only what it needs, and required lazily by the connection (loading it
 * costs time that activation and offline validation should not pay).
 */
export { KubeConfig } from '@kubernetes/client-node';
