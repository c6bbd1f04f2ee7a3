/**
 * The API contract's rules (docs/api.md), checked on the schema the service serves. Each rule holds for
 * every operation, today's and every one added later: a new mutation without a result union, a
 * String where a closed set belongs, a list that can grow without a connection, or a field without a
 * description fails here, naming the place.
 */
import 'reflect-metadata';
import {
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  isSpecifiedScalarType,
} from 'graphql';
import { buildGraphQLSchema } from '../../src/schema/build-schema';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGraphQLSchema();
});

const ownTypes = (): GraphQLNamedType[] =>
  Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__') && !(isScalarType(t) && isSpecifiedScalarType(t)));

const errorTypes = (): Set<string> => {
  const errorResult = schema.getType('ErrorResult');
  if (!isInterfaceType(errorResult)) throw new Error('ErrorResult interface missing');
  return new Set(schema.getPossibleTypes(errorResult).map((t) => t.name));
};

/** Every field of every own object, interface and input type, as "Type.field". */
function allFields(): Array<{ owner: GraphQLNamedType; name: string; field: GraphQLField<unknown, unknown> | GraphQLInputField }> {
  const out = [];
  for (const type of ownTypes()) {
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const [name, field] of Object.entries(type.getFields())) out.push({ owner: type, name, field });
    }
  }
  return out;
}

