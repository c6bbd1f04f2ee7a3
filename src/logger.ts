import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Personal data never reaches a log line unredacted: these paths are censored wherever they appear
 * (one level deep in any object, and in request headers).
 */
const PERSONAL_KEYS = [
  'email',
  'newEmail',
  'parentEmail',
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'secret',
  'totpSecret',
  'code',
  'name',
  'displayName',
  'telephone',
  'phone',
  'postalAddress',
  'address',
  'dateOfBirth',
  'birthDate',
  'ip',
  'to',
];

export const REDACT_PATHS = [
  ...PERSONAL_KEYS,
  ...PERSONAL_KEYS.map((k) => `*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'variables',
  '*.variables',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'consentry' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
