/** The live rules: they run only with facts from a connected Supervisor, in a trusted workspace. */
import type { Rule } from '../../findings/rule';
import { controlPlaneScaleIn, immutableField, versionDowngrade } from './existing-cluster';
import { namespaceUnknown } from './namespace-unknown';
import { storageClassUnassigned } from './storage-class-unassigned';
import { tkrIncompatible, tkrUnknown } from './tkr-unknown';
import { vmClassUnavailable } from './vm-class-unavailable';

export const LIVE_RULES: readonly Rule[] = [
  namespaceUnknown,
  vmClassUnavailable,
  storageClassUnassigned,
  tkrUnknown,
  tkrIncompatible,
  immutableField,
  controlPlaneScaleIn,
  versionDowngrade,
];
