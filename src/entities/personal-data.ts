import type { EntityManager, ObjectLiteral } from 'typeorm';

/**
 * The personal-data registry: what each entity holds about people, per column, and how one
 * subject's rows are found, exported and erased. Access export, erasure, retention and the parent's
 * review all read it (PersonalDataService); a test fails when any column of any entity is undeclared.
 *
 * To declare an entity, put one object next to it (in the entity file) and call declarePersonalData:
 *
 *   export const sessionPersonalData = declarePersonalData(Session, {
 *     description: 'Signed-in sessions',
 *     columns: { id: notPersonal, subjectId: subjectLink, ip: personal('technical'), … },
 *     subjectRows: { column: 'subjectId' },
 *     erasure: { strategy: 'delete' },
 *   });
 */

/** A column that says nothing about a person (ids, flags, hashes of secrets, times of system events). */
export const notPersonal = { personal: false } as const;

/** The column that links a row to its subject (found by it; erased with the row). */
export const subjectLink = { personal: false, subjectLink: true } as const;

export interface PersonalColumn {
  personal: true;
  /** Key of the policy data category (src/policy: account, profile, service, technical, communication, transaction, preference, usage). */
  category: string;
  /** Held only as a one-way hash or keyed pseudonym: kept in exports as "present", never as a value. */
  pseudonymous?: boolean;
}

export type ColumnDeclaration = typeof notPersonal | typeof subjectLink | PersonalColumn;

/** A personal column of a policy data category. */
export function personal(category: string, options: { pseudonymous?: boolean } = {}): PersonalColumn {
  return { personal: true, category, ...options };
}

/** How a subject's rows are found. */
export type SubjectRows<E> =
  /** rows whose column equals the subject id */
  | { column: keyof E & string }
  /** rows found by code (e.g. through another table) */
  | { find: (em: EntityManager, subjectId: string) => Promise<E[]> }
  /** rows that cannot be tied to a subject (hashed keys, system data), with the reason */
  | { none: string };

/** What erasure does with a subject's rows. */
export type Erasure =
  | { strategy: 'delete' }
  /** rows stay with their personal columns replaced; `apply` does it inside the erasure transaction */
  | { strategy: 'pseudonymize'; apply: (em: EntityManager, subjectId: string) => Promise<void>; reason: string }
  /** rows stay as they are for a named legal basis and period (policy retention exception key) */
  | { strategy: 'keep'; legalBasis: string; retention: string }
  /** nothing personal to erase */
  | { strategy: 'none' };

export interface PersonalDataDeclaration<E extends ObjectLiteral = ObjectLiteral> {
  entity: new () => E;
  description: string;
  columns: { [K in keyof E & string]-?: ColumnDeclaration };
  subjectRows: SubjectRows<E>;
  erasure: Erasure;
}

const registry = new Map<Function, PersonalDataDeclaration>();

export function declarePersonalData<E extends ObjectLiteral>(entity: new () => E, declaration: Omit<PersonalDataDeclaration<E>, 'entity'>): PersonalDataDeclaration<E> {
  const full = { entity, ...declaration } as PersonalDataDeclaration<E>;
  registry.set(entity, full as unknown as PersonalDataDeclaration);
  return full;
}

export function personalDataDeclaration(entity: Function): PersonalDataDeclaration | undefined {
  return registry.get(entity);
}

export function personalDataDeclarations(): PersonalDataDeclaration[] {
  return [...registry.values()];
}
