import { runService } from '@warden/http';
import { loadConfig } from './config';
import { composeAuditService } from './compose';

void runService('audit-service', {
  loadConfig: () => loadConfig(),
  compose: (config, logger) => composeAuditService(config, { logger }),
  describe: (config) => ({ role: config.AUDIT_ROLE }),
});
