import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';

function capture() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('logs', () => {
  it('are JSON lines with level, time and the request id of a child logger', () => {
    const { logger, lines } = capture();
    logger.child({ requestId: 'r-123' }).info({ n: 1 }, 'hello');
    expect(lines[0]).toMatchObject({ level: 'info', service: 'consentry', requestId: 'r-123', n: 1, msg: 'hello', time: expect.any(String) });
  });

  it('redact personal data wherever it appears', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        email: 'kid@example.com',
        input: { password: 'hunter2', parentEmail: 'mum@example.com', dateOfBirth: '2015-06-05' },
        headers: { authorization: 'Bearer abc', cookie: 'sid=1' },
        variables: { anything: 'goes' },
      },
      'signup',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['kid@example.com', 'hunter2', 'mum@example.com', '2015-06-05', 'Bearer abc', 'sid=1', 'goes']) expect(text).not.toContain(secret);
    expect(lines[0].input.password).toBe('[redacted]');
  });
});
