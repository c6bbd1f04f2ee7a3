/**
 * Creates an admin account: `npm run admin:create -- --email admin@example.com [--name "Ada Admin"]`
 * (after a build: `node dist/src/cli/admin-create.js --email …`).
 *
 * There are no default credentials: the account has no password until someone uses the one-time
 * setup token printed here (valid for ADMIN_SETUP_TTL, once) with the `setupAccount` mutation.
 * The admin must then enable two-factor authentication before the admin role counts.
 */
import 'reflect-metadata';
import { systemClock, type Clock } from '../clock';
import { loadConfig } from '../config';
import { createDataSource } from '../db/data-source';
import { Database } from '../db/database';
import { isDomainError } from '../errors';
import { createLogger } from '../logger';
import { loadPolicy } from '../policy';
import { createServices } from '../services';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  const inline = argv.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

/** Runs the command; answers the exit code. */
export async function adminCreate(argv: string[], env: Record<string, string | undefined>, io: CliIo, clock: Clock = systemClock): Promise<number> {
  const email = argValue(argv, '--email');
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    io.err('usage: npm run admin:create -- --email admin@example.com [--name "Display Name"]');
    return 2;
  }
  const config = loadConfig(env);
  const dataSource = createDataSource({ url: config.DATABASE_URL });
  await dataSource.initialize();
  try {
    if (config.MIGRATE_ON_START) await dataSource.runMigrations({ transaction: 'each' });
    const services = createServices({ config, dataSource, db: new Database(dataSource), clock, logger: createLogger('silent'), policy: loadPolicy(config.POLICY_FILE) });
    const result = await services.subjects.createAdmin({ email, displayName: argValue(argv, '--name') ?? 'Administrator' });
    if (isDomainError(result)) {
      io.err(result.message);
      return 1;
    }
    io.out(`Admin account created for ${email.toLowerCase()} (id ${result.subjectId}).`);
    io.out(`One-time setup token (valid until ${result.expiresAt.toISOString()}, usable once):`);
    io.out(`  ${result.setupToken}`);
    io.out(`Set the password with the setupAccount mutation at ${config.publicUrl}/graphql, e.g.:`);
    io.out(
      `  curl -s ${config.publicUrl}/graphql -H 'content-type: application/json' -d '{"query":"mutation($i: SetupAccountInput!) { setupAccount(input: $i) { __typename ... on AuthPayload { token } ... on ErrorResult { message } } }","variables":{"i":{"token":"${result.setupToken}","password":"<your new password>"}}}'`,
    );
    io.out('Then enable two-factor authentication (enrollTotp, confirmTotp): the admin role acts only with it.');
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  adminCreate(process.argv.slice(2), process.env, { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`admin:create failed: ${error.message}`);
      process.exit(1);
    },
  );
}
