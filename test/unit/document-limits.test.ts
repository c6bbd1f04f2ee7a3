import 'reflect-metadata';
import { Kind, parse, specifiedRules, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { DocumentGuard, inspectDocument, MAX_EXPANDED_SELECTIONS, MAX_SAME_FIELD } from '../../src/http/document-guard';
import { operationCost } from '../../src/http/query-cost';
import { buildGraphQLSchema } from '../../src/schema/build-schema';
import { fragmentBomb, HOSTILE_DOCUMENTS } from '../helpers/hostile-documents';

const LIMITS = { maxTokens: 1000, maxDepth: 12, maxAliases: 30 };
const inspect = (query: string, limits: Partial<typeof LIMITS> = {}) => inspectDocument(parse(query), { ...LIMITS, ...limits });

describe('the document guard', () => {
  it('measures depth like before: top-level fields at 0, introspection not counted', () => {
    expect(inspect('{ privacyPolicy { contact { support } } }', { maxDepth: 2 })).toBeUndefined();
    expect(inspect('{ privacyPolicy { dataCategories { retention { period { text } } } } }', { maxDepth: 3 })).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      message: 'The anonymous operation exceeds maximum operation depth of 3.',
    });
    expect(inspect('query Deep { ...A } fragment A on Query { privacyPolicy { ...B } } fragment B on PrivacyPolicy { contact { support } }', { maxDepth: 1 })?.message).toBe(
      'Operation "Deep" exceeds maximum operation depth of 1.',
    );
    expect(inspect('{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }', { maxDepth: 2 })).toBeUndefined();
  });

  it('counts aliases with fragments expanded, each fragment once per selection set', () => {
    const aliased = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ');
    expect(inspect(`{ ${aliased(30)} }`)).toBeUndefined();
    expect(inspect(`{ ${aliased(31)} }`)).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', message: 'The anonymous operation uses more than 30 aliases (fragments expanded).' });
    expect(inspect(`{ a: privacyPolicy { ...F } b: privacyPolicy { ...F } } fragment F on PrivacyPolicy { ${aliased(15)} }`)).toMatchObject({ message: expect.stringMatching(/more than 30 aliases/) });
    expect(inspect(`{ ...F ...F ...F } fragment F on Query { ${aliased(20)} }`)).toBeUndefined();
  });

  it('refuses a response name selected more than MAX_SAME_FIELD times in one merged selection set', () => {
    expect(inspect(`{ ${'privacyPolicy { id } '.repeat(MAX_SAME_FIELD)} }`)).toBeUndefined();
    expect(inspect(`{ ${'privacyPolicy { id } '.repeat(MAX_SAME_FIELD + 1)} }`)?.message).toBe(
      `The anonymous operation selects "privacyPolicy" more than ${MAX_SAME_FIELD} times in one selection set (fragments included). Select it once.`,
    );
    // Merged one level down: 5 × 5 copies of contact under one response path.
    expect(inspect(`{ ${`privacyPolicy { ${'contact { support } '.repeat(5)} } `.repeat(5)} }`)?.message).toMatch(/selects "contact" more than/);
  });

  it('walks unused fragments too, and leaves unknown and cyclic fragments to validation', () => {
    expect(inspect(`{ __typename } fragment U on Query { ${'privacyPolicy { id } '.repeat(30)} }`)?.message).toMatch(/^Fragment "U" selects "privacyPolicy"/);
    expect(inspect('{ ...Nope }')).toBeUndefined();
    expect(inspect('query { ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }')).toBeUndefined();
    expect(inspect('query { ...A } fragment A on Query { privacyPolicy { id } ...A }')).toBeUndefined();
  });

  it('stops walking at MAX_EXPANDED_SELECTIONS: distinct paths doubling at each level', () => {
    // The guard needs no schema: x and y double the paths at every one of 20 levels (2^20 selections).
    let query = '{ ...F20 } fragment F0 on T { leaf }';
    for (let k = 1; k <= 20; k++) query += ` fragment F${k} on T { x { ...F${k - 1} } y { ...F${k - 1} } }`;
    const started = process.hrtime.bigint();
    expect(inspect(query, { maxDepth: 30 })).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      message: `Query is too complex: with its fragments expanded, the anonymous operation makes more than ${MAX_EXPANDED_SELECTIONS} selections. Ask for fewer fields.`,
    });
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });

  it('passes a syntax error or too many tokens to Apollo, which reports it in its words', () => {
    const guard = new DocumentGuard(LIMITS);
    expect(guard.check('{ privacyPolicy { id }')).toBeUndefined();
    expect(guard.check(`{ ${'__typename '.repeat(2000)} }`)).toBeUndefined();
  });

  it('remembers its verdict per query string', () => {
    const guard = new DocumentGuard(LIMITS);
    const query = `{ ${'privacyPolicy { id } '.repeat(30)} }`;
    const first = guard.check(query);
    expect(first?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(guard.check(query)).toBe(first);
    expect(guard.check('{ __typename }')).toBeUndefined();
  });
});

