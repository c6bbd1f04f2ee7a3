import { Kind, parse, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

export interface DocumentLimits {
  /** Tokens in one document, counted while parsing (the parse stops at the first token over). */
  maxTokens: number;
  /** Deepest field of an operation; top-level fields are at depth 0 (introspection fields are not counted). */
  maxDepth: number;
  /** Aliased fields in one operation, fragments expanded. */
  maxAliases: number;
}

/** Why a document is refused before Apollo sees it: a GraphQL error's message and code (always HTTP 400). */
export interface DocumentRefusal {
  code: 'GRAPHQL_VALIDATION_FAILED' | 'QUERY_TOO_COMPLEX';
  message: string;
}

/**
 * How often one response name may be selected in one merged selection set (inline fragments and
 * fragment spreads included, nested levels merged the way execution merges them). graphql-js's
 * OverlappingFieldsCanBeMerged rule compares such fields pairwise, so a few hundred copies of one
 * field cost it more than any limit here allows; real documents repeat a field a handful of times.
 */
export const MAX_SAME_FIELD = 20;

/**
 * Selections the check itself visits, fragments expanded, at most (as many fields as the default
 * GRAPHQL_MAX_COST allows). A document expanding further is refused as too complex: no real
 * document selects that many fields, and its cost (every field counts at least 1) would be as high.
 * It bounds the walk: 5,000 visits take a few milliseconds (tens while the code is still cold).
 */
export const MAX_EXPANDED_SELECTIONS = 5_000;

/** Verdicts kept (documents up to VERDICT_MAX_CHARS long): bounded against junk, a miss only parses again. */
const VERDICTS_MAX = 500;
const VERDICT_MAX_CHARS = 20_000;

class Refused extends Error {
  constructor(readonly refusal: DocumentRefusal) {
    super(refusal.message);
  }
}

/** The fragments being expanded on the way to a selection set: a spread of one of them is a cycle, skipped. */
interface Chain {
  name: string;
  next: Chain | undefined;
}
const inChain = (chain: Chain | undefined, name: string): boolean => {
  for (let c = chain; c; c = c.next) if (c.name === name) return true;
  return false;
};

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

interface Origin {
  set: SelectionSetNode;
  chain: Chain | undefined;
}

/**
 * The limits that depend on the document alone (tokens, depth, aliases, repeated fields, expansion),
 * checked before Apollo parses and validates it: graphql-js validates in one pass with all its rules,
 * so a rule added to Apollo's cannot stop OverlappingFieldsCanBeMerged from doing its quadratic work
 * first. Here the document is parsed with a token limit and walked once, fragments expanded with
 * every fragment expanded at most once per merged selection set (as execution does) and the walk
 * bounded by MAX_EXPANDED_SELECTIONS: linear in the document, whatever its fragments do. Unknown
 * fragments and cycles are skipped, not reported: validation reports them in its own words.
 *
 * The cost limit needs the schema and the variables and stays in Apollo (query-cost.ts).
 */
export class DocumentGuard {
  private readonly verdicts = new Map<string, DocumentRefusal | null>();

  constructor(private readonly limits: DocumentLimits) {}

  /** The refusal of a query string, or undefined to let Apollo answer it (a syntax error included: Apollo reports it). */
  check(query: string): DocumentRefusal | undefined {
    const known = this.verdicts.get(query);
    if (known !== undefined) return known ?? undefined;
    let verdict: DocumentRefusal | undefined;
    let document: DocumentNode | undefined;
    try {
      document = parse(query, { maxTokens: this.limits.maxTokens, noLocation: true });
    } catch {
      // A syntax error or too many tokens: Apollo parses with the same token limit and says which.
    }
    if (document) verdict = inspectDocument(document, this.limits);
    if (query.length <= VERDICT_MAX_CHARS) {
      if (this.verdicts.size >= VERDICTS_MAX) this.verdicts.clear();
      this.verdicts.set(query, verdict ?? null);
    }
    return verdict;
  }
}

/** The first limit a parsed document breaks, or undefined. Never throws for any document. */
export function inspectDocument(document: DocumentNode, limits: Omit<DocumentLimits, 'maxTokens'>): DocumentRefusal | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) fragments.set(definition.name.value, definition);
  }
  const used = new Set<string>();
  let visited = 0;
  let aliases = 0;
  let what = '';

  /**
   * Walks one merged selection set: the selection sets of every field that answers under one
   * response path (at `depth`; null inside introspection, whose depth is not limited).
   */
  const walk = (origins: Origin[], depth: number | null): void => {
    if (depth !== null && depth > limits.maxDepth) {
      throw new Refused({ code: 'GRAPHQL_VALIDATION_FAILED', message: `${capital(what)} exceeds maximum operation depth of ${limits.maxDepth}.` });
    }
    const groups = new Map<string, { fields: FieldNode[]; chains: (Chain | undefined)[] }>();
    let expanded: Set<string> | undefined;
    const stack = origins;
    while (stack.length) {
      const { set, chain } = stack.pop()!;
      for (const selection of set.selections) {
        if (++visited > MAX_EXPANDED_SELECTIONS) {
          throw new Refused({ code: 'QUERY_TOO_COMPLEX', message: `Query is too complex: with its fragments expanded, ${what} makes more than ${MAX_EXPANDED_SELECTIONS} selections. Ask for fewer fields.` });
        }
        if (selection.kind === Kind.FIELD) {
          if (selection.alias && ++aliases > limits.maxAliases) {
            throw new Refused({ code: 'GRAPHQL_VALIDATION_FAILED', message: `${capital(what)} uses more than ${limits.maxAliases} aliases (fragments expanded).` });
          }
          const key = selection.alias?.value ?? selection.name.value;
          let group = groups.get(key);
          if (!group) groups.set(key, (group = { fields: [], chains: [] }));
          group.fields.push(selection);
          group.chains.push(chain);
          if (group.fields.length > MAX_SAME_FIELD) {
            throw new Refused({ code: 'GRAPHQL_VALIDATION_FAILED', message: `${capital(what)} selects "${key}" more than ${MAX_SAME_FIELD} times in one selection set (fragments included). Select it once.` });
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          stack.push({ set: selection.selectionSet, chain });
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || expanded?.has(name) || inChain(chain, name)) continue;
          (expanded ??= new Set()).add(name);
          used.add(name);
          stack.push({ set: fragment.selectionSet, chain: { name, next: chain } });
        }
      }
    }
    for (const { fields, chains } of groups.values()) {
      const children: Origin[] = [];
      fields.forEach((field, i) => field.selectionSet && children.push({ set: field.selectionSet, chain: chains[i] }));
      if (!children.length) continue;
      const introspection = depth === null || fields.every((f) => f.name.value.startsWith('__'));
      walk(children, introspection ? null : depth + 1);
    }
  };

  try {
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      what = definition.name ? `operation "${definition.name.value}"` : 'the anonymous operation';
      aliases = 0;
      walk([{ set: definition.selectionSet, chain: undefined }], 0);
    }
    // Fragments no operation uses are refused by validation, which still walks them first: they get the same limits.
    for (const [name, fragment] of fragments) {
      if (used.has(name)) continue;
      what = `fragment "${name}"`;
      aliases = 0;
      used.add(name);
      walk([{ set: fragment.selectionSet, chain: { name, next: undefined } }], 0);
    }
  } catch (error) {
    if (error instanceof Refused) return error.refusal;
    throw error;
  }
  return undefined;
}
