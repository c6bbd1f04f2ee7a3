import { createServer } from 'node:http';
import { answerBenchHooks, reportReady } from './hooks';

/**
 * Baseline (a), the limit: bare node:http answering every request with the very bytes the service
 * sent for the scenario (the runner hands them over before the first round).
 */
let body = Buffer.from('{}');
process.on('message', (msg: { type: string; body?: string }) => {
  if (msg.type === 'bytes' && msg.body !== undefined) {
    body = Buffer.from(msg.body);
    process.send?.({ type: 'bytes-ok' });
  }
});

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  answerBenchHooks(() => new Promise<void>((r) => server.close(() => r())));
  reportReady(server, 'bare');
});