describe('the work a hostile document costs the server', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildGraphQLSchema();
  });

  /**
   * What the server does synchronously with a document before any resolver runs: the guard, then
   * (if it passes) Apollo's parse with the token limit, graphql-js's validation and the cost.
   * Returns what refused it, or 'answered'.
   */
  function serverWork(query: string): string {
    const refusal = new DocumentGuard(LIMITS).check(query);
    if (refusal) return refusal.code;
    let document;
    try {
      document = parse(query, { maxTokens: LIMITS.maxTokens });
    } catch {
      return 'GRAPHQL_PARSE_FAILED';
    }
    if (validate(schema, document, specifiedRules).length) return 'GRAPHQL_VALIDATION_FAILED';
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    return operationCost(schema, document, operation, {}) > 5000 ? 'QUERY_TOO_COMPLEX' : 'answered';
  }

  /** Milliseconds of the main thread, best of five (a garbage collection or a busy machine only ever adds). */
  function bestOf5(work: () => unknown): number {
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const started = process.hrtime.bigint();
      work();
      best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
    }
    return best;
  }

  it.each(Object.entries(HOSTILE_DOCUMENTS))('refuses %s in well under 50 ms', (_name, query) => {
    expect(serverWork(query)).not.toBe('answered');
    expect(bestOf5(() => serverWork(query))).toBeLessThan(50);
  });

  it('spends about the same on a fragment bomb of n = 24 and of n = 300 (a body-sized one)', () => {
    const small = bestOf5(() => serverWork(fragmentBomb(24)));
    const large = bestOf5(() => serverWork(fragmentBomb(300)));
    expect(serverWork(fragmentBomb(300))).toBe('GRAPHQL_PARSE_FAILED');
    expect(small).toBeLessThan(50);
    expect(large).toBeLessThan(50);
  });
});

describe('the cost of an operation', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildGraphQLSchema();
  });
  const cost = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    return operationCost(schema, document, operation, variables);
  };

  it('is one per field, plus what is under a field', () => {
    expect(cost('{ privacyPolicy { id version } }')).toBe(3);
    expect(cost('{ a: privacyPolicy { id } b: privacyPolicy { ...P } } fragment P on PrivacyPolicy { id version }')).toBe(5);
  });

  it('multiplies what is under a list by its page size: a literal, a variable, a variable’s default or the argument’s default', () => {
    const trail = (first: string) => `{ me { auditTrail${first} { edges { node { seq action } } pageInfo { hasNextPage } } } }`;
    // me 1 + auditTrail (1 + first × (edges 1 + node 1 + 2 + pageInfo 1 + 1))
    expect(cost(trail('(first: 100)'))).toBe(1 + 1 + 100 * 6);
    expect(cost(trail(''))).toBe(1 + 1 + 20 * 6);
    expect(cost(`query($n: Int) ${trail('(first: $n)')}`, { n: 7 })).toBe(1 + 1 + 7 * 6);
    expect(cost(`query($n: Int = 9) ${trail('(first: $n)')}`)).toBe(1 + 1 + 9 * 6);
    expect(cost(`query($n: Int) ${trail('(first: $n)')}`)).toBe(1 + 1 + 20 * 6);
    expect(cost('{ outbox { edges { node { id } } } }')).toBe(1 + 50 * 3);
    expect(cost('{ privacyRequests(first: 200) { nodes { id } } }')).toBe(1 + 200 * 2);
  });

  it('leaves out what @skip and @include leave out', () => {
    expect(cost('query($s: Boolean!) { privacyPolicy { id version @skip(if: $s) } }', { s: true })).toBe(2);
    expect(cost('query($s: Boolean!) { privacyPolicy { id version @skip(if: $s) } }', { s: false })).toBe(3);
    expect(cost('{ privacyPolicy @include(if: false) { id } __typename }')).toBe(1);
  });

  it('costs a fragment bomb exactly, without walking it', () => {
    const started = process.hrtime.bigint();
    expect(cost(fragmentBomb(40))).toBe(2 ** 40 * 2);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });
});
