import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { declarePersonalData, notPersonal, personal } from './personal-data';
import { Workflow } from './workflow.entity';
import { StringColumn, TimeColumn } from './columns';

/**
 * A single-use link secret. Only the SHA-256 of the token is stored; the token itself exists only
 * in the mail. Bound to one workflow and one purpose; consuming it delivers `event` to the workflow.
 */
@Entity('action_token')
export class ActionToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Hex SHA-256 of the token. */
  @StringColumn(64, { unique: true })
  tokenHash!: string;

  @StringColumn(64)
  purpose!: string;

  @StringColumn(36)
  @Index()
  workflowId!: string;

  /** The event type delivered to the workflow when the token is used. */
  @StringColumn(64)
  event!: string;

  /** Language of the recipient, for the pages the link opens. */
  @StringColumn(16)
  locale!: string;

  @TimeColumn()
  expiresAt!: Date;

  @TimeColumn({ nullable: true })
  usedAt!: Date | null;

  /** Submissions that failed the page's CSRF check; the token is locked at LINK_MAX_WRONG_ATTEMPTS. */
  @Column({ type: 'int', default: 0 })
  wrongAttempts!: number;

  @TimeColumn()
  createdAt!: Date;
}

export const actionTokenPersonalData = declarePersonalData(ActionToken, {
  description: 'Email-link tokens (SHA-256 only): purpose, expiry, when the person used the link, and their language.',
  columns: {
    id: notPersonal,
    tokenHash: notPersonal,
    purpose: notPersonal,
    workflowId: notPersonal,
    event: notPersonal,
    locale: personal('preference'),
    expiresAt: notPersonal,
    usedAt: personal('technical'),
    wrongAttempts: notPersonal,
    createdAt: notPersonal,
  },
  subjectRows: {
    find: (em, subjectId) =>
      em.getRepository(ActionToken).createQueryBuilder('a').innerJoin(Workflow, 'w', 'w.id = a.workflowId').where('w.subjectId = :subjectId', { subjectId }).getMany(),
  },
  erasure: { strategy: 'delete' },
});
