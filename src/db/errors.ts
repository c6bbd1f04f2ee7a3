/**
 * Which database failures are passing conditions rather than a fault of the work that hit them.
 *
 * - `lock`: the transaction lost a lock race (deadlock victim, lock wait timeout, SQLite busy). It was
 *   rolled back and may simply run again.
 * - `connection`: the connection broke or could not be had (reset, lost, killed by the server's idle
 *   transaction timeout, server restarting). Nothing of an uncommitted transaction survives it, so
 *   the work may run again on a new connection; only a COMMIT that was sent has an unknown outcome.
 */
export type TransientKind = 'lock' | 'connection';

const LOCK_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED']);

const CONNECTION_CODES = new Set([
  // the socket
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // mysql2
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  // the server
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_NORMAL_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_NET_READ_ERROR',
  'ER_NET_READ_INTERRUPTED',
  'ER_NET_WRITE_INTERRUPTED',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'ER_IDLE_TRANSACTION_TIMEOUT',
]);

/** mysql2 errors about a connection that is already gone, which carry no code. */
const CONNECTION_MESSAGES = /connection is in closed state|Connection lost|connection.*(?:closed|destroyed)/i;

/** The error itself, TypeORM's driverError, and causes: wherever the driver's code sits. */
function* layers(error: unknown): Generator<{ code?: unknown; errno?: unknown; message?: unknown }> {
  const seen = new Set<unknown>();
  const queue = [error];
  while (queue.length && seen.size < 8) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    yield e as { code?: unknown };
    queue.push((e as { driverError?: unknown }).driverError, (e as { cause?: unknown }).cause);
  }
}

/** Is this failure a passing one (and of which kind), or a fault of the work itself? */
export function transientKindOf(error: unknown): TransientKind | undefined {
  if (error instanceof DatabaseUnavailableError) return error.kind;
  for (const e of layers(error)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && LOCK_CODES.has(code)) return 'lock';
    if (code && CONNECTION_CODES.has(code)) return 'connection';
    // MariaDB's idle_transaction_timeout (ER_NET_READ_ERROR / 1158-1161) without a mapped name.
    if (typeof e.errno === 'number' && e.errno >= 1158 && e.errno <= 1161) return 'connection';
    if (!code && typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return 'connection';
  }
  return undefined;
}

export const isTransientDatabaseError = (error: unknown): boolean => transientKindOf(error) !== undefined;

/**
 * A transaction that could not be completed for a passing reason (see TransientKind) after its
 * retries. Clients are told to try again; when the connection broke while the COMMIT was on its way
 * (`outcome: 'unknown'`) the change may have been saved.
 */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly kind: TransientKind,
    readonly outcome: 'rolled_back' | 'unknown',
    override readonly cause: unknown,
  ) {
    super(`Database ${kind === 'lock' ? 'lock contention' : 'connection failure'} (${outcome === 'unknown' ? 'outcome unknown' : 'rolled back'}): ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * What a client is told about a passing database failure (never the driver's words, never
 * "Internal error"): try again. Undefined for any other error.
 */
export function unavailableAnswer(error: unknown): { code: 'TEMPORARILY_UNAVAILABLE'; message: string; retryAfterSeconds: number } | undefined {
  const kind = transientKindOf(error);
  if (!kind) return undefined;
  const unknown = error instanceof DatabaseUnavailableError && error.outcome === 'unknown';
  return {
    code: 'TEMPORARILY_UNAVAILABLE',
    message: unknown
      ? 'The connection to the database broke while your change was being saved: it may or may not have been saved. Check, then try again if needed.'
      : 'The service is busy right now and nothing was changed. Please try again in a moment.',
    retryAfterSeconds: 1,
  };
}
