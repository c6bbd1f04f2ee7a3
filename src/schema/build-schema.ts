import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { authChecker } from './auth-checker';
import { AuditResolver } from './audit/audit.resolver';
import { AccountResolver, MeResolver } from './identity/account.resolver';
import { MfaResolver } from './identity/mfa.resolver';
import { RolesResolver } from './identity/roles.resolver';
import { PolicyResolver } from './policy/policy.resolver';
import { OutboxResolver } from './outbox/outbox.resolver';
import { ActionLinkResolver } from './action-link/action-link.resolver';
import { EmailChangeResolver } from './email-change/email-change.resolver';

/** Every resolver of the API. A new resolver is added here (and its operations to the authorization matrix test). */
export const RESOLVERS: NonEmptyArray<Function> = [PolicyResolver, AccountResolver, MeResolver, MfaResolver, RolesResolver, AuditResolver, OutboxResolver, ActionLinkResolver, EmailChangeResolver];

let built: Promise<GraphQLSchema> | undefined;

/** The schema is the same for every app in a process: build it once. */
export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: RESOLVERS,
    validate: { forbidUnknownValues: true },
    authChecker,
    authMode: 'error',
    emitSchemaFile: false,
  });
  return built;
}
