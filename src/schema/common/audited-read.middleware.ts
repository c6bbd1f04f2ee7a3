import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../context';

/** The reads of one request's query operation, by field, arguments and parent: a pending or settled answer. */
interface RequestReads {
  answers: Map<string, Promise<unknown>>;
  /** Parents without an id, numbered by identity. */
  parents: WeakMap<object, number>;
  numbered: number;
}

/** Per request: Apollo hands every resolver of one operation the same context object. */
const readsOf = new WeakMap<RequestContext, RequestReads>();

function parentKey(reads: RequestReads, root: unknown): string {
  if (root === null || typeof root !== 'object') return '';
  const id = (root as { id?: unknown }).id;
  if (typeof id === 'string') return `id:${id}`;
  let n = reads.parents.get(root);
  if (n === undefined) reads.parents.set(root, (n = ++reads.numbered));
  return `#${n}`;
}

/** Coerced arguments as a key: keys sorted, dates (DateTimeISO) by their instant. */
function argsKey(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(argsKey).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${argsKey((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * An audited read runs once per request. Aliases of the same field with the same arguments on the
 * same parent (`a: me { id } b: me { id }`, a thousand times) share the first one's answer, and so
 * its one audit entry and its one database read; concurrent aliases wait for the first. Different
 * arguments, parents or fields are different reads and keep their own entry (another subject,
 * another category set, another page). A failed read is forgotten, so nothing is kept but answers.
 *
 * Only in query operations: in a mutation, a read after a change must see the change.
 * Put it on every field whose service call records a read, and on the fields that lead to one
 * without an id of their own (Query.guardian), so that their aliases share one parent.
 */
export const AuditedRead: MiddlewareFn<RequestContext> = ({ root, args, context, info }, next) => {
  if (info.operation.operation !== 'query') return next();
  let reads = readsOf.get(context);
  if (!reads) readsOf.set(context, (reads = { answers: new Map(), parents: new WeakMap(), numbered: 0 }));
  const key = `${info.parentType.name}.${info.fieldName}\u0000${parentKey(reads, root)}\u0000${argsKey(args)}`;
  const known = reads.answers.get(key);
  if (known) return known;
  const answer = next();
  const { answers } = reads;
  answers.set(key, answer);
  answer.catch(() => answers.delete(key));
  return answer;
};
