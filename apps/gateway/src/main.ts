import { runService } from '@warden/http';
import { loadConfig } from './config';
import { composeGateway } from './compose-gateway';

void runService('gateway', {
  loadConfig: () => loadConfig(),
  compose: async (config, logger) => composeGateway(config, { logger }),
  describe: (config) => ({ tls: Boolean(config.TLS_CERT_FILE), requireHttps: config.REQUIRE_HTTPS }),
});
