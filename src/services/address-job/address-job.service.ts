import type { EntityManager } from 'typeorm';
import type { Database } from '../../db/database';
import type { OutboxMessage } from '../../entities';
import type { OutboxService } from '../../mail/outbox.service';
import type { ChannelSender } from '../../mail/outbox.worker';
import type { CallContext } from '../call-context';

/** The work for one address, in the transaction that also completes its job row. */
export type AddressJobHandler = (em: EntityManager, job: { address: string; params: Record<string, unknown>; ctx: CallContext }) => Promise<void>;

/**
 * Work on behalf of an email address that a caller without a session starts (registration, opt-out
 * by email, the parent dashboard): whether the address is known must not show, neither in the
 * answer nor in how long it takes (issue 11 §10). So the request writes one outbox row of channel
 * `job`, the same for every address, and answers; the outbox worker (in any process, after commit)
 * runs the kind's handler, which looks the address up and does what it finds to do. The handler's
 * writes and the deletion of the job row commit together: the work happens once, and no address is
 * left behind. A handler that throws is retried with the outbox's backoff, and staff see it dead in
 * `outbox` once it is out of attempts.
 */
export class AddressJobService {
  private readonly handlers = new Map<string, AddressJobHandler>();

  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxService,
  ) {}

  register(kind: string, handler: AddressJobHandler): this {
    if (this.handlers.has(kind)) throw new Error(`The address job ${kind} is registered twice`);
    this.handlers.set(kind, handler);
    return this;
  }

  /** Queues the work (one row, whatever the address); the caller's request id and IP travel with it for the audit trail. */
  async enqueue(kind: string, address: string, params: Record<string, unknown>, ctx: CallContext): Promise<void> {
    if (!this.handlers.has(kind)) throw new Error(`No handler for the address job ${kind}`);
    await this.db.transaction((em) => this.outbox.enqueueJob(em, { kind, address, params: { ...params, requestId: ctx.requestId ?? null, ip: ctx.ip ?? null } }));
  }

  /** The outbox worker's `job` channel. */
  sender(): ChannelSender {
    return async (row: OutboxMessage) => {
      const handler = row.template ? this.handlers.get(row.template) : undefined;
      if (!handler) throw new Error(`No handler for the address job ${row.template}`);
      const { requestId, ip, ...params } = JSON.parse(row.params) as Record<string, unknown> & { requestId?: string | null; ip?: string | null };
      await this.db.transaction(async (em) => {
        await handler(em, { address: row.recipient, params, ctx: { requestId: requestId ?? undefined, ip: ip ?? undefined } });
        if (!(await this.outbox.completeJob(em, row))) throw new Error('the job was taken over by another process (lease ran out): rolled back');
      });
    };
  }
}
