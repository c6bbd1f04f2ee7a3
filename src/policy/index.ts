export * from './policy.schema';
export * from './jurisdictions';
export { loadPolicy } from './load-policy';
export { describePeriod } from './period';
export * from './age';
export * from './calendar';
export * from './consent-purposes';
export * from './processing-purposes';
export * from './verification';
