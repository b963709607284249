import { runService } from '@warden/http';
import { loadConfig } from './config';
import { composeTokenService } from './compose';

void runService('token-service', { loadConfig: () => loadConfig(), compose: (config, logger) => composeTokenService(config, { logger }) });
