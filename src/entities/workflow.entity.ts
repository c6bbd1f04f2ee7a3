import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { declarePersonalData, notPersonal, personal, subjectLink } from './personal-data';
import { StringColumn, TextColumn, TimeColumn } from './columns';

/**
 * One durable run of a versioned XState machine. `snapshot` is the persisted machine state (value,
 * context, status); `version` counts deliveries and guards every save (optimistic: a save that does
 * not find the version it read changes nothing and fails).
 */
@Entity('workflow')
@Index(['machineId', 'status'])
export class Workflow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @StringColumn(64)
  machineId!: string;

  @Column({ type: 'int' })
  machineVersion!: number;

  /** The state value: a state name, or JSON for nested/parallel states. */
  @StringColumn(255)
  stateValue!: string;

  /** active | done */
  @StringColumn(16)
  status!: string;

  @TextColumn()
  snapshot!: string;

  @Column({ type: 'int' })
  version!: number;

  /** The person the workflow is about, if any. */
  @StringColumn(64, { nullable: true })
  @Index()
  subjectId!: string | null;

  @TimeColumn()
  createdAt!: Date;

  @TimeColumn()
  updatedAt!: Date;
}

/** Ids of the events a workflow has processed: a second delivery of the same id is a no-op. */
@Entity('workflow_event')
export class WorkflowEvent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  workflowId!: string;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  eventId!: string;

  @StringColumn(64)
  type!: string;

  @TimeColumn()
  processedAt!: Date;
}

export const workflowPersonalData = declarePersonalData(Workflow, {
  description: 'Durable workflows (e.g. an email change): machine, state, and the context the machine keeps (may hold addresses).',
  columns: {
    id: notPersonal,
    machineId: notPersonal,
    machineVersion: notPersonal,
    stateValue: notPersonal,
    status: notPersonal,
    snapshot: personal('account'),
    version: notPersonal,
    subjectId: subjectLink,
    createdAt: notPersonal,
    updatedAt: notPersonal,
  },
  subjectRows: { column: 'subjectId' },
  erasure: { strategy: 'delete' },
});

export const workflowEventPersonalData = declarePersonalData(WorkflowEvent, {
  description: 'Ids and types of the events a workflow processed (for duplicate detection); nothing about a person.',
  columns: { workflowId: notPersonal, eventId: notPersonal, type: notPersonal, processedAt: notPersonal },
  subjectRows: {
    find: (em, subjectId) =>
      em.getRepository(WorkflowEvent).createQueryBuilder('e').innerJoin(Workflow, 'w', 'w.id = e.workflowId').where('w.subjectId = :subjectId', { subjectId }).getMany(),
  },
  erasure: { strategy: 'delete' },
});
