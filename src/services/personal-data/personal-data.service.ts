import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import { AuditEvent, ENTITIES, Subject } from '../../entities';
import { personalDataDeclaration, type PersonalDataDeclaration } from '../../entities/personal-data';
import type { AuditService } from '../audit/audit.service';
import type { PolicyService } from '../policy.service';

/** What the registry knows about one entity's rows of a subject, in one policy data category. */
export interface HeldRows {
  entity: string;
  description: string;
  /** The personal columns of this category; pseudonymous ones (hashes, secrets) read "[held, not readable]". */
  columns: string[];
  rows: Record<string, unknown>[];
  /** What erasure does with these rows: delete, pseudonymize (reason), keep (legal basis, retention). */
  erasure: string;
}

export interface CategoryHoldings {
  category: string;
  name: string;
  held: HeldRows[];
}

export interface ErasureReport {
  deleted: Record<string, number>;
  pseudonymized: string[];
  kept: { entity: string; legalBasis: string; retention: string }[];
}

export const NOT_READABLE = '[held, not readable]';

function describeErasure(d: PersonalDataDeclaration): string {
  const e = d.erasure;
  if (e.strategy === 'keep') return `keep: ${e.legalBasis} (${e.retention})`;
  if (e.strategy === 'pseudonymize') return `pseudonymize: ${e.reason}`;
  return e.strategy;
}

/**
 * Everything held about a subject, from the personal-data registry (the declarations next to each
 * entity): listed by policy data category for access exports and the parent's review, and erased
 * by each entity's declared strategy. Entities without subject rows (`none`) are skipped.
 */
export class PersonalDataService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
    private readonly audit: AuditService,
  ) {}

  /** The declarations of every entity of the service, in ENTITIES order (undeclared ones are a test failure). */
  declarations(): PersonalDataDeclaration[] {
    return ENTITIES.map((e) => personalDataDeclaration(e)).filter((d): d is PersonalDataDeclaration => !!d);
  }

  private async rowsOf(em: EntityManager, d: PersonalDataDeclaration, subjectId: string): Promise<Record<string, unknown>[]> {
    const how = d.subjectRows;
    if ('none' in how) return [];
    if ('find' in how) return how.find(em, subjectId);
    return em.getRepository(d.entity).findBy({ [how.column]: subjectId });
  }

  /** Everything held about the subject, grouped by the policy's data categories (policy order). */
  async inventory(subjectId: string, em: EntityManager = this.dataSource.manager): Promise<CategoryHoldings[]> {
    const byCategory = new Map<string, HeldRows[]>();
    for (const d of this.declarations()) {
      const rows = await this.rowsOf(em, d, subjectId);
      if (!rows.length) continue;
      const columnsByCategory = new Map<string, string[]>();
      for (const [column, decl] of Object.entries(d.columns)) {
        if (!decl.personal) continue;
        columnsByCategory.set(decl.category, [...(columnsByCategory.get(decl.category) ?? []), column]);
      }
      for (const [category, columns] of columnsByCategory) {
        const shown = rows.map((row) =>
          Object.fromEntries(
            columns.map((c) => {
              const decl = d.columns[c];
              const value = row[c];
              return [c, decl.personal && decl.pseudonymous && value !== null && value !== undefined ? NOT_READABLE : value];
            }),
          ),
        );
        byCategory.set(category, [...(byCategory.get(category) ?? []), { entity: d.entity.name, description: d.description, columns, rows: shown, erasure: describeErasure(d) }]);
      }
    }
    const order = this.policy.view().dataCategories.map((c) => c.key);
    return [...byCategory.entries()]
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([category, held]) => {
        const known = this.policy.view().dataCategories.find((c) => c.key === category);
        return { category, name: known?.name ?? category, held };
      });
  }

  /** The policy data categories of an entity's personal columns. */
  categoriesOf(d: PersonalDataDeclaration): string[] {
    return [...new Set(Object.values(d.columns).flatMap((c) => (c.personal ? [c.category] : [])))];
  }

  /**
   * With `only` (an erasure of some categories, the account staying): deletes the rows of entities
   * declared `delete` whose personal columns all belong to those categories; rows that also hold
   * other categories, or that are kept or pseudonymized for a reason, stay (the report says so).
   * Without it: the whole subject, as below.
   */
  async eraseCategories(em: EntityManager, subjectId: string, only: string[], operation = 'erasure'): Promise<ErasureReport> {
    const report: ErasureReport = { deleted: {}, pseudonymized: [], kept: [] };
    for (const d of this.declarations()) {
      if ('none' in d.subjectRows) continue;
      const categories = this.categoriesOf(d);
      if (!categories.some((c) => only.includes(c))) continue;
      if (d.erasure.strategy === 'delete' && categories.every((c) => only.includes(c))) {
        const rows = await this.rowsOf(em, d, subjectId);
        if (rows.length) await em.getRepository(d.entity).remove(rows as never[]);
        report.deleted[d.entity.name] = rows.length;
      } else {
        report.kept.push({ entity: d.entity.name, legalBasis: d.erasure.strategy === 'keep' ? d.erasure.legalBasis : 'part_of_account', retention: describeErasure(d) });
      }
    }
    await this.audit.append(em, {
      actorRole: 'system',
      action: 'subject.erase_categories',
      subjectId,
      categories: only,
      operation,
      details: { deleted: report.deleted, kept: report.kept.map((k) => k.entity) },
    });
    return report;
  }

  /**
   * Erases a subject inside the caller's transaction, entity by entity as declared: deletes rows,
   * pseudonymizes (the subject row becomes a tombstone, audit rows lose their direct identifiers),
   * keeps what a legal basis requires. Records one audit event that names the subject only by its
   * keyed pseudonym. (The erasure workflow decides when; legal holds are checked before this.)
   */
  async erase(em: EntityManager, subjectId: string, operation = 'erasure'): Promise<ErasureReport> {
    const report: ErasureReport = { deleted: {}, pseudonymized: [], kept: [] };
    for (const d of this.declarations()) {
      const how = d.subjectRows;
      if ('none' in how) continue;
      const e = d.erasure;
      if (e.strategy === 'delete') {
        const rows = await this.rowsOf(em, d, subjectId);
        if (rows.length) await em.getRepository(d.entity).remove(rows as never[]);
        report.deleted[d.entity.name] = rows.length;
      } else if (e.strategy === 'pseudonymize') {
        // The audit trail's own method also covers the entries this transaction has yet to chain.
        if (d.entity === AuditEvent) await this.audit.pseudonymizeSubject(em, subjectId);
        else await e.apply(em, subjectId);
        report.pseudonymized.push(d.entity.name);
      } else if (e.strategy === 'keep') {
        report.kept.push({ entity: d.entity.name, legalBasis: e.legalBasis, retention: e.retention });
      }
    }
    await em.update(Subject, { id: subjectId }, { erasedAt: this.clock.now() });
    await this.audit.append(em, {
      actorRole: 'system',
      action: 'subject.erase',
      categories: [...new Set(this.declarations().flatMap((d) => Object.values(d.columns).flatMap((c) => (c.personal ? [c.category] : []))))],
      operation,
      details: { subjectRef: this.audit.ref(subjectId), deleted: report.deleted, pseudonymized: report.pseudonymized, kept: report.kept.map((k) => k.entity) },
    });
    return report;
  }
}
