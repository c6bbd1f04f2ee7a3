import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { declarePersonalData, notPersonal } from './personal-data';
import { Workflow } from './workflow.entity';
import { StringColumn, TextColumn, TimeColumn } from './columns';

export type TimerStatus = 'pending' | 'fired' | 'skipped' | 'cancelled' | 'failed';

/**
 * A deadline of a workflow, as data: at `fireAt` a worker delivers `event` to the workflow through
 * the runtime (in the same transaction that marks the timer fired). `name` lets the machine cancel it.
 */
@Entity('timer')
@Index(['status', 'fireAt'])
@Index(['workflowId', 'name'])
export class Timer {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @StringColumn(36)
  workflowId!: string;

  @StringColumn(64)
  name!: string;

  /** The event to deliver, as JSON ({ "type": "…" }). */
  @TextColumn()
  event!: string;

  @TimeColumn()
  fireAt!: Date;

  /** pending → fired (delivered) | skipped (the state no longer accepted it) | cancelled | failed (gave up after errors) */
  @StringColumn(16)
  status!: TimerStatus;

  /** Failed delivery attempts (an effect threw); each pushes fireAt back. */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @TextColumn({ nullable: true })
  lastError!: string | null;

  @TimeColumn()
  createdAt!: Date;

  @TimeColumn({ nullable: true })
  firedAt!: Date | null;
}

export const timerPersonalData = declarePersonalData(Timer, {
  description: 'Deadlines of workflows (event type and time); nothing about a person.',
  columns: {
    id: notPersonal,
    workflowId: notPersonal,
    name: notPersonal,
    event: notPersonal,
    fireAt: notPersonal,
    status: notPersonal,
    attempts: notPersonal,
    lastError: notPersonal,
    createdAt: notPersonal,
    firedAt: notPersonal,
  },
  subjectRows: {
    find: (em, subjectId) =>
      em.getRepository(Timer).createQueryBuilder('t').innerJoin(Workflow, 'w', 'w.id = t.workflowId').where('w.subjectId = :subjectId', { subjectId }).getMany(),
  },
  erasure: { strategy: 'delete' },
});
