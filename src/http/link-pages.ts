import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Config } from '../config';
import { ErrorCode, isDomainError, type DomainError } from '../errors';
import type { Logger } from '../logger';
import type { SiteInfo } from '../mail/mail-template';
import type { ActionLinkService } from '../services/action-link/action-link.service';
import { hashToken } from '../services/action-token/action-token.service';
import { localeFromAcceptLanguage, type Locale } from '../util/locale';
import type { LinkView } from '../services/action-link/action-link.service';
import { isLinkFormRefusal, type UploadedFile } from '../workflows/runtime/workflow-registry';
import { confirmPage, donePage, errorPage, formPage, LINK_PAGE_CSP, type ErrorPageKind } from './link-pages.view';
import { readMultipart } from './multipart';

const NONCE_COOKIE = 'consentry_link';
const NONCE_FORMAT = /^[A-Za-z0-9_-]{22}$/;

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** Which error page (and HTTP status) a failed lookup or use gets. */
function errorKind(error: DomainError): { kind: ErrorPageKind; status: number } {
  switch (error.errorCode) {
    case ErrorCode.ACTION_TOKEN_EXPIRED:
      return { kind: 'expired', status: 410 };
    case ErrorCode.ACTION_TOKEN_USED:
      return { kind: 'used', status: 410 };
    case ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED:
      return { kind: 'notPossible', status: 409 };
    default:
      return (error as { reason?: string }).reason === 'locked' ? { kind: 'locked', status: 410 } : { kind: 'unknown', status: 404 };
  }
}

export interface LinkPagesDeps {
  config: Config;
  logger: Logger;
  links: ActionLinkService;
  site: SiteInfo;
  /** Keys the pages' CSRF tokens: derived from APP_SECRET, so every process accepts every other's pages. */
  secret: string;
}

/**
 * `GET|HEAD /l/:token` shows what the link will do and changes nothing (mail scanners fetch links);
 * `POST /l/:token` from that page's button acts. The form carries a CSRF token = HMAC(a key derived from APP_SECRET,
 * token hash + a SameSite=Strict cookie nonce set by the GET), so only a submission from the page the
 * same browser was shown counts; failed checks count against the token (LINK_MAX_WRONG_ATTEMPTS).
 */
