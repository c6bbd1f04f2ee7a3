import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { insertRow, selectOne, updateRows } from '../../db/statements';
import { Timer, Workflow, WorkflowEvent } from '../../entities';
import { DomainError, ErrorCode, isDomainError } from '../../errors';
import type { OutboxService } from '../../mail/outbox.service';
import type { AuditService } from '../../services/audit/audit.service';
import type { ActionTokenService } from '../../services/action-token/action-token.service';
import { parseDuration } from '../../util/duration';
import { toLocale } from '../../util/locale';
import type { CancelTimerParams, Delay, RevokeLinksParams, SendEmailParams, StartTimerParams } from './actions';
import { EffectRefusedError, type Caller, type WorkflowRegistry } from './workflow-registry';

/** An event delivered to a workflow: its type (and payload) plus an id that makes redelivery harmless. */
export interface WorkflowEventInput {
  id: string;
  type: string;
  [key: string]: unknown;
}

export interface Delivered {
  workflow: Workflow;
  /** True when this event id was processed before: nothing happened this time. */
  duplicate: boolean;
  /** The effects the transition produced, by action type. */
  effects: string[];
}

export type DeliverResult = Delivered | DomainError;

export interface StartWorkflowInput {
  machineId: string;
  /** Default: the newest registered version. */
  version?: number;
  input?: Record<string, unknown>;
  subjectId?: string | null;
  id?: string;
}

/** Thrown when a save did not find the version it read: another delivery won; the transaction rolls back. */
export class WorkflowConflictError extends Error {
  constructor(workflowId: string) {
    super(`Workflow ${workflowId} was changed by another delivery`);
    this.name = 'WorkflowConflictError';
  }
}

export function delayMs(delay: Delay): number {
  const ms = typeof delay === 'number' ? delay : parseDuration(delay);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) throw new Error(`Bad delay ${JSON.stringify(delay)}: use milliseconds or a duration like 15m, 24h, 7d`);
  return ms;
}

/** When a timer fires: at its absolute time, or after its delay. */
function fireAtOf(p: StartTimerParams, now: Date): Date {
  if (p.at !== undefined) {
    const at = new Date(p.at);
    if (Number.isNaN(at.getTime())) throw new Error(`Bad timer time ${JSON.stringify(p.at)}: use ISO 8601`);
    return at;
  }
  if (p.delay === undefined) throw new Error(`Timer ${p.name} needs a delay or an at time`);
  return new Date(now.getTime() + delayMs(p.delay));
}

const stateValueText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

export const SYSTEM: Caller = { actorRole: 'system' };

export interface WorkflowRuntimeDeps {
  db: Database;
  clock: Clock;
  config: Config;
  audit: AuditService;
  registry: WorkflowRegistry;
  tokens: ActionTokenService;
  outbox: OutboxService;
}

/**
 * Runs durable workflows: load → pure transition → persist, one transaction per event.
 *
 * The machine computes; the runtime acts. Every action XState returns is turned into rows inside
 * the same transaction as the new snapshot (outbox mails, timers, action tokens, domain writes
 * through registered effect handlers) plus one audit event, so a crash at any point leaves either
 * all of it or none of it, and nothing leaves the process before commit.
 */
export class WorkflowRuntime {
  constructor(private readonly deps: WorkflowRuntimeDeps) {}

  get registry(): WorkflowRegistry {
    return this.deps.registry;
  }

  start(input: StartWorkflowInput, by: Caller = SYSTEM): Promise<Workflow> {
    return this.deps.db.transaction((em) => this.startIn(em, input, by));
  }

