import type { Config } from '../config';
import type { OutboxMessage } from '../entities';
import type { Logger } from '../logger';
import { PollingWorker } from '../workflows/runtime/polling-worker';
import type { WorkflowRegistry } from '../workflows/runtime/workflow-registry';
import { toLocale } from '../util/locale';
import { renderMail, type SiteInfo } from './mail-template';
import type { Mailer, OutgoingMail } from './mailer';
import type { OutboxService } from './outbox.service';

/** Sends one claimed row of a channel; throws when the recipient did not accept it. */
export type ChannelSender = (row: OutboxMessage) => Promise<void>;

/** The send, or a failure once `ms` have passed (the send's outcome is then unknown, like a crash's). */
function withinTime(send: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s (half the send lease)`)), ms);
  });
  send.catch(() => undefined);
  return Promise.race([send, late]).finally(() => clearTimeout(timer));
}

/**
 * Sends what the outbox holds, after commit: claims due rows (SKIP LOCKED on MySQL), sends each
 * through its channel, and records sent, retry-later (backoff with jitter) or dead. Channels are
 * pluggable (`email` now; a signed `webhook` channel reuses the same rows and loop).
 */
export class OutboxWorker extends PollingWorker {
  private readonly channels = new Map<string, ChannelSender>();

  constructor(
    private readonly outbox: OutboxService,
    private readonly registry: WorkflowRegistry,
    private readonly mailer: Mailer,
    private readonly config: Config,
    private readonly site: SiteInfo,
    logger: Logger,
    private readonly batchSize = config.OUTBOX_BATCH_SIZE,
  ) {
    super('outbox', config.OUTBOX_POLL_INTERVAL, logger);
    this.channels.set('email', (row) => this.mailer.send(this.compose(row)));
  }

  registerChannel(channel: string, sender: ChannelSender): void {
    this.channels.set(channel, sender);
  }

  /**
   * Claims a batch, sends its rows one after another, then records the sent ones in one commit
   * (a commit per mail halved throughput on MariaDB). A process that dies in between sends at most
   * a batch again after the lease, with the same Message-IDs.
   *
   * The lease must outlast every send, or another process takes the rest of the batch over and sends
   * it again (a mail server slower than lease ÷ batch used to get each mail 7-8 times). So before a
   * mail, when less than half the lease is left, the mails sent so far are recorded and the lease of
   * the rest renewed; and one send may take at most half a lease (the mailer's own timeouts are well
   * inside the default: 10 s to connect, 10 s for the greeting, 30 s of silence).
   */
  protected async batch(): Promise<number> {
    let rows = await this.outbox.claim(this.batchSize);
    const claimed = rows.length;
    let sent: OutboxMessage[] = [];
    const sentIds: string[] = [];
    try {
      let renewed = false;
      while (rows.length) {
        if (!renewed && this.outbox.leaseRunningOut(rows[0])) {
          const done = sent;
          sent = [];
          await this.outbox.markSent(done);
          rows = await this.outbox.renewLease(rows);
          renewed = true;
          continue;
        }
        renewed = false;
        const row = rows.shift()!;
        if (await this.sendOne(row)) {
          sent.push(row);
          sentIds.push(row.id);
        }
      }
    } finally {
      await this.outbox.markSent(sent);
    }
    if (sentIds.length) this.logger.debug({ outboxIds: sentIds }, 'outbox messages sent');
    return claimed;
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.mailer.close?.();
  }

  /** Sends one row (within half a lease); on failure records the retry (or dead) and says false. */
  private async sendOne(row: OutboxMessage): Promise<boolean> {
    try {
      const send = this.channels.get(row.channel);
      if (!send) throw new Error(`No sender for outbox channel ${row.channel}`);
      await withinTime(send(row), this.config.OUTBOX_SEND_TIMEOUT / 2);
    } catch (error) {
      const status = await this.outbox.markFailed(row, error as Error);
      this.logger.warn({ outboxId: row.id, attempts: row.attempts, status, reason: (error as Error).message }, status === 'dead' ? 'outbox message is dead' : 'outbox send failed: will retry');
      return false;
    }
    return true;
  }

  /** Renders an email row in its recipient's language. */
  compose(row: OutboxMessage): OutgoingMail {
    const template = row.template ? this.registry.template(row.template) : undefined;
    if (!template) throw new Error(`Unknown mail template ${row.template}`);
    const params = JSON.parse(row.params) as Record<string, unknown>;
    const rendered = renderMail(template, toLocale(row.locale), params, this.site);
    return {
      outboxId: row.id,
      messageId: row.messageId,
      from: this.config.MAIL_FROM ?? `"${this.config.PRODUCT_NAME.replace(/"/g, '')}" <no-reply@${new URL(this.config.publicUrl).hostname}>`,
      to: row.recipient,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      headers: { 'X-Consentry-Template': row.template!, 'X-Consentry-Outbox-Id': row.id, 'Auto-Submitted': 'auto-generated' },
      links: typeof params.link === 'string' ? [params.link] : [],
    };
  }
}
