/** GraphQL documents that cost a naive server far more than their size: shared by the e2e and unit tests of the limits. */

/** A ~1 KB anonymous query whose fragment F_k spreads F_{k-1} twice: 2^n fields when expanded. */
export function fragmentBomb(n: number): string {
  let doc = `query { ...F${n} } fragment F0 on Query { privacyPolicy { id } }`;
  for (let k = 1; k <= n; k++) doc += ` fragment F${k} on Query { ...F${k - 1} ...F${k - 1} }`;
  return doc;
}

const many = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i)).join(' ');

/**
 * Shapes that make graphql-js's own validation (OverlappingFieldsCanBeMerged compares fields of one
 * response name pairwise) or a naive depth/cost walk expensive, each at about the default token limit
 * (1,000) or far over it. Measured before the document guard: 30–65 ms of validation each at ~900 tokens.
 */
export const HOSTILE_DOCUMENTS: Record<string, string> = {
  'one field selected 200 times': `{ ${'privacyPolicy { id } '.repeat(200)} }`,
  'one nested field selected 100 times': `{ ${'privacyPolicy { contact { support } } '.repeat(100)} }`,
  'one field in an inline fragment 100 times': `{ ${'... on Query { privacyPolicy { id } } '.repeat(100)} }`,
  '80 fragments selecting the same field': `{ ${many(80, (i) => `...F${i}`)} } ${many(80, (i) => `fragment F${i} on Query { privacyPolicy { id } }`)}`,
  'a chain of 80 fragments': `{ ...F0 } ${many(80, (i) => `fragment F${i} on Query { privacyPolicy { id } ...F${i + 1} }`)} fragment F80 on Query { __typename }`,
  'a fragment bomb with a field at every level': `query { ...F70 } fragment F0 on Query { privacyPolicy { id } } ${many(70, (i) => `fragment F${i + 1} on Query { privacyPolicy { id } ...F${i} ...F${i} }`)}`,
  '100 aliases': `{ ${many(100, (i) => `a${i}: __typename`)} }`,
  'an unused fragment selecting one field 200 times': `{ __typename } fragment U on Query { ${'privacyPolicy { id } '.repeat(200)} }`,
  'a body-sized document of tokens': `{ ${'__typename '.repeat(9000)} }`,
  'a fragment bomb of n = 30': fragmentBomb(30),
};
