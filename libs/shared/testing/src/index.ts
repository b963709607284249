export { testInfra, uniqueName } from './infra';
export { operatorIdentity, signedHeaders, testEnv, testIdentity, TEST_SIGNING_KEY } from './identity';
export { testLogger } from './logger';
export { readmeSection } from './readme';
export { signedCall } from './signed-call';
export type { SignedCall, HttpMethod } from './signed-call';
export { eventually } from './eventually';
