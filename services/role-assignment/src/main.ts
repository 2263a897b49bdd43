import { runServiceMain } from '@bg/service-kit';
import { roleAssignmentConfigSchema } from './config';
import { roleAssignmentMigrations, roleAssignmentSchema, startRoleAssignment } from './app';

runServiceMain({
  name: 'role-assignment',
  schema: roleAssignmentSchema,
  migrations: roleAssignmentMigrations,
  configSchema: roleAssignmentConfigSchema,
  start: (config, logger, onFatal) => startRoleAssignment(config, logger, onFatal),
});