export function createLinkPages(deps: LinkPagesDeps): Router {
  const { config, links, site } = deps;
  const secret = deps.secret;
  const secureCookies = config.publicUrl.startsWith('https:');
  const csrfFor = (token: string, nonce: string) => createHmac('sha256', secret).update(`${hashToken(token)}.${nonce}`).digest('base64url');
  const router = express.Router();

  const send = (res: Response, status: number, body: string) => {
    res.status(status);
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': LINK_PAGE_CSP,
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'X-Robots-Tag': 'noindex, nofollow',
    });
    res.send(body);
  };
  const client = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';
  const fail = async (req: Response['req'], res: Response, error: DomainError & { locale?: Locale }) => {
    const { kind, status } = errorKind(error);
    const locale = error.locale ?? (await links.localeOf(String(req.params.token))) ?? localeFromAcceptLanguage(req.get('accept-language'));
    send(res, status, errorPage(kind, locale, site));
  };
  const throttled = (req: Request, res: Response): boolean => {
    const wait = links.throttled(client(req));
    if (!wait) return false;
    res.set('Retry-After', String(wait));
    send(res, 429, errorPage('tooMany', localeFromAcceptLanguage(req.get('accept-language')), site));
    return true;
  };

  // Express answers HEAD with this GET handler (without the body): same lookup, same headers, no change.
  router.get('/:token', async (req, res) => {
    if (throttled(req, res)) return;
    const token = String(req.params.token);
    const view = await links.preview(token, client(req));
    if (isDomainError(view)) return fail(req, res, view);
    const existing = readCookie(req, NONCE_COOKIE);
    const nonce = existing && NONCE_FORMAT.test(existing) ? existing : randomBytes(16).toString('base64url');
    // Secure whenever the public address is https, also when TLS ends at a proxy and TRUST_PROXY is unset (req.secure false).
    res.cookie(NONCE_COOKIE, nonce, { httpOnly: true, sameSite: 'strict', secure: secureCookies || req.secure, path: '/l/' });
    const csrf = csrfFor(token, nonce);
    const form = links.formOf(view.purpose);
    if (form) return send(res, 200, formPage({ ...pageOf(view), body: await form.render({ locale: view.locale, context: await links.workflowContext(view) }), csrf, multipart: !!form.upload }));
    send(res, 200, confirmPage({ locale: view.locale, site, title: view.texts.title, explain: view.texts.explain, button: view.texts.button, expiresAt: view.expiresAt, csrf, details: view.details }));
  });
  const pageOf = (view: LinkView) => ({ locale: view.locale, site, title: view.texts.title, explain: view.texts.explain, expiresAt: view.expiresAt });

  // Forms (LinkForm) may have a few dozen fields (one checkbox per feature); still tiny. A form that
  // declares an upload takes multipart/form-data instead (its file limited while it streams).
  router.post('/:token', express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 40 }), async (req, res) => {
    if (throttled(req, res)) return;
    const token = String(req.params.token);
    let fields = (req.body ?? {}) as Record<string, string | string[] | undefined>;
    let files: UploadedFile[] = [];
    let tooLarge = false;
    // The link's state, read once (a multipart body is read only for a live link whose form takes a file).
    let view: LinkView | undefined;
    if (req.is('multipart/form-data')) {
      // Only a live link whose form takes a file reads a multipart body; anything else is answered before reading it.
      const live = await links.preview(token, client(req));
      if (isDomainError(live)) return fail(req, res, live);
      view = live;
      const upload = links.formOf(view.purpose)?.upload;
      if (!upload) return send(res, 415, errorPage('notPossible', view.locale, site));
      const body = await readMultipart(req, upload.field, upload.maxBytes);
      if (!body) return send(res, 400, errorPage('notPossible', view.locale, site));
      ({ fields, files, tooLarge } = body);
    }
    const nonce = readCookie(req, NONCE_COOKIE);
    const given = typeof fields.csrf === 'string' ? Buffer.from(fields.csrf) : Buffer.alloc(0);
    const expected = nonce && NONCE_FORMAT.test(nonce) ? Buffer.from(csrfFor(token, nonce)) : undefined;
    const preview = view ?? (await links.preview(token, client(req)));
    if (isDomainError(preview)) return fail(req, res, preview);
    if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      await links.recordWrongAttempt(token);
      res.locals.logger.info({ purpose: preview.purpose }, 'link page submission failed its CSRF check');
      return send(res, 403, errorPage('csrf', preview.locale, site));
    }
    let payload: Record<string, unknown> = {};
    let done: ((locale: Locale) => string) | undefined;
    const form = links.formOf(preview.purpose);
    if (form) {
      const formView = { locale: preview.locale, context: await links.workflowContext(preview) };
      // Refused or incomplete (e.g. no choice made, a file too big or of the wrong type): the same page
      // again with what is wrong; nothing changed, the link still works.
      const again = async (status: number, problem: string) =>
        send(res, status, formPage({ ...pageOf(preview), body: await form.render(formView), csrf: String(fields.csrf), problem, multipart: !!form.upload }));
      if (tooLarge && form.upload) return again(413, form.upload.tooLarge(preview.locale));
      const parsed = form.parse(fields, formView, files);
      if (!parsed) return again(400, form.incomplete(preview.locale));
      if (isLinkFormRefusal(parsed)) return again(parsed.status, parsed.refused);
      const problem = form.check ? await form.check(fields, formView) : undefined;
      if (problem) {
        await links.recordWrongAttempt(token);
        return again(400, problem);
      }
      payload = parsed;
      if (form.done) done = (locale) => form.done!(parsed, locale);
    }
    const result = await links.confirm(token, client(req), { actorRole: 'anonymous', operation: 'link-page', requestId: res.locals.requestId, ip: client(req) }, payload);
    if (isDomainError(result)) return fail(req, res, result);
    send(res, 200, donePage({ locale: result.locale, site, title: result.texts.title, done: done ? done(result.locale) : result.texts.done }));
  });

  return router;
}
