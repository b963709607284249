export { testInfra, uniqueName } from './infra';
export { signedHeaders, testIdentity, TEST_SIGNING_KEY } from './identity';
export { testLogger } from './logger';
export { readmeSection } from './readme';
