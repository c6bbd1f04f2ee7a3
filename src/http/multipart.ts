import busboy from 'busboy';
import type { Request } from 'express';
import type { UploadedFile } from '../workflows/runtime/workflow-registry';

export interface MultipartBody {
  fields: Record<string, string | string[]>;
  files: UploadedFile[];
  /** The file went over the limit: its bytes were dropped as they came, none are kept. */
  tooLarge: boolean;
}

/** Small text fields beside the one file (CSRF token, choices, a phone number). */
const FIELD_LIMITS = { fields: 40, fieldSize: 4096, parts: 44 };
/** Beyond the file limit plus this much, parsing stops and the rest is discarded unread (the client still gets its page). */
const SLACK_BYTES = 64 * 1024;
/** A body this many times the limit is not even discarded to the end: the connection is dropped. */
const DROP_FACTOR = 4;

/**
 * Reads a multipart/form-data body with busboy: text fields, and one file of `fileField` kept in
 * memory only up to `maxBytes`. The limit holds while the body streams: a bigger file is discarded
 * chunk by chunk and flagged, a body beyond the limit is no longer parsed, and one far beyond it
 * drops the connection. Resolves undefined for a body that is not well-formed multipart.
 */
export function readMultipart(req: Request, fileField: string, maxBytes: number): Promise<MultipartBody | undefined> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { ...FIELD_LIMITS, files: 1, fileSize: maxBytes } });
    } catch {
      resolve(undefined);
      return;
    }
    const fields: Record<string, string | string[]> = {};
    const files: UploadedFile[] = [];
    let tooLarge = false;
    let settled = false;
    const finish = (value: MultipartBody | undefined) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > DROP_FACTOR * maxBytes + SLACK_BYTES) req.destroy();
      else if (received > maxBytes + SLACK_BYTES && !settled) {
        tooLarge = true;
        req.unpipe(parser);
        req.resume();
        finish({ fields, files: [], tooLarge });
      }
    });
    parser.on('field', (name, value) => {
      const known = fields[name];
      fields[name] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known, value];
    });
    parser.on('file', (name, stream) => {
      if (name !== fileField) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (!tooLarge) chunks.push(chunk);
      });
      stream.on('limit', () => {
        tooLarge = true;
        chunks.length = 0;
      });
      stream.on('end', () => {
        if (!tooLarge) files.push({ field: name, bytes: Buffer.concat(chunks) });
      });
    });
    parser.on('error', () => finish(undefined));
    parser.on('close', () => finish({ fields, files: tooLarge ? [] : files, tooLarge }));
    req.pipe(parser);
  });
}
