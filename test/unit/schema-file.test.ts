import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { GENERATED, possibleTypesOf, renderPossibleTypes, renderSchema } from '../../scripts/print-schema';

const ROOT = join(__dirname, '..', '..');
const checkedIn = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('schema.graphql', () => {
  it('is current: run `npm run schema` after changing the API', async () => {
    expect(checkedIn('schema.graphql')).toBe(await renderSchema());
  });
});

describe('possible-types.json (Apollo Client possibleTypes)', () => {
  it('is current: run `npm run schema` after changing the API', async () => {
    expect(checkedIn('possible-types.json')).toBe(await renderPossibleTypes());
  });

  it('is written by `npm run schema` with the schema', () => {
    expect(GENERATED.map((g) => g.file)).toEqual(expect.arrayContaining(['schema.graphql', 'possible-types.json']));
  });

  it('names every member of every union and every implementation of every interface, and nothing else', () => {
    const map = JSON.parse(checkedIn('possible-types.json')) as Record<string, string[]>;
    expect(map.ErrorResult).toEqual(expect.arrayContaining(['InvalidCredentialsError', 'RateLimitedError', 'NotFoundError']));
    expect(map.SignInResult).toEqual(['AuthPayload', 'InvalidCredentialsError', 'InvalidSecondFactorError', 'RateLimitedError', 'SecondFactorRequiredError']);
    expect(Object.keys(map).some((k) => k.startsWith('__'))).toBe(false);
    // The map is exactly what the checked-in SDL says (the two files cannot disagree).
    expect(map).toEqual(possibleTypesOf(buildSchema(checkedIn('schema.graphql'))));
  });
});
