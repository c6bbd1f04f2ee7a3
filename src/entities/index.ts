import { PolicyVersion } from './policy-version.entity';

export { PolicyVersion };

/** Every TypeORM entity of the service. A new entity is added here and gets a migration for each dialect. */
export const ENTITIES: Function[] = [PolicyVersion];
