import { retryBackoff } from '../../src/db/database';
import { sessionSetup } from '../../src/db/data-source';
import { DatabaseUnavailableError, transientKindOf, unavailableAnswer } from '../../src/db/errors';

describe('database failures that pass', () => {
  const driver = (code: string, errno?: number) => Object.assign(new Error(code), { code, errno });
  /** As TypeORM throws them: a QueryFailedError carrying the driver's error. */
  const wrapped = (error: Error) => Object.assign(new Error(`query failed: ${error.message}`), { name: 'QueryFailedError', driverError: error });

  it('tells lock races from lost connections from faults of the work, through TypeORM wrappers and causes', () => {
    expect(transientKindOf(wrapped(driver('ER_LOCK_DEADLOCK', 1213)))).toBe('lock');
    expect(transientKindOf(wrapped(driver('ER_LOCK_WAIT_TIMEOUT', 1205)))).toBe('lock');
    expect(transientKindOf(driver('SQLITE_BUSY'))).toBe('lock');
    expect(transientKindOf(driver('ECONNRESET'))).toBe('connection');
    expect(transientKindOf(wrapped(driver('PROTOCOL_CONNECTION_LOST')))).toBe('connection');
    expect(transientKindOf(driver('ETIMEDOUT'))).toBe('connection');
    expect(transientKindOf(new Error("Can't add new command when connection is in closed state"))).toBe('connection');
    expect(transientKindOf(new Error('effect exploded', { cause: driver('ECONNRESET') }))).toBe('connection');
    expect(transientKindOf(wrapped(driver('ER_DUP_ENTRY', 1062)))).toBeUndefined();
    expect(transientKindOf(new Error('effect exploded'))).toBeUndefined();
    expect(transientKindOf(undefined)).toBeUndefined();
  });

  it('tells a client to try again, and says when the outcome is unknown', () => {
    expect(unavailableAnswer(new DatabaseUnavailableError('lock', 'rolled_back', driver('ER_LOCK_DEADLOCK')))).toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE', message: expect.stringMatching(/nothing was changed/) });
    expect(unavailableAnswer(new DatabaseUnavailableError('connection', 'unknown', driver('ECONNRESET')))?.message).toMatch(/may or may not have been saved/);
    expect(unavailableAnswer(new Error('a bug'))).toBeUndefined();
  });

  it('waits exponentially longer between attempts, capped at a second, jittered to 50–100 %', () => {
    expect([1, 2, 3, 4].map((n) => retryBackoff(n, () => 1))).toEqual([20, 40, 80, 160]);
    expect(retryBackoff(20, () => 1)).toBe(1000);
    expect(retryBackoff(3, () => 0)).toBe(40);
  });

  it('sets READ COMMITTED and a short lock wait on every MySQL connection, and the idle transaction timeout only where it exists (MariaDB)', () => {
    const limits = { lockWaitTimeoutMs: 5000, idleTransactionTimeoutMs: 10_000 };
    expect(sessionSetup('mariadb', limits)).toEqual([
      'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
      'SET SESSION innodb_lock_wait_timeout = 5',
      'SET SESSION idle_transaction_timeout = 10',
    ]);
    expect(sessionSetup('mysql', limits)).toEqual(['SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', 'SET SESSION innodb_lock_wait_timeout = 5']);
    expect(sessionSetup('mariadb', { lockWaitTimeoutMs: 200, idleTransactionTimeoutMs: 0 })).toEqual(['SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', 'SET SESSION innodb_lock_wait_timeout = 1']);
  });
});