describe('API contract (docs/api.md)', () => {
  it('every mutation takes one `input` object (or nothing) and answers a result union with its expected failures', () => {
    const errors = errorTypes();
    const broken: string[] = [];
    for (const [name, field] of Object.entries(schema.getMutationType()!.getFields())) {
      const args = field.args.map((a) => a.name);
      if (args.length > 1 || (args.length === 1 && (args[0] !== 'input' || !isNonNullType(field.args[0].type) || !isInputObjectType(getNullableType(field.args[0].type))))) {
        broken.push(`${name}(${args.join(', ')}): arguments must be one non-null \`input\` object`);
      }
      const result = getNullableType(field.type);
      if (!isNonNullType(field.type) || !isUnionType(result)) {
        broken.push(`${name}: must answer a non-null result union`);
        continue;
      }
      const members = result.getTypes();
      if (!members.some((m) => errors.has(m.name))) broken.push(`${name}: ${result.name} lists no error type`);
      if (!members.some((m) => !errors.has(m.name))) broken.push(`${name}: ${result.name} has no success type`);
    }
    expect(broken).toEqual([]);
  });

  it('every mutation with input can answer InvalidInputError (format problems are data, like rule problems)', () => {
    const broken = Object.entries(schema.getMutationType()!.getFields())
      .filter(([, f]) => f.args.length === 1)
      .filter(([, f]) => {
        const u = getNullableType(f.type);
        return !isUnionType(u) || !u.getTypes().some((m) => m.name === 'InvalidInputError');
      })
      .map(([n]) => n);
    expect(broken).toEqual([]);
  });

  it('every error type is a member of some union, and every ErrorCode names an error type', () => {
    const errors = errorTypes();
    const inUnions = new Set(ownTypes().filter(isUnionType).flatMap((u) => u.getTypes().map((t) => t.name)));
    expect([...errors].filter((e) => !inUnions.has(e))).toEqual([]);
    const codes = schema.getType('ErrorCode');
    if (!isEnumType(codes)) throw new Error('ErrorCode enum missing');
    const byCode = new Set([...errors].map((e) => e.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()));
    expect(codes.getValues().map((v) => v.name).filter((c) => !byCode.has(c))).toEqual([]);
    expect(codes.getValues().map((v) => v.name).filter((c) => /_ERROR$/.test(c))).toEqual([]);
  });

  it('viewer fields are nullable: null for a caller they do not apply to, never a blanked response', () => {
    const query = schema.getQueryType()!.getFields();
    for (const viewer of ['me', 'guardian']) {
      expect(query[viewer]).toBeDefined();
      expect(isNonNullType(query[viewer].type)).toBe(false);
    }
  });

  it('closed sets are enums: no String field or argument named for a state, kind, method, role or reason', () => {
    const closedSetName = /^(status|state|kind|type|decision|method|givenBy|regime|manner|actorRole|role|reason|legalBasis|events?|consentStatus|outcome|right|assurance)$/;
    const broken: string[] = [];
    const isStringish = (t: GraphQLInputType | GraphQLOutputType) => getNamedType(t).name === 'String';
    for (const { owner, name, field } of allFields()) {
      if (closedSetName.test(name) && isStringish(field.type)) broken.push(`${owner.name}.${name}`);
      if ('args' in field) for (const a of field.args) if (closedSetName.test(a.name) && isStringish(a.type)) broken.push(`${owner.name}.${name}(${a.name})`);
    }
    expect(broken).toEqual([]);
  });

  it('enum values are in one case style (UPPER_SNAKE)', () => {
    const broken = ownTypes()
      .filter(isEnumType)
      .flatMap((e) => e.getValues().filter((v) => !/^[A-Z][A-Z0-9_]*$/.test(v.name)).map((v) => `${e.name}.${v.name}`));
    expect(broken).toEqual([]);
  });

  it('one pagination shape: every connection has edges { cursor node }, pageInfo: PageInfo!, a bounded `first` and `after`', () => {
    const broken: string[] = [];
    const pageInfo = schema.getType('PageInfo');
    if (!isObjectType(pageInfo)) throw new Error('PageInfo missing');
    for (const f of ['hasNextPage', 'endCursor']) if (!pageInfo.getFields()[f]) broken.push(`PageInfo.${f} missing`);
    for (const type of ownTypes()) {
      if (/PageInfo$/.test(type.name) && type.name !== 'PageInfo') broken.push(`${type.name}: use the one PageInfo`);
      if (!isObjectType(type) || !type.name.endsWith('Connection')) continue;
      const fields = type.getFields();
      const edges = fields.edges && getNamedType(fields.edges.type);
      if (!edges || !isObjectType(edges) || !edges.getFields().cursor || !edges.getFields().node) broken.push(`${type.name}.edges { cursor node }`);
      if (!fields.pageInfo || getNamedType(fields.pageInfo.type).name !== 'PageInfo' || !isNonNullType(fields.pageInfo.type)) broken.push(`${type.name}.pageInfo: PageInfo!`);
    }
    for (const type of ownTypes()) {
      if (!isObjectType(type)) continue;
      for (const [name, field] of Object.entries(type.getFields())) {
        if (!getNamedType(field.type).name.endsWith('Connection')) continue;
        const args = Object.fromEntries(field.args.map((a) => [a.name, a]));
        if (!args.first || getNamedType(args.first.type).name !== 'Int') broken.push(`${type.name}.${name}: needs first: Int`);
        if (!args.after) broken.push(`${type.name}.${name}: needs after`);
      }
    }
    expect(broken).toEqual([]);
  });

  /**
   * Lists of objects that can grow with use are connections. The lists below are bounded by
   * something other than use (the policy's own data, a person's roles, one request's items), and
   * say so here; anything else returning [Object] fails.
   */
  const BOUNDED_LISTS: Record<string, string> = {};
  it('lists of objects that can grow are connections', () => {
    const broken: string[] = [];
    for (const type of ownTypes()) {
      if (!isObjectType(type) || type.name.endsWith('Connection') || type.name.endsWith('Edge')) continue;
      for (const [name, field] of Object.entries(type.getFields())) {
        const unwrapped = getNullableType(field.type);
        if (!isListType(unwrapped)) continue;
        const item = getNamedType(field.type);
        if (!isObjectType(item) && !isInterfaceType(item) && !isUnionType(item)) continue;
        if (type.name === 'Query' || type.name === 'Me' || type.name === 'Guardian' || type.name === 'GuardianChild') {
          const key = `${type.name}.${name}`;
          if (!(key in BOUNDED_LISTS)) broken.push(key);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('every entity-like object type has `id: ID!`', () => {
    // Entity-like: has an identity the cache can key on. Value types (results, errors, policy text,
    // connection plumbing) are recognised by shape or listed here with the reason.
    const errors = errorTypes();
    const keyedElsewhere = /(Id|Key)$/;
    const broken: string[] = [];
    for (const type of ownTypes()) {
      if (!isObjectType(type) || errors.has(type.name) || ['Query', 'Mutation'].includes(type.name)) continue;
      const fields = type.getFields();
      const keyish = Object.keys(fields).filter((f) => f !== 'id' && keyedElsewhere.test(f) && ['checkId', 'childId', 'workflowId', 'requestId', 'subjectId'].includes(f));
      if (keyish.length && (!fields.id || getNamedType(fields.id.type).name !== 'ID' || !isNonNullType(fields.id.type))) {
        broken.push(`${type.name} (keyed by ${keyish.join(', ')}) needs id: ID!`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every type, field, argument and enum value has a description, written for the app developer', () => {
    const missing: string[] = [];
    const mentionsOps: string[] = [];
    const opsWords = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b(?=[^a-z]|$)|\bnpm (run|start|test)\b/;
    const enumNames = new Set(ownTypes().filter(isEnumType).flatMap((e) => e.getValues().map((v) => v.name)));
    const check = (where: string, description: string | null | undefined) => {
      if (!description || !description.trim()) missing.push(where);
      else {
        const hit = description.match(opsWords);
        if (hit && !enumNames.has(hit[0])) mentionsOps.push(`${where}: "${hit[0]}"`);
      }
    };
    for (const type of ownTypes()) {
      check(type.name, type.description);
      if (isEnumType(type)) for (const v of type.getValues()) check(`${type.name}.${v.name}`, v.description);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const [name, field] of Object.entries(type.getFields())) {
          // An interface's field documents every implementation's: ErrorResult's fields are described once.
          const inherited = isObjectType(type) && type.getInterfaces().some((i) => i.getFields()[name]?.description);
          if (!inherited) check(`${type.name}.${name}`, field.description);
          if ('args' in field) for (const a of field.args) check(`${type.name}.${name}(${a.name})`, a.description);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(mentionsOps).toEqual([]);
  });

  it('countries and subdivisions are ISO scalars, dates are Date or DateTime', () => {
    const broken: string[] = [];
    for (const { owner, name, field } of allFields()) {
      const named = getNamedType(field.type);
      if (/^(country|countryCode)$/.test(name) && named.name !== 'CountryCode') broken.push(`${owner.name}.${name}: ${named.name}`);
      if (/^(region|subdivision)$/.test(name) && named.name !== 'SubdivisionCode') broken.push(`${owner.name}.${name}: ${named.name}`);
      if (/(Date|At)$/.test(name) && named.name === 'String') broken.push(`${owner.name}.${name}: String`);
      if ('args' in field) {
        for (const a of field.args) {
          const an = getNamedType(a.type);
          if (/^(country|region)$/.test(a.name) && an.name === 'String') broken.push(`${owner.name}.${name}(${a.name})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
