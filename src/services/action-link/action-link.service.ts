import type { Clock } from '../../clock';
import type { EntityManager } from 'typeorm';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { selectOne } from '../../db/statements';
import { Workflow, type ActionToken } from '../../entities';
import { DomainError, ErrorCode, isDomainError } from '../../errors';
import { RateLimiter } from '../../util/rate-limiter';
import { toLocale, type Locale } from '../../util/locale';
import { EffectRefusedError, isLinkFormRefusal, type Caller, type LinkChoice, type LinkDetails, type LinkForm, type LinkTexts } from '../../workflows/runtime/workflow-registry';
import type { WorkflowRuntime } from '../../workflows/runtime/workflow-runtime';
import type { ActionTokenService, TokenState } from '../action-token/action-token.service';
import { ipGroup } from '../../util/ip-group';

export const LINK_RATE_WINDOW_MS = 15 * 60_000;

/** What a valid link will do (preview) or did (confirm), in its recipient's language. */
export interface LinkView {
  purpose: string;
  locale: Locale;
  texts: LinkTexts;
  expiresAt: Date;
  token: ActionToken;
  /** Workflow-specific content of the page (preview only), from the purpose's registered provider. */
  details?: LinkDetails;
  /** After a form submission: what its done page says (the form's own text). */
  done?: string;
}

/** Rolls a transaction back and carries the expected failure out of it. */
class Rollback extends Error {
  constructor(readonly result: DomainError) {
    super(result.message);
  }
}

const STATE_ERRORS: Record<Exclude<TokenState, 'valid'>, () => DomainError> = {
  unknown: () => new DomainError(ErrorCode.ACTION_TOKEN_INVALID, 'This link is not valid. Check that you opened the whole link from the email, or ask for a new one.', { reason: 'unknown' }),
  locked: () => new DomainError(ErrorCode.ACTION_TOKEN_INVALID, 'This link was locked after too many failed attempts. Please ask for a new one.', { reason: 'locked' }),
  expired: () => new DomainError(ErrorCode.ACTION_TOKEN_EXPIRED, 'This link has expired. Please ask for a new one.', { reason: 'expired' }),
  used: () => new DomainError(ErrorCode.ACTION_TOKEN_USED, 'This link has already been used. Nothing more needs to be done.', { reason: 'used' }),
};

/**
 * Email links (GET shows, POST acts): looks tokens up without side effects, and uses one by
 * consuming it (conditional UPDATE) and delivering its event to its workflow in one transaction.
 * Lookups of unknown tokens are counted per client (IPv6 by /64, ipGroup) and refused beyond LINK_RATE_LIMIT.
 */
