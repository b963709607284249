import { runService } from '@warden/http';
import { loadConfig } from './config';
import { composeCredentialService } from './compose';

void runService('credential-service', {
  loadConfig: () => loadConfig(),
  compose: (config, logger) => composeCredentialService(config, { logger }),
});
