import { registerEnumType } from 'type-graphql';

/**
 * A closed set of stored lower-case strings as a GraphQL enum: the enum's names are the values in
 * UPPER_SNAKE and its internal values are the stored strings, so resolvers keep returning (and
 * arguments keep arriving as) the stored values while clients see and send the enum names.
 */
export function closedSetEnum<T extends string>(
  name: string,
  description: string,
  values: Readonly<Record<T, string>>,
): { [K in T as Uppercase<K>]: K } {
  const enumObject = Object.fromEntries(Object.keys(values).map((v) => [v.toUpperCase(), v])) as { [K in T as Uppercase<K>]: K };
  registerEnumType(enumObject, {
    name,
    description,
    valuesConfig: Object.fromEntries(Object.entries(values).map(([v, d]) => [v.toUpperCase(), { description: d as string }])) as never,
  });
  return enumObject;
}
