import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { authChecker } from './auth-checker';
import { answerInvalidInputAsResult } from './common/invalid-input';
import { AgeGateResolver } from './age-gate/age-gate.resolver';
import { AuditResolver } from './audit/audit.resolver';
import { ConsentResolver, MeConsentResolver, SubjectConsentResolver } from './consent/consent.resolver';
import { AccountResolver, MeResolver } from './identity/account.resolver';
import { MfaResolver } from './identity/mfa.resolver';
import { RolesResolver } from './identity/roles.resolver';
import { PolicyResolver } from './policy/policy.resolver';
import { LegalHoldResolver, RecipientResolver } from './staff/legal-hold.resolver';
import { OutboxResolver } from './outbox/outbox.resolver';
import { ActionLinkResolver } from './action-link/action-link.resolver';
import { EmailChangeResolver } from './email-change/email-change.resolver';
import { MeSaleShareResolver, OptOutResolver } from './opt-out/opt-out.resolver';
import { ErasureResolver } from './erasure/erasure.resolver';
import { GuardianAccountResolver } from './parental-consent/guardian-account.resolver';
import { GuardianResolver } from './parental-consent/guardian.resolver';
import { ParentalConsentResolver } from './parental-consent/parental-consent.resolver';
import { ServiceKeyResolver } from './service-key/service-key.resolver';
import { ExternalIdResolver, MeExternalIdResolver } from './external-id/external-id.resolver';

/** Every resolver of the API. A new resolver is added here (and its operations to the authorization matrix test). */
export const RESOLVERS: NonEmptyArray<Function> = [
  PolicyResolver,
  AgeGateResolver,
  ConsentResolver,
  SubjectConsentResolver,
  MeConsentResolver,
  AccountResolver,
  MeResolver,
  MfaResolver,
  RolesResolver,
  AuditResolver,
  LegalHoldResolver,
  RecipientResolver,
  OutboxResolver,
  ActionLinkResolver,
  EmailChangeResolver,
  OptOutResolver,
  MeSaleShareResolver,
  ErasureResolver,
  ParentalConsentResolver,
  GuardianResolver,
  GuardianAccountResolver,
  ServiceKeyResolver,
  ExternalIdResolver,
  MeExternalIdResolver,
];

/**
 * Root query fields whose answer depends only on the policy in force, which is fixed for the life of
 * a process (PolicyService builds its view once): no actor, no database, no clock. The GraphQL
 * server may answer an operation made only of these from a per-process result cache. A field that
 * reads anything else (the caller, stored data, time) must never be listed here.
 */
export const PROCESS_CONSTANT_QUERIES: ReadonlySet<string> = new Set(['privacyPolicy', 'dataCategory', '__typename']);

/**
 * The only mutations a service key may call (every other mutation is FORBIDDEN for a key, see
 * serviceKeyReadOnlyPlugin): each also names Role.SERVICE in its @Authorized, and is audited.
 */
export const SERVICE_KEY_MUTATIONS: ReadonlySet<string> = new Set(['setSubjectExternalId']);

let built: Promise<GraphQLSchema> | undefined;

/** The schema is the same for every app in a process: build it once. */
export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: RESOLVERS,
    validate: { forbidUnknownValues: true },
    authChecker,
    authMode: 'error',
    emitSchemaFile: false,
  }).then(answerInvalidInputAsResult);
  return built;
}
