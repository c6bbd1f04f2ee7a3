import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isISO31661Alpha2 } from 'class-validator';

/**
 * Subdivisions whose full list matters to the rules Consentry applies (US states with privacy and
 * teen laws, Canadian provinces): checked against the list. Other countries' subdivisions are checked
 * for form (a valid country, a hyphen, 1–3 letters or digits), as ISO 3166-2 defines it.
 */
const KNOWN_SUBDIVISIONS: Record<string, ReadonlySet<string>> = {
  US: new Set(
    'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR UM VI'.split(' '),
  ),
  CA: new Set('AB BC MB NB NL NS NT NU ON PE QC SK YT'.split(' ')),
};

function countryProblem(value: string): string | null {
  return /^[A-Z]{2}$/.test(value) && isISO31661Alpha2(value) ? null : `"${value}" is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. DE, US, FR).`;
}

function subdivisionProblem(value: string): string | null {
  const match = /^([A-Z]{2})-([A-Z0-9]{1,3})$/.exec(value);
  if (!match || !isISO31661Alpha2(match[1])) return `"${value}" is not an ISO 3166-2 subdivision code (country, hyphen, subdivision, e.g. US-CA, DE-BY).`;
  const known = KNOWN_SUBDIVISIONS[match[1]];
  if (known && !known.has(match[2])) return `"${value}" is not a subdivision of ${match[1]} in ISO 3166-2.`;
  return null;
}

function isoScalar(name: string, description: string, problem: (value: string) => string | null): GraphQLScalarType<string, string> {
  const parse = (value: unknown): string => {
    if (typeof value !== 'string') throw new GraphQLError(`${name} must be a string.`, { extensions: { code: 'BAD_USER_INPUT' } });
    const why = problem(value);
    if (why) throw new GraphQLError(why, { extensions: { code: 'BAD_USER_INPUT' } });
    return value;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) => String(value),
    parseValue: parse,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new GraphQLError(`${name} must be a string.`, { extensions: { code: 'BAD_USER_INPUT' } });
      return parse(ast.value);
    },
  });
}

export const CountryCodeScalar = isoScalar(
  'CountryCode',
  'A country as its ISO 3166-1 alpha-2 code, in capitals: `DE`, `US`, `FR`. Anything else is refused as invalid input, everywhere a country is asked for.',
  countryProblem,
);

export const SubdivisionCodeScalar = isoScalar(
  'SubdivisionCode',
  'A country subdivision (state, province, region) as its full ISO 3166-2 code: `US-CA`, `CA-QC`, `DE-BY`. Anything else is refused as invalid input.',
  subdivisionProblem,
);

/** Used where a code arrives outside GraphQL (headers, policy files): the same rules as the scalars. */
export const isoCodeProblems = { country: countryProblem, subdivision: subdivisionProblem };
