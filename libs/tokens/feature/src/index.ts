export { TokenVersionSignal, REVOKED } from './token-version-signal';
export { issueApiToken } from './issue-api-token';
export type { ApiTokenSettings, IssueApiTokenDeps } from './issue-api-token';
export { createAccount, FIRST_TOKEN_NAME } from './create-account';
export type { CreateAccountDeps, CreatedAccount } from './create-account';
export { setAccountEnabled } from './set-account-enabled';
export type { SetAccountEnabledDeps, AccountEnabledResult } from './set-account-enabled';
export { setAccountRateLimit } from './set-account-rate-limit';
export type { SetAccountRateLimitDeps, AccountRateLimitResult } from './set-account-rate-limit';
