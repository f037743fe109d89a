export { type Classify, type Outcome, outcomes } from './outcome.ts';
export { createPolicy } from './policy.ts';
export type {
  BreakerConfig,
  BreakerState,
  BulkheadConfig,
  PolicyConfig,
  PolicyOptions,
  RetryBudgetConfig,
  RetryConfig,
  TimeoutConfig,
} from './policy-options.ts';
export {
  isPolicyRejection,
  PolicyRejection,
  type PolicyRejectionOptions,
  type RejectionReason,
  rejectionReasons,
  rejectionToAppError,
  retryAfterMsOf,
} from './policy-rejection.ts';
export { type CallOutcome, callOutcomes, type PolicyStats } from './policy-stats.ts';
export type { ExecuteOptions, HedgeOptions, Policy, PolicyCall, PolicyContext } from './policy-types.ts';
