/** The cluster designer's pure core: its model and the conversions between the model and YAML. */
export * from './types';
export * from './yaml';
export * from './fixes';
