import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { Recipient } from '../../entities';
import { DomainError, ErrorCode } from '../../errors';
import type { SecretBox } from '../../util/secret-box';

/**
 * The events a recipient can subscribe to: only what Consentry sends (README "Downstream recipients").
 * `restriction` (GDPR Art 18/19) joins when restriction requests exist (the rights engine): an event
 * that is never sent is not offered.
 */
export const RECIPIENT_EVENTS = ['erasure', 'opt_out', 'rectification', 'consent_withdrawn'] as const;
export type RecipientEvent = (typeof RECIPIENT_EVENTS)[number];

/** Signature header of every webhook: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'Consentry-Signature';

export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** What a recipient runs to check a webhook (also used by our tests): constant-time, with a freshness window. */
export function verifyWebhook(secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, t, body).split('v1=')[1], 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface RegisteredRecipient {
  recipient: Recipient;
  /** Shown once, at registration: the recipient verifies our signatures with it. */
  secret: string;
}

/** The site's downstream recipients of personal data, told of erasures and opt-outs by signed webhooks. */
export class RecipientService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly secrets: SecretBox,
    private readonly allowPlainHttp: boolean,
  ) {}

  async register(input: { name: string; description: string; webhookUrl: string; events: string[] }): Promise<RegisteredRecipient | DomainError> {
    const problem = this.checkUrl(input.webhookUrl) ?? this.checkEvents(input.events);
    if (problem) return problem;
    const secret = randomBytes(32).toString('base64url');
    const id = randomUUID();
    const recipient = Object.assign(new Recipient(), {
      id,
      name: input.name,
      description: input.description,
      webhookUrl: input.webhookUrl,
      sealedSecret: this.secrets.seal(secret, id),
      events: JSON.stringify([...new Set(input.events)]),
      active: true,
      createdAt: this.clock.now(),
    });
    try {
      await this.db.transaction((em) => em.insert(Recipient, recipient));
    } catch (error) {
      if (/unique|duplicate/i.test(String((error as Error).message))) return new DomainError(ErrorCode.DUPLICATE_RECIPIENT, `A recipient named "${input.name}" exists already.`);
      throw error;
    }
    return { recipient, secret };
  }

  async setActive(id: string, active: boolean): Promise<Recipient | DomainError> {
    return this.db.transaction(async (em) => {
      const recipient = await em.getRepository(Recipient).findOneBy({ id });
      if (!recipient) return new DomainError(ErrorCode.NOT_FOUND, 'No recipient with that id.');
      await em.update(Recipient, { id }, { active });
      return Object.assign(recipient, { active });
    });
  }

  list(): Promise<Recipient[]> {
    return this.db.manager.getRepository(Recipient).find({ order: { name: 'ASC' } });
  }

  /** Active recipients subscribed to an event kind. */
  async subscribedTo(event: RecipientEvent, em: EntityManager = this.db.manager): Promise<Recipient[]> {
    const all = await em.getRepository(Recipient).findBy({ active: true });
    return all.filter((r) => (JSON.parse(r.events) as string[]).includes(event));
  }

  async get(id: string): Promise<Recipient | null> {
    return this.db.manager.getRepository(Recipient).findOneBy({ id });
  }

  secretOf(recipient: Recipient): string {
    const secret = this.secrets.open(recipient.sealedSecret, recipient.id);
    if (secret === null) throw new Error(`the signing secret of recipient ${recipient.id} does not open with this APP_SECRET`);
    return secret;
  }

  private checkUrl(url: string): DomainError | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return new DomainError(ErrorCode.INVALID_WEBHOOK_URL, 'The webhook URL is not a valid URL.');
    }
    if (parsed.protocol === 'https:' || (this.allowPlainHttp && parsed.protocol === 'http:')) return undefined;
    return new DomainError(ErrorCode.INVALID_WEBHOOK_URL, this.allowPlainHttp ? 'The webhook URL must use http or https.' : 'The webhook URL must use https.');
  }

  private checkEvents(events: string[]): DomainError | undefined {
    const unknown = events.filter((e) => !(RECIPIENT_EVENTS as readonly string[]).includes(e));
    if (!events.length || unknown.length) {
      return new DomainError(ErrorCode.INVALID_RECIPIENT_EVENTS, `Choose events among ${RECIPIENT_EVENTS.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}.`);
    }
    return undefined;
  }
}
