import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { StringColumn, TimeColumn } from './columns';
import { In } from 'typeorm';
import { declarePersonalData, notPersonal, personal } from './personal-data';
import { workflowIdsOf } from './workflow.entity';

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
  description: 'Email links sent in the subject’s flows (only a hash of each link is kept).',
  columns: {
    id: notPersonal,
    tokenHash: notPersonal,
    purpose: personal('communication'),
    workflowId: notPersonal,
    event: notPersonal,
    locale: personal('preference'),
    expiresAt: notPersonal,
    usedAt: personal('communication'),
    wrongAttempts: personal('technical'),
    createdAt: personal('communication'),
  },
  subjectRows: { find: async (em, subjectId) => em.findBy(ActionToken, { workflowId: In(await workflowIdsOf(em, subjectId)) }) },
  erasure: { strategy: 'delete' },
});