export class ActionLinkService {
  private readonly guesses: RateLimiter;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    config: Config,
    private readonly tokens: ActionTokenService,
    private readonly runtime: WorkflowRuntime,
  ) {
    this.guesses = new RateLimiter(config.LINK_RATE_LIMIT, LINK_RATE_WINDOW_MS, clock);
  }

  /** Seconds the client must wait, or 0 when it may look links up. */
  throttled(client: string): number {
    const key = ipGroup(client);
    return this.guesses.allowed(key) ? 0 : this.guesses.retryAfterSeconds(key);
  }

  /** What the link will do; changes nothing (safe for scanners' GET and HEAD). */
  async preview(token: string, client: string): Promise<LinkView | DomainError> {
    const { state, row } = await this.tokens.inspect(token);
    if (state === 'unknown') this.guesses.hit(ipGroup(client));
    if (state !== 'valid' || !row) return Object.assign(STATE_ERRORS[state as Exclude<TokenState, 'valid'>](), { locale: row ? toLocale(row.locale) : undefined });
    const view = this.view(row);
    if (isDomainError(view)) return view;
    const provider = this.runtime.registry.linkDetails(row.purpose);
    if (provider) view.details = await provider(this.db.manager, { workflowId: row.workflowId, locale: view.locale, now: this.clock.now() });
    return view;
  }

  /** The locale a token's pages use, if the token exists. */
  async localeOf(token: string): Promise<Locale | undefined> {
    const { row } = await this.tokens.inspect(token);
    return row ? toLocale(row.locale) : undefined;
  }

  /** The form of a link purpose, if its page asks more than one button. */
  formOf(purpose: string): LinkForm | undefined {
    return this.runtime.registry.form(purpose);
  }

  /** The context of the link's workflow (for a purpose with a form); read only. */
  async workflowContext(view: LinkView): Promise<Record<string, unknown>> {
    const row = await this.db.manager.findOneBy(Workflow, { id: view.token.workflowId });
    return row ? ((JSON.parse(row.snapshot) as { context?: Record<string, unknown> }).context ?? {}) : {};
  }

  /**
   * Uses the link: at most one caller ever succeeds; on any failure nothing is written. `payload`
   * (from a link form) travels with the link's event; it cannot change the event's type or id.
   */
  async confirm(token: string, client: string, by: Caller, payload: Record<string, unknown> = {}): Promise<LinkView | DomainError> {
    try {
      return await this.db.transaction(async (em) => {
        const { state, row } = await this.tokens.inspect(token, em);
        if (state === 'unknown') this.guesses.hit(ipGroup(client));
        if (state !== 'valid' || !row) throw new Rollback(STATE_ERRORS[state as Exclude<TokenState, 'valid'>]());
        // The workflow before its token: a delivery to the workflow (a timer's) revokes its tokens
        // under the workflow's lock, so taking the token first and then waiting for the workflow deadlocked.
        await selectOne(em, Workflow, { id: row.workflowId }, { lock: this.db.rowLocks });
        if (!(await this.tokens.consume(em, row))) {
          // Someone else used it (or it expired) between the lookup and now.
          const again = await this.tokens.inspect(token, em);
          throw new Rollback(STATE_ERRORS[(again.state === 'valid' ? 'used' : again.state) as Exclude<TokenState, 'valid'>]());
        }
        const result = await this.runtime.deliverIn(em, row.workflowId, { ...payload, id: `link:${row.id}`, type: row.event }, by);
        if (isDomainError(result)) {
          throw new Rollback(new DomainError(ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED, 'This link can no longer be used: the request it belongs to has already ended or changed. Nothing was changed.'));
        }
        return this.view(row);
      });
    } catch (error) {
      if (error instanceof Rollback) return error.result;
      if (error instanceof EffectRefusedError) {
        return new DomainError(ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED, `This link cannot be used: ${error.refusal.message} Nothing was changed.`);
      }
      throw error;
    }
  }

  /** The inputs of the link's form as data (none for a single-button link); read only. */
  async choices(view: LinkView): Promise<LinkChoice[]> {
    const form = this.formOf(view.purpose);
    return form?.choices ? form.choices({ locale: view.locale, context: await this.workflowContext(view) }) : [];
  }

  /**
   * The apps' twin of a link page's POST: a purpose with a form parses `fields` as its page would
   * (an incomplete submission is a typed error and changes nothing, the link still works); one
   * without a form ignores them and confirms.
   */
  async submit(token: string, client: string, by: Caller, fields: Record<string, string | string[]>): Promise<LinkView | DomainError> {
    const preview = await this.preview(token, client);
    if (isDomainError(preview)) return preview;
    const form = this.formOf(preview.purpose);
    if (!form) return this.confirm(token, client, by);
    const payload = form.parse(fields, { locale: preview.locale, context: await this.workflowContext(preview) });
    if (!payload) return new DomainError(ErrorCode.ACTION_LINK_INCOMPLETE, form.incomplete(preview.locale));
    // A form's own refusal (e.g. a call request without a contact) is answered like an incomplete one: nothing happens.
    if (isLinkFormRefusal(payload)) return new DomainError(ErrorCode.ACTION_LINK_INCOMPLETE, payload.refused);
    const problem = form.check ? await form.check(fields, { locale: preview.locale, context: await this.workflowContext(preview) }) : undefined;
    if (problem) {
      await this.recordWrongAttempt(token);
      return new DomainError(ErrorCode.ACTION_LINK_INCOMPLETE, problem);
    }
    const result = await this.confirm(token, client, by, payload);
    if (!isDomainError(result) && form.done) result.done = form.done(payload, result.locale);
    return result;
  }

  /**
   * Uses a link of one purpose (once) for something other than its workflow event, e.g. a parent's
   * app sign-in with the dashboard link: consumed and `act` run in one transaction; the workflow is
   * not touched. A token of another purpose counts as unknown.
   */
  async redeem<T>(token: string, client: string, purpose: string, act: (em: EntityManager, row: ActionToken) => Promise<T | DomainError>): Promise<T | DomainError> {
    try {
      return await this.db.transaction(async (em) => {
        const inspected = await this.tokens.inspect(token, em);
        const state = inspected.row && inspected.row.purpose !== purpose ? 'unknown' : inspected.state;
        if (state === 'unknown') this.guesses.hit(ipGroup(client));
        const row = inspected.row;
        if (state !== 'valid' || !row) throw new Rollback(STATE_ERRORS[state as Exclude<TokenState, 'valid'>]());
        if (!(await this.tokens.consume(em, row))) {
          const again = await this.tokens.inspect(token, em);
          throw new Rollback(STATE_ERRORS[(again.state === 'valid' ? 'used' : again.state) as Exclude<TokenState, 'valid'>]());
        }
        const result = await act(em, row);
        if (isDomainError(result)) throw new Rollback(result);
        return result;
      });
    } catch (error) {
      if (error instanceof Rollback) return error.result;
      throw error;
    }
  }

  /** A page submission failed its CSRF check: counts against the token. */
  async recordWrongAttempt(token: string): Promise<void> {
    const { row } = await this.tokens.inspect(token);
    if (row) await this.tokens.recordWrongAttempt(row);
  }

  private view(row: ActionToken): LinkView | DomainError {
    const texts = this.runtime.registry.linkTexts(row.purpose);
    if (!texts) throw new Error(`No page texts registered for link purpose ${row.purpose}`);
    const locale = toLocale(row.locale);
    return { purpose: row.purpose, locale, texts: texts[locale], expiresAt: row.expiresAt, token: row };
  }
}
