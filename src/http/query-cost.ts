import {
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * Arguments that say how many items a list field returns. Each Int argument of one of these names
 * multiplies the cost of everything selected under its field (by its value, or its default when
 * absent): `auditTrail(first: 100) { nodes { id } }` costs 1 + 100 × 2.
 */
export const PAGE_SIZE_ARGUMENTS: ReadonlySet<string> = new Set(['first', 'last', 'limit', 'take', 'pageSize']);

/** Costs stop growing here (a fragment bomb reaches any number): far above any limit, still exact for the message. */
const COST_CEILING = Number.MAX_SAFE_INTEGER;

type Variables = Readonly<Record<string, unknown>> | null | undefined;

/**
 * The estimated cost of one operation: every selected field costs 1, plus what is selected under it
 * times its page size (PAGE_SIZE_ARGUMENTS); fields left out by `@skip` / `@include` cost nothing.
 *
 * Linear in the document: each named fragment is costed once and remembered (a fragment spread twice
 * costs twice, without being walked twice), so a fragment bomb (fragment F_k spreading F_{k-1} twice)
 * is a few multiplications, not 2^k walks. A fragment met again while being costed (a cycle, which
 * validation refuses) costs 0, and unknown names cost 1: the function never throws on a bad document.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Variables): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) fragments.set(definition.name.value, definition);
  }
  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const fragmentCosts = new Map<string, number>();
  const inProgress = new Set<string>();

  /** A variable's value as the request gave it, else its default in the operation; undefined when neither. */
  const variable = (name: string): unknown => {
    if (variables && Object.prototype.hasOwnProperty.call(variables, name)) return variables[name];
    const fallback = defaults.get(name);
    return fallback ? literal(fallback) : undefined;
  };
  const literal = (value: ValueNode): unknown => {
    switch (value.kind) {
      case Kind.INT:
        return Number.parseInt(value.value, 10);
      case Kind.BOOLEAN:
        return value.value;
      case Kind.VARIABLE:
        return variable(value.name.value);
      default:
        return undefined;
    }
  };
  const included = (directives: readonly DirectiveNode[] | undefined): boolean => {
    for (const directive of directives ?? []) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') continue;
      const condition = directive.arguments?.find((a) => a.name.value === 'if');
      const value = condition ? literal(condition.value) : undefined;
      if (name === 'skip' && value === true) return false;
      if (name === 'include' && value === false) return false;
    }
    return true;
  };
  const pageSize = (node: FieldNode, field: GraphQLField<unknown, unknown> | undefined): number => {
    let size = 1;
    const consider = (value: unknown) => {
      if (typeof value === 'number' && Number.isFinite(value) && value > size) size = value;
    };
    if (field) {
      for (const arg of field.args) {
        if (!PAGE_SIZE_ARGUMENTS.has(arg.name) || getNamedType(arg.type).name !== 'Int') continue;
        const given = node.arguments?.find((a) => a.name.value === arg.name);
        const value = given ? literal(given.value) : undefined;
        consider(value === undefined || value === null ? arg.defaultValue : value);
      }
    } else {
      for (const given of node.arguments ?? []) if (PAGE_SIZE_ARGUMENTS.has(given.name.value)) consider(literal(given.value));
    }
    return size;
  };
  const fieldOf = (type: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined =>
    type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[name] : undefined;

  const selectionSetCost = (set: SelectionSetNode, type: GraphQLNamedType | undefined): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (!included(selection.directives)) continue;
      if (selection.kind === Kind.FIELD) {
        const field = fieldOf(type, selection.name.value);
        total += selection.selectionSet ? 1 + pageSize(selection, field) * selectionSetCost(selection.selectionSet, field && getNamedType(field.type)) : 1;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += selectionSetCost(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type);
      } else {
        total += fragmentCost(selection.name.value);
      }
    }
    return Math.min(total, COST_CEILING);
  };
  const fragmentCost = (name: string): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment) return 1;
    if (inProgress.has(name)) return 0;
    inProgress.add(name);
    const cost = selectionSetCost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
    inProgress.delete(name);
    fragmentCosts.set(name, cost);
    return cost;
  };

  return selectionSetCost(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined);
}
