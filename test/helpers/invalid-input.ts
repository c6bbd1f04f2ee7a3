/** Selects what an InvalidInputError carries; add it to a document whose result union may answer one. */
export const INVALID_INPUT = '... on InvalidInputError { errorCode message fields { field problem message } }';

/**
 * Asserts that a mutation's format problems came back as data (issue 12): one InvalidInputError as the
 * answer of the (only) root field, no thrown error, and each named field (`input.email`) listed.
 */
export function expectInvalidInput(result: { data?: Record<string, unknown> | null; errors?: unknown }, ...fields: string[]): void {
  expect(result.errors).toBeUndefined();
  const answers = Object.values(result.data ?? {});
  expect(answers).toHaveLength(1);
  const answer = answers[0] as { __typename?: string; errorCode?: string; fields?: { field: string }[] };
  expect(answer).toMatchObject({ errorCode: 'INVALID_INPUT' });
  if (answer.__typename !== undefined) expect(answer.__typename).toBe('InvalidInputError');
  if (fields.length) expect((answer.fields ?? []).map((f) => f.field)).toEqual(expect.arrayContaining(fields));
}
