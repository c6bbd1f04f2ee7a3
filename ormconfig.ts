import 'reflect-metadata';
import { loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';

/** The DataSource the TypeORM CLI uses (`npm run migration:*`), from the same DATABASE_URL as the service. */
export default createDataSource({ url: loadConfig().DATABASE_URL });