  /** Starts a workflow inside the caller's transaction (so it commits with the change that asked for it). */
  async startIn(em: EntityManager, input: StartWorkflowInput, by: Caller = SYSTEM): Promise<Workflow> {
    const def = input.version === undefined ? this.registry.latest(input.machineId) : this.registry.machine(input.machineId, input.version);
    const [snapshot, actions] = initialTransition(def.machine, input.input ?? {});
    const now = this.deps.clock.now();
    const workflow: Workflow = Object.assign(new Workflow(), {
      id: input.id ?? randomUUID(),
      machineId: def.machine.id,
      machineVersion: def.version,
      stateValue: stateValueText(snapshot.value),
      status: snapshot.status === 'done' ? 'done' : 'active',
      snapshot: this.serialize(snapshot),
      version: 1,
      subjectId: input.subjectId ?? null,
      createdAt: now,
      updatedAt: now,
    });
    await insertRow(em, Workflow, workflow);
    const effects = await this.perform(em, workflow, def.machine, actions, by, now);
    if (workflow.status === 'done') await this.cleanUp(em, workflow, now);
    await this.deps.audit.append(em, {
      actorId: by.actorId,
      actorRole: by.actorRole,
      action: 'workflow.start',
      subjectId: workflow.subjectId,
      operation: by.operation,
      requestId: by.requestId,
      ip: by.ip,
      details: { workflowId: workflow.id, machine: `${workflow.machineId}@${workflow.machineVersion}`, to: workflow.stateValue, effects },
    });
    return workflow;
  }

  deliver(workflowId: string, event: WorkflowEventInput, by: Caller = SYSTEM): Promise<DeliverResult> {
    return this.deps.db.transaction((em) => this.deliverIn(em, workflowId, event, by));
  }

  /**
   * Delivers one event inside the caller's transaction. Returns a DomainError (having written
   * nothing) when the workflow does not exist or its state does not accept the event; a duplicate
   * event id is a no-op. Throws for bugs (unknown machine version, unknown effect): the caller's
   * transaction then rolls back.
   */
  async deliverIn(em: EntityManager, workflowId: string, event: WorkflowEventInput, by: Caller = SYSTEM): Promise<DeliverResult> {
    if (!event.id || !event.type) throw new Error('A workflow event needs an id and a type');
    const row = await selectOne(em, Workflow, { id: workflowId }, { lock: this.deps.db.rowLocks });
    if (!row) return new DomainError(ErrorCode.WORKFLOW_NOT_FOUND, 'No workflow with this id exists.');
    if (await selectOne(em, WorkflowEvent, { workflowId, eventId: event.id })) return { workflow: row, duplicate: true, effects: [] };

    const def = this.registry.machine(row.machineId, row.machineVersion);
    const { id: eventId, ...machineEvent } = event;
    const notAccepted = () =>
      new DomainError(ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED, `This step is not possible now: the workflow is ${row.status === 'done' ? 'finished' : `in state ${row.stateValue}`}.`, {
        state: row.stateValue,
        eventType: event.type,
      });
    if (row.status !== 'active') return notAccepted();
    const snapshot = this.restore(def.machine, row.snapshot);
    if (!snapshot.can(machineEvent)) return notAccepted();

    const [next, actions] = transition(def.machine, snapshot, machineEvent);
    const now = this.deps.clock.now();
    const from = row.stateValue;
    const update = {
      snapshot: this.serialize(next),
      stateValue: stateValueText(next.value),
      status: next.status === 'done' ? 'done' : 'active',
      version: row.version + 1,
      updatedAt: now,
    };
    const saved = await updateRows(em, Workflow, update, { id: row.id, version: row.version });
    if (saved !== 1) throw new WorkflowConflictError(row.id);
    Object.assign(row, update);
    await insertRow(em, WorkflowEvent, { workflowId, eventId, type: event.type, processedAt: now });

    const effects = await this.perform(em, row, def.machine, actions, by, now);
    if (update.status === 'done') await this.cleanUp(em, row, now);
    await this.deps.audit.append(em, {
      actorId: by.actorId,
      actorRole: by.actorRole,
      action: 'workflow.transition',
      subjectId: row.subjectId,
      operation: by.operation,
      requestId: by.requestId,
      ip: by.ip,
      details: { workflowId: row.id, machine: `${row.machineId}@${row.machineVersion}`, event: event.type, eventId, from, to: row.stateValue, effects },
    });
    return { workflow: row, duplicate: false, effects };
  }

