import { runServiceMain } from '@bg/service-kit';
import { roleAssignmentConfigSchema } from './config';
import { startRoleAssignment } from './app';

runServiceMain({
  name: 'role-assignment',
  configSchema: roleAssignmentConfigSchema,
  start: (config, logger, onFatal) => startRoleAssignment(config, logger, onFatal),
});
