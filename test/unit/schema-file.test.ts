import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { GENERATED, possibleTypesOf, renderPossibleTypes, renderSchema, renderSubgraphSchema } from '../../scripts/print-schema';

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
    expect(GENERATED.map((g) => g.file)).toEqual(expect.arrayContaining(['schema.graphql', 'possible-types.json', 'subgraph.graphql']));
  });

  it('names every member of every union and every implementation of every interface, and nothing else', () => {
    const map = JSON.parse(checkedIn('possible-types.json')) as Record<string, string[]>;
    expect(map.ErrorResult).toEqual(expect.arrayContaining(['InvalidCredentialsError', 'RateLimitedError', 'NotFoundError']));
    expect(map.SignInResult).toEqual(['AuthPayload', 'InvalidCredentialsError', 'InvalidInputError', 'InvalidSecondFactorError', 'RateLimitedError', 'SecondFactorRequiredError']);
    expect(Object.keys(map).some((k) => k.startsWith('__'))).toBe(false);
    // The map is exactly what the checked-in SDL says (the two files cannot disagree).
    expect(map).toEqual(possibleTypesOf(buildSchema(checkedIn('schema.graphql'))));
  });
});

describe('subgraph.graphql (the federation subgraph at /subgraph)', () => {
  it('is current: run `npm run schema` after changing src/schema/federation', async () => {
    expect(checkedIn('subgraph.graphql')).toBe(await renderSubgraphSchema());
  });

  it('is a Federation 2 subgraph: Subject and User are entities keyed by id', () => {
    const sdl = checkedIn('subgraph.graphql');
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    expect(sdl).toMatch(/type Subject\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type User\s+@key\(fields: "id"\)/);
  });
});
