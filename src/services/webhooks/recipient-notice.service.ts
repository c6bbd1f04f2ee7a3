import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import type { OutboxMessage } from '../../entities';
import type { OutboxService } from '../../mail/outbox.service';
import { SIGNATURE_HEADER, signWebhook, type RecipientEvent, type RecipientService } from './recipient.service';

export interface NoticeInput {
  /** The subject the notice is about (Consentry's subject id; downstream services key their data by it). */
  subjectId: string | null;
  /** What downstream must do or know, without personal values beyond the subject id. */
  data?: Record<string, unknown>;
  workflowId?: string | null;
  /** Keep the outbox rows out of the subject's erasure (notices about an erasure must outlive it). */
  detachFromSubject?: boolean;
}

/**
 * Tells every downstream recipient subscribed to an event (GDPR Art 19, CCPA 7026(f)): one signed
 * webhook per recipient, written to the outbox in the caller's transaction and delivered with the
 * outbox's retries. Answers the rows, so a flow can track delivery.
 */
export class RecipientNoticeService {
  constructor(
    private readonly recipients: RecipientService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async notify(em: EntityManager, event: RecipientEvent, input: NoticeInput): Promise<OutboxMessage[]> {
    const rows: OutboxMessage[] = [];
    for (const recipient of await this.recipients.subscribedTo(event, em)) {
      const body = JSON.stringify({
        id: randomUUID(),
        type: event,
        occurredAt: this.clock.now().toISOString(),
        subjectId: input.subjectId,
        ...(input.data ? { data: input.data } : {}),
      });
      rows.push(
        await this.outbox.enqueueWebhook(em, {
          recipientId: recipient.id,
          url: recipient.webhookUrl,
          event,
          body,
          workflowId: input.workflowId ?? null,
          subjectId: input.detachFromSubject ? null : input.subjectId,
        }),
      );
    }
    return rows;
  }
}

/**
 * The outbox channel that delivers webhooks: POST the stored body with a fresh signature
 * (`Consentry-Signature: t=…,v1=…`) and the outbox id as idempotency key; a 2xx answer is delivered,
 * anything else (or no answer within the timeout) is retried with the outbox's backoff.
 */
export function webhookSender(recipients: RecipientService, clock: Clock, timeoutMs: number) {
  return async (row: OutboxMessage): Promise<void> => {
    const { recipientId, body } = JSON.parse(row.params) as { recipientId: string; body: string };
    const recipient = await recipients.get(recipientId);
    if (!recipient || !recipient.active) throw new Error('the recipient was removed or paused');
    const response = await fetch(recipient.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Consentry-Webhooks/1',
        [SIGNATURE_HEADER]: signWebhook(recipients.secretOf(recipient), Math.floor(clock.now().getTime() / 1000), body),
        'Consentry-Delivery': row.id,
        'Consentry-Event': row.template ?? '',
      },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299) throw new Error(`the recipient answered HTTP ${response.status}`);
  };
}
