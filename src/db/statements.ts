import { FindOperator, type DataSource, type EntityManager, type EntityMetadata, type EntityTarget, type ObjectLiteral, type QueryRunner } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * Plain statements for the hot paths, without TypeORM's per-call query building (measured at ~29 %
 * of a workflow step's CPU: `getQueryAndParameters`, `escapeQueryWithParameters`, ...).
 *
 * Each statement's SQL is built once per DataSource from the entity's metadata (so no column name is
 * copied by hand) and cached under its shape (table, columns, lock); it then runs through the
 * caller's EntityManager (its QueryRunner, so inside the caller's transaction), where better-sqlite3
 * also keeps it prepared. Values go in and come out through the driver's own
 * `preparePersistentValue` / `prepareHydratedValue`, which apply column transformers and write and
 * read dates exactly as TypeORM's repositories do on each dialect (SQLite's
 * `YYYY-MM-DD HH:mm:ss.SSS` text, MySQL's datetime(3)).
 *
 * Conditions are joined by AND: a plain value is `=`; TypeORM's `In`, `MoreThan`, `MoreThanOrEqual`,
 * `LessThan`, `LessThanOrEqual` and `IsNull` operators work as in `find` (an `In` list's length is
 * part of the statement's shape). A null or undefined condition value throws (as TypeORM's
 * `invalidWhereValuesBehavior` does) instead of silently matching nothing with `= NULL`.
 */

type Row = Record<string, unknown>;
type Values<T> = Partial<Record<keyof T & string, unknown>>;

export interface SelectOptions<T> {
  /** `FOR UPDATE` where the database has row locks (MySQL); SQLite transactions are already serial. */
  lock?: boolean;
  /** With `lock`: `FOR UPDATE SKIP LOCKED`, rows another transaction holds are left out instead of waited for. */
  skipLocked?: boolean;
  orderBy?: Partial<Record<keyof T & string, 'ASC' | 'DESC'>>;
  limit?: number;
}

interface Statement {
  sql: string;
  /** The columns of the bound parameters, in order (for preparePersistentValue). */
  params: ColumnMetadata[];
  /** How many of the parameters (the last ones) are conditions, which may not be null. */
  conditions: number;
  /** The selected columns (for hydration). */
  columns: ColumnMetadata[];
}

const COMPARISONS: Record<string, string> = { moreThan: '>', moreThanOrEqual: '>=', lessThan: '<', lessThanOrEqual: '<=' };

/** One condition's shape (part of the cache key) and its bound values. */
function conditionOf(property: string, value: unknown): { shape: string; values: unknown[] } {
  if (!(value instanceof FindOperator)) return { shape: property, values: [value] };
  if (value.type === 'isNull') return { shape: `${property} isNull`, values: [] };
  if (value.type === 'in') {
    const list = value.value as unknown as unknown[];
    if (!list.length) throw new Error(`In() on ${property} needs at least one value`);
    return { shape: `${property} in${list.length}`, values: list };
  }
  if (COMPARISONS[value.type]) return { shape: `${property} ${value.type}`, values: [value.value] };
  throw new Error(`The ${value.type} operator on ${property} is not supported here: use the query builder`);
}

/** The conditions of a where object: shapes for the cache key, values in parameter order. */
function conditionsOf(where: object): { shapes: string[]; values: unknown[] } {
  const shapes: string[] = [];
  const values: unknown[] = [];
  for (const [property, value] of Object.entries(where)) {
    const condition = conditionOf(property, value);
    shapes.push(condition.shape);
    values.push(...condition.values);
  }
  return { shapes, values };
}

/** One entity's metadata and its statements, built once per DataSource. */
class EntityStatements {
  private readonly statements = new Map<string, Statement>();
  readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    readonly metadata: EntityMetadata,
  ) {
    this.table = this.escape(metadata.tableName);
  }

  get(key: string, build: () => Statement): Statement {
    let statement = this.statements.get(key);
    if (!statement) this.statements.set(key, (statement = build()));
    return statement;
  }

  column(property: string): ColumnMetadata {
    const found = this.metadata.findColumnWithPropertyName(property);
    if (!found) throw new Error(`${this.metadata.name} has no column ${property}`);
    return found;
  }

  escape(name: string): string {
    return this.dataSource.driver.escape(name);
  }

  /** The WHERE clause of condition shapes, and the column of each parameter it binds. */
  where(shapes: string[]): { sql: string; params: ColumnMetadata[] } {
    const params: ColumnMetadata[] = [];
    const parts = shapes.map((shape) => {
      const [property, op = 'equal'] = shape.split(' ');
      const column = this.column(property);
      const name = this.escape(column.databaseName);
      if (op === 'isNull') return `${name} IS NULL`;
      if (op.startsWith('in')) {
        const n = Number(op.slice(2));
        for (let i = 0; i < n; i++) params.push(column);
        return `${name} IN (${Array.from({ length: n }, () => '?').join(', ')})`;
      }
      params.push(column);
      return `${name} ${COMPARISONS[op] ?? '='} ?`;
    });
    return { sql: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', params };
  }

  /** Runs a statement through the manager's query runner (the caller's transaction, if any). */
  async run(em: EntityManager, statement: Statement, values: unknown[]): Promise<{ records: Row[]; affected: number | undefined }> {
    const driver = this.dataSource.driver;
    const firstCondition = statement.params.length - statement.conditions;
    const params = values.map((value, i) => {
      if (i >= firstCondition && (value === null || value === undefined)) {
        throw new Error(`The condition on ${this.metadata.name}.${statement.params[i].propertyName} is ${String(value)}: write a query that says IS NULL`);
      }
      return driver.preparePersistentValue(value, statement.params[i]);
    });
    const own: QueryRunner | undefined = em.queryRunner ? undefined : this.dataSource.createQueryRunner();
    try {
      const result = await (em.queryRunner ?? own)!.query(statement.sql, params, true);
      return { records: (result.records ?? []) as Row[], affected: result.affected };
    } finally {
      await own?.release();
    }
  }

  hydrate<T>(statement: Statement, raw: Row): T {
    const driver = this.dataSource.driver;
    const entity = this.metadata.create() as Row;
    for (const column of statement.columns) entity[column.propertyName] = driver.prepareHydratedValue(raw[column.databaseName], column);
    return entity as T;
  }
}

