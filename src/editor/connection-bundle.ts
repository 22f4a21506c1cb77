/**
 * The entry of the editor's connection bundle (dist/connection.js): what needs the cluster layer,
 * loaded by activate() on first need. Only this entry gathers them, so that the modules it names
 * (which depend on the connection) are never imported back by it.
 */
export { ConnectionController } from './connection';
export { DriftController } from './drift';
export { DesignerPanels } from './designer';
export { ClustersController } from './clusters';
