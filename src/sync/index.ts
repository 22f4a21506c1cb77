/**
 * The sync's public face for the editor and the command line: make a plan (prepareSync, or
 * planSync from a drift you hold), execute it (executePlan), or sync through Argo CD
 * (syncApplication, refresh). No vscode import; loads the cluster layer.
 */
export { planSync, keysOfFile, orderWaves, pruneRefusal, whereOf, type DriftLike, type PlanFile, type PlanOptions } from '../core/sync/plan';
export { SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION, syncOptionsOf, syncWaveOf } from '../core/sync/annotations';
export type { Blocker, KeptObject, PlanItem, PlanWave, SyncAction, SyncPlan, WavePhase } from '../core/sync/types';
export { prepareSync, type PrepareOptions, type PreparedSync, type PrepareSession } from './prepare';
export { FIELD_MANAGER } from '../core/sync/types';
export { executePlan, countOutcomes, type ExecuteOptions, type SyncProgress, type SyncSession } from './apply';
export { resultFindings } from './findings';
export type { FieldConflict, Outcome, ResourceResult, SyncOutcome, SyncReport } from './types';
export {
  syncApplication, refresh, operationInProgress, describeBusy, getApplication, resourceResults, REFRESH_ANNOTATION, INITIATOR,
  type AppRef, type ArgoOutcome, type ArgoResourceResult, type ArgoSyncOptions, type ArgoSyncReport, type FollowOptions, type OperationInfo, type OperationProgress, type SyncResource,
} from '../argocd/operations';