  /** The persisted snapshot as XState's machine snapshot (value and context; status is on the row). */
  restore(machine: AnyStateMachine, snapshot: string): AnyMachineSnapshot {
    const persisted = JSON.parse(snapshot) as { value: unknown; context: Record<string, unknown> };
    return machine.resolveState({ value: persisted.value as never, context: persisted.context });
  }

  private serialize(snapshot: AnyMachineSnapshot): string {
    return JSON.stringify({ value: snapshot.value, context: snapshot.context, status: snapshot.status, output: snapshot.output });
  }

  /** Turns the actions of one transition into rows, in order. Returns their types (for the audit trail). */
  private async perform(
    em: EntityManager,
    workflow: Workflow,
    machine: AnyStateMachine,
    actions: { type: string; params?: unknown }[],
    by: Caller,
    now: Date,
  ): Promise<string[]> {
    const done: string[] = [];
    for (const action of actions) {
      const params = (action.params ?? {}) as Record<string, unknown>;
      switch (action.type) {
        case 'sendEmail':
          await this.sendEmail(em, workflow, params as unknown as SendEmailParams, now);
          break;
        case 'startTimer': {
          const p = params as unknown as StartTimerParams;
          await insertRow(em, Timer, {
            id: randomUUID(),
            workflowId: workflow.id,
            name: p.name,
            event: JSON.stringify(p.onError ? { type: p.event, onError: p.onError } : { type: p.event }),
            fireAt: fireAtOf(p, now),
            status: 'pending',
            attempts: 0,
            lastError: null,
            createdAt: now,
            firedAt: null,
          });
          break;
        }
        case 'cancelTimer': {
          const p = params as unknown as CancelTimerParams;
          await updateRows(em, Timer, { status: 'cancelled', firedAt: now }, { workflowId: workflow.id, name: p.name, status: 'pending' });
          break;
        }
        case 'revokeLinks': {
          const p = params as unknown as RevokeLinksParams;
          await this.deps.tokens.revoke(em, workflow.id, now, p.purpose);
          break;
        }
        default: {
          const handler = this.registry.effect(action.type);
          if (!handler) throw new Error(`Machine ${machine.id} names the action "${action.type}", but no effect handler is registered for it`);
          const outcome = await handler(em, params, { workflow, now, by });
          if (isDomainError(outcome)) throw new EffectRefusedError(action.type, outcome);
        }
      }
      done.push(action.type);
    }
    return done;
  }

  private async sendEmail(em: EntityManager, workflow: Workflow, p: SendEmailParams, now: Date): Promise<void> {
    if (!this.registry.template(p.template)) throw new Error(`Unknown mail template ${p.template}`);
    const locale = toLocale(p.locale);
    const params: Record<string, unknown> = { ...(p.params ?? {}) };
    for (const [name, delay] of Object.entries(p.dates ?? {})) params[name] = new Date(now.getTime() + delayMs(delay)).toISOString();
    if (p.link) {
      if (!this.registry.linkTexts(p.link.purpose)) throw new Error(`Unknown link purpose ${p.link.purpose}: register its page texts with the workflow`);
      const token = await this.deps.tokens.issue(em, {
        workflowId: workflow.id,
        purpose: p.link.purpose,
        event: p.link.event,
        locale,
        expiresAt: new Date(now.getTime() + delayMs(p.link.ttl)),
      });
      params.link = `${this.deps.config.publicUrl}/l/${token}`;
      params.linkExpiresAt = new Date(now.getTime() + delayMs(p.link.ttl)).toISOString();
    }
    await this.deps.outbox.enqueueEmail(em, { to: p.to, template: p.template, locale, params, workflowId: workflow.id, subjectId: workflow.subjectId });
  }

  /** A finished workflow waits for nothing: its pending timers are cancelled and its open links revoked. */
  private async cleanUp(em: EntityManager, workflow: Workflow, now: Date): Promise<void> {
    await updateRows(em, Timer, { status: 'cancelled', firedAt: now }, { workflowId: workflow.id, status: 'pending' });
    await this.deps.tokens.revoke(em, workflow.id, now);
  }
}

