import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';
import { In, type EntityManager } from 'typeorm';
import { declarePersonalData, notPersonal, personal, subjectLink } from './personal-data';

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

/** The ids of a subject's workflows: how their events, timers and links are found. */
export async function workflowIdsOf(em: EntityManager, subjectId: string): Promise<string[]> {
  return (await em.find(Workflow, { where: { subjectId }, select: { id: true } })).map((w) => w.id);
}

export const workflowPersonalData = declarePersonalData(Workflow, {
  description: 'Multi-step flows about the subject (confirmations, consents, requests) and where each stands.',
  columns: {
    id: notPersonal,
    machineId: personal('communication'),
    machineVersion: notPersonal,
    stateValue: personal('communication'),
    status: personal('communication'),
    snapshot: personal('communication'),
    version: notPersonal,
    subjectId: subjectLink,
    createdAt: personal('communication'),
    updatedAt: personal('communication'),
  },
  subjectRows: { column: 'subjectId' },
  erasure: { strategy: 'delete' },
});

export const workflowEventPersonalData = declarePersonalData(WorkflowEvent, {
  description: 'Which events each of the subject’s flows has processed (ids and types only).',
  columns: { workflowId: notPersonal, eventId: notPersonal, type: personal('communication'), processedAt: personal('communication') },
  subjectRows: { find: async (em, subjectId) => em.findBy(WorkflowEvent, { workflowId: In(await workflowIdsOf(em, subjectId)) }) },
  erasure: { strategy: 'delete' },
});
