/**
 * Argo CD in one place: its Applications as targets, its settings (argocd-cm,
 * argocd-cmd-params-cm), and the operations people run on an Application. The pure semantics
 * (tracking, ignoreDifferences, sync options) stay in src/core, which this layer feeds.
 */
export {
  applicationVerdict, checkoutTarget, listApplications, verdictBeside, type ApplicationVerdict, resourceVerdicts, targetFromApplication, ignoreDifferencesOf, verdictLine, withSettings, type ApplicationTarget, type ArgoResourceVerdict,
} from './applications';
export { ARGOCD_CM, ARGOCD_CMD_PARAMS_CM, ARGOCD_NAMESPACE, namespaceAllowed, readArgoSettings, settingsForApplication, settingsFrom, type ArgoSettings } from './settings';
export * from './operations';
export { historyOf, rollbackApplication, rollbackRefusal, type HistoryEntry, type RollbackReport } from './history';
export {
  APP_PROJECT, applicationFindings, checkProject, checkTargetProject, resolveDestination, targetPlace, findingLine, placeOf, projectRulesOf, readProject, resourceFinding, targetProjectCheck,
  type ApplicationPlace, type ProjectCheck, type ProjectFinding, type ProjectRead, type ProjectRules,
} from './projects';
