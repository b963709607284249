export { testEnv, testInfra, uniqueName } from './infra';
export { operatorIdentity, signedHeaders, testIdentity, testSigner } from './identity';
export { TEST_CALLER_PAIRS, TEST_KEYS } from './keys';
export { testLogger } from './logger';
export { readmeSection } from './readme';
export { signedCall } from './signed-call';
export type { SignedCall, HttpMethod } from './signed-call';
export { eventually } from './eventually';
