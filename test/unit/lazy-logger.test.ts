import { Writable } from 'node:stream';
import { lazyLogger } from '../../src/http/http-app';
import { createLogger } from '../../src/logger';

describe('lazyLogger', () => {
  it('makes the child only when a line is written, with its bindings and redaction', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const base = createLogger('info', sink);
    const make = jest.fn(() => base.child({ requestId: 'req-12345678' }));
    const logger = lazyLogger(make);
    const copy = Object.assign({}, { logger }); // what Apollo does with the context
    expect(make).not.toHaveBeenCalled();
    copy.logger.warn({ email: 'a@b.c' }, 'something');
    expect(logger.isLevelEnabled('debug')).toBe(false);
    expect(make).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', requestId: 'req-12345678', email: '[redacted]', msg: 'something' })]);
  });
});
