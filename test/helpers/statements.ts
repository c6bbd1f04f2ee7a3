import type { TestEnv } from './test-env';

/**
 * The SQL statements the app runs while `fn` runs (text only, no parameters), through TypeORM's
 * logger hook, which every query of both drivers passes. To show that two requests take the same
 * code path (e.g. for a known and an unknown address) without timing anything.
 */
export async function recordStatements(env: TestEnv, fn: () => Promise<unknown>): Promise<string[]> {
  const logger = env.app.dataSource.logger;
  const original = logger.logQuery.bind(logger);
  const seen: string[] = [];
  logger.logQuery = (query, parameters, queryRunner) => {
    seen.push(query);
    return original(query, parameters, queryRunner);
  };
  try {
    await fn();
  } finally {
    logger.logQuery = original;
  }
  return seen;
}
