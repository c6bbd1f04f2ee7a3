import { type ClassType, Field, Int, ObjectType } from 'type-graphql';

/** Where a page ends, the same for every connection. */
@ObjectType('PageInfo', { simpleResolvers: true, description: 'Where this page ends, and whether another follows.' })
export class PageInfo {
  @Field(() => String, { nullable: true, description: 'The cursor of the last edge: pass it as `after` for the next page (null on an empty page).' })
  endCursor!: string | null;

  @Field({ description: 'True when another page follows this one.' })
  hasNextPage!: boolean;
}

/** A page as the services hand it over: the rows, each with its cursor, and whether more follow. */
export interface Page<T> {
  items: Array<{ cursor: string; node: T }>;
  hasNextPage: boolean;
  totalCount?: number;
}

export interface ConnectionShape<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  totalCount?: number;
}

/**
 * The one pagination shape (docs/api.md): `XConnection { edges { cursor node } pageInfo totalCount }`.
 * `totalCount` is in the schema only where the caller says it is cheap to count.
 */
export function connectionType<T extends object>(node: ClassType<T>, opts: { name: string; description: string; nodeDescription: string; totalCount?: boolean }) {
  @ObjectType(`${opts.name}Edge`, { simpleResolvers: true, description: `One ${opts.nodeDescription} of a ${opts.name}Connection page, with its cursor.` })
  class Edge {
    @Field({ description: 'This edge’s position: pass it as `after` to continue after it.' })
    cursor!: string;

    @Field(() => node, { description: `The ${opts.nodeDescription}.` })
    node!: T;
  }

  // Fields on a decorated base: type-graphql inherits fields only from decorated classes (an
  // undecorated base left the connection without fields). Nothing references the base, so it never
  // reaches the schema; only the named connection below does.
  @ObjectType(`${opts.name}ConnectionFields`)
  class ConnectionFields implements ConnectionShape<T> {
    @Field(() => [Edge], { description: 'The page’s entries, in order.' })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Where this page ends and whether another follows.' })
    pageInfo!: PageInfo;
  }

  if (opts.totalCount) {
    @ObjectType(`${opts.name}Connection`, { simpleResolvers: true, description: opts.description })
    class CountedConnection extends ConnectionFields {
      @Field(() => Int, { description: 'How many entries all pages hold together.' })
      totalCount!: number;
    }
    return CountedConnection;
  }

  @ObjectType(`${opts.name}Connection`, { simpleResolvers: true, description: opts.description })
  class Connection extends ConnectionFields {}
  return Connection;
}

/** A service page as a connection. */
export function toConnection<T>(page: Page<T>): ConnectionShape<T> {
  const last = page.items[page.items.length - 1];
  return {
    edges: page.items,
    pageInfo: { endCursor: last?.cursor ?? null, hasNextPage: page.hasNextPage },
    ...(page.totalCount !== undefined ? { totalCount: page.totalCount } : {}),
  };
}