const byDataSource = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, EntityStatements>>();

function statementsOf(em: EntityManager, entity: EntityTarget<ObjectLiteral>): EntityStatements {
  let entities = byDataSource.get(em.connection);
  if (!entities) byDataSource.set(em.connection, (entities = new Map()));
  let found = entities.get(entity);
  if (!found) entities.set(entity, (found = new EntityStatements(em.connection, em.connection.getMetadata(entity))));
  return found;
}

const definedKeys = (values: object) => Object.keys(values).filter((k) => (values as Row)[k] !== undefined);

/** The rows of `entity` matching every `where` condition (all columns, hydrated as TypeORM's find does). */
export async function selectRows<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, where: Values<T>, options: SelectOptions<T> = {}): Promise<T[]> {
  const s = statementsOf(em, entity);
  const conditions = conditionsOf(where);
  const orderProps = Object.entries(options.orderBy ?? {}) as [string, 'ASC' | 'DESC'][];
  const lock = !!options.lock && em.connection.driver.options.type !== 'better-sqlite3';
  const skip = lock && !!options.skipLocked;
  const key = `select|${conditions.shapes.join(',')}|${orderProps.map(([p, d]) => `${p} ${d}`).join(',')}|${options.limit ?? ''}|${lock}|${skip}`;
  const statement = s.get(key, () => {
    const filter = s.where(conditions.shapes);
    const columns = s.metadata.columns;
    const order = orderProps.length ? ` ORDER BY ${orderProps.map(([p, d]) => `${s.escape(s.column(p).databaseName)} ${d === 'DESC' ? 'DESC' : 'ASC'}`).join(', ')}` : '';
    const limit = options.limit === undefined ? '' : ` LIMIT ${Math.floor(options.limit)}`;
    const sql = `SELECT ${columns.map((c) => s.escape(c.databaseName)).join(', ')} FROM ${s.table}${filter.sql}${order}${limit}${lock ? ' FOR UPDATE' : ''}${skip ? ' SKIP LOCKED' : ''}`;
    return { sql, params: filter.params, conditions: filter.params.length, columns };
  });
  const { records } = await s.run(em, statement, conditions.values);
  return records.map((raw) => s.hydrate<T>(statement, raw));
}

/** The first row matching `where`, or null. */
export async function selectOne<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, where: Values<T>, options: Omit<SelectOptions<T>, 'limit'> = {}): Promise<T | null> {
  return (await selectRows(em, entity, where, { ...options, limit: 1 }))[0] ?? null;
}

/** Inserts one row with the columns `values` defines (the others take their database defaults). */
export async function insertRow<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, values: Values<T>): Promise<void> {
  const s = statementsOf(em, entity);
  const props = definedKeys(values);
  const statement = s.get(`insert|${props.join(',')}`, () => {
    const columns = props.map((p) => s.column(p));
    const sql = `INSERT INTO ${s.table} (${columns.map((c) => s.escape(c.databaseName)).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    return { sql, params: columns, conditions: 0, columns: [] };
  });
  await s.run(em, statement, props.map((p) => (values as Row)[p]));
}

/** Sets the columns `set` defines on every row matching `where`; answers how many rows matched. */
export async function updateRows<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, set: Values<T>, where: Values<T>): Promise<number> {
  const s = statementsOf(em, entity);
  const setProps = definedKeys(set);
  const conditions = conditionsOf(where);
  const statement = s.get(`update|${setProps.join(',')}|${conditions.shapes.join(',')}`, () => {
    const assigned = setProps.map((p) => s.column(p));
    const filter = s.where(conditions.shapes);
    const sql = `UPDATE ${s.table} SET ${assigned.map((c) => `${s.escape(c.databaseName)} = ?`).join(', ')}${filter.sql}`;
    return { sql, params: [...assigned, ...filter.params], conditions: filter.params.length, columns: [] };
  });
  const { affected } = await s.run(em, statement, [...setProps.map((p) => (set as Row)[p]), ...conditions.values]);
  return affected ?? 0;
}
