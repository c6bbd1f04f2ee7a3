import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type GraphQLSchema } from 'graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { isDomainError } from '../../errors';
import type { PurposeState } from '../../services/consent/consent.service';
import type { PrivacySubject } from '../../services/federation/privacy-view.service';
import { ProcessingReason } from '../../services/processing/processing-decision';
import type { ProcessingAnswer } from '../../services/processing/processing.service';
import type { RequestContext } from '../context';

/**
 * Consentry as a Federation 2 subgraph (served at /subgraph beside /graphql): `Subject` is an entity
 * keyed by its id, and the site's `User @key(fields: "id")` gets a `privacy` field, found through the
 * subject whose externalId is the user's id. Types are prefixed `Privacy` so that they never meet a
 * type of the site's own subgraphs in composition. Resolvers are thin: PrivacyViewService decides who
 * may read (a service key, or the person's own session forwarded by the router) and audits every read.
 * `npm run schema` writes the printed SDL to subgraph.graphql (a test fails when it is stale).
 */
export const SUBGRAPH_TYPE_DEFS = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

"""A date and time in UTC, as an ISO 8601 string (the same scalar as Consentry's own API)."""
scalar DateTimeISO

"""
The site's own user, owned by the site's subgraph. Consentry contributes \`privacy\`, found through
the Consentry subject that carries the user's id as its externalId (set with a service key:
setSubjectExternalId on Consentry's API).
"""
type User @key(fields: "id") {
  id: ID!
  """
  The user's privacy settings and status; null when no Consentry subject carries this id. A service
  key may read any user's; a person (session forwarded by the router) only their own: anything else
  is FORBIDDEN, and UNAUTHENTICATED without either.
  """
  privacy: Privacy
}

"""A person known to Consentry, by Consentry's subject id (processingAllowed, webhooks and the audit trail name it)."""
type Subject @key(fields: "id") {
  id: ID!
  """The site's user id this subject carries, or null. For a service key or the subject."""
  externalId: String
  """The subject's privacy settings and status; null for an unknown id. For a service key or the subject."""
  privacy: Privacy
}

"""What Consentry knows about a person's privacy choices, in force now."""
type Privacy {
  subject: Subject!
  accountStatus: PrivacyAccountStatus!
  """Consent for every purpose the policy asks about (cookies, marketing, sale/sharing, children's collection)."""
  consents: [PrivacyConsent!]!
  """Sale and sharing of personal information (CCPA)."""
  saleShare: PrivacySaleShare!
  """The age lines that apply (never the age or the date of birth)."""
  age: PrivacyAgeStatus!
  """Privacy requests not answered yet, soonest due first."""
  openRequests: [PrivacyOpenRequest!]!
  """May the site process this person's data for a purpose now, and why (the same rule as processingAllowed on Consentry's API)."""
  processingAllowed(
    """A processing purpose of the policy: account, security, transaction_records, service_improvement, marketing.email, cookie.<category>, sale_share."""
    purpose: String!
  ): PrivacyProcessingResult!
}

enum PrivacyAccountStatus {
  ACTIVE
  """A child's account waiting for a parent's consent: process nothing but what getting that consent needs."""
  PENDING_PARENTAL_CONSENT
  """Processing restricted (GDPR Art 18, or a parent revoked consent)."""
  RESTRICTED
  """The person's data was erased."""
  ERASED
}

type PrivacyConsent {
  """cookie.analytics, marketing.email, sale_share, child.collection, …"""
  purpose: String!
  name: String!
  """cookie, marketing, sale_share or child."""
  kind: String!
  granted: Boolean!
  """True when the person should be asked (again)."""
  needsDecision: Boolean!
  """granted, denied or withdrawn."""
  decision: String
  """How it was given: settings, banner, gpc, email_plus, …"""
  method: String
  """self, parent, staff or system."""
  givenBy: String
  decidedAt: DateTimeISO
  expiresAt: DateTimeISO
}

type PrivacySaleShare {
  """True when the person's data must not be sold or shared: opted out, or under 16 without an opt-in."""
  optedOut: Boolean!
  """The latest decision on record: granted, denied or withdrawn."""
  decision: String
  method: String
  givenBy: String
  decidedAt: DateTimeISO
  """Do not ask the person to opt back in before this (12 months after an opt-out, Cal. Civ. Code 1798.135(c)(4))."""
  optInPromptAllowedAt: DateTimeISO
  """Known to be under 16: sale or sharing needs an opt-in (by a parent under 13)."""
  optInRequired: Boolean!
}

enum PrivacyAgeBracket {
  """No known age: treated as an adult."""
  UNKNOWN
  """Under the local age of digital consent: a parent decides."""
  CHILD
  """From the age of digital consent to 17."""
  TEEN
  ADULT
}

type PrivacyAgeStatus {
  bracket: PrivacyAgeBracket!
  """ISO country (or US-CA) whose age rules apply, when the age is known."""
  jurisdiction: String
  """A parent decides for this person (COPPA: under 13)."""
  parentalConsentRequired: Boolean!
  """Sale or sharing needs an opt-in (CCPA: under 16)."""
  saleOptInRequired: Boolean!
}

type PrivacyOpenRequest {
  id: ID!
  """The right: a policy right key (access, erasure, ccpa_opt_out, …)."""
  type: String!
  """received, awaiting_confirmation, in_progress or failed."""
  status: String!
  receivedAt: DateTimeISO!
  """The (extended) due date."""
  dueAt: DateTimeISO!
  overdue: Boolean!
}

"""Why processing is allowed or not (stable, for programs; the values of Consentry's ProcessingReason)."""
enum PrivacyProcessingReason {
${Object.values(ProcessingReason).map((r) => `  ${r}`).join('\n')}
}

type PrivacyProcessingDecision {
  purpose: String!
  """consent, contract, legitimate_interests, legal_obligation, opt_out"""
  legalBasis: String!
  allowed: Boolean!
  reason: PrivacyProcessingReason!
  """For people: the rule that decided, with its source."""
  explanation: String!
  decidedAt: DateTimeISO!
}

"""An expected failure, returned as data: errorCode is one of Consentry's ErrorCode values."""
interface PrivacyErrorResult {
  errorCode: String!
  message: String!
}

"""The purpose is not one the policy names."""
type PrivacyInvalidPurposeError implements PrivacyErrorResult {
  errorCode: String!
  message: String!
}

union PrivacyProcessingResult = PrivacyProcessingDecision | PrivacyInvalidPurposeError
`;

const ACCOUNT_STATUS = { ACTIVE: 'active', PENDING_PARENTAL_CONSENT: 'pending_parental_consent', RESTRICTED: 'restricted', ERASED: 'erased' };
const AGE_BRACKET = { UNKNOWN: 'unknown', CHILD: 'child', TEEN: 'teen', ADULT: 'adult' };

interface EntityRef {
  id: string;
}

const privacyOfUser = (user: EntityRef, _args: unknown, ctx: RequestContext) => ctx.services.privacyView.forExternalId(ctx, user.id);

export const SUBGRAPH_RESOLVERS: GraphQLResolverMap<RequestContext> = {
  DateTimeISO: GraphQLDateTimeISO,
  PrivacyAccountStatus: ACCOUNT_STATUS,
  PrivacyAgeBracket: AGE_BRACKET,
  User: {
    __resolveReference: (ref: EntityRef) => ({ id: ref.id }),
    privacy: privacyOfUser,
  },
  Subject: {
    __resolveReference: (ref: EntityRef) => ({ id: ref.id }),
    externalId: async (subject: EntityRef, _args: unknown, ctx: RequestContext) => {
      const found = await ctx.services.privacyView.forSubject(ctx, subject.id);
      return found ? ctx.services.privacyView.externalId(ctx, found) : null;
    },
    privacy: (subject: EntityRef, _args: unknown, ctx: RequestContext) => ctx.services.privacyView.forSubject(ctx, subject.id),
  },
  Privacy: {
    subject: (p: PrivacySubject): EntityRef => ({ id: p.subjectId }),
    accountStatus: (p: PrivacySubject) => p.status,
    consents: async (p: PrivacySubject, _args: unknown, ctx: RequestContext) => (await ctx.services.privacyView.consents(ctx, p)).map(toConsent),
    saleShare: (p: PrivacySubject, _args: unknown, ctx: RequestContext) => ctx.services.privacyView.saleShare(ctx, p),
    age: (p: PrivacySubject, _args: unknown, ctx: RequestContext) => ctx.services.privacyView.age(ctx, p),
    openRequests: (p: PrivacySubject, _args: unknown, ctx: RequestContext) => ctx.services.privacyView.openRequests(ctx, p),
    processingAllowed: async (p: PrivacySubject, args: { purpose: string }, ctx: RequestContext) => {
      const result = await ctx.services.privacyView.processingAllowed(p, args.purpose);
      return isDomainError(result) ? { __typename: 'PrivacyInvalidPurposeError', errorCode: result.errorCode, message: result.message } : toDecision(result);
    },
  },
  PrivacyProcessingResult: {
    __resolveType: (value: { __typename: string }) => value.__typename,
  },
  PrivacyErrorResult: {
    __resolveType: (value: { __typename: string }) => value.__typename,
  },
};

function toConsent(state: PurposeState) {
  return {
    purpose: state.purpose.key,
    name: state.purpose.name,
    kind: state.purpose.kind,
    granted: state.granted,
    needsDecision: state.needsDecision,
    decision: state.record?.decision ?? null,
    method: state.record?.method ?? null,
    givenBy: state.record?.givenBy ?? null,
    decidedAt: state.record?.recordedAt ?? null,
    expiresAt: state.record?.expiresAt ?? null,
  };
}

function toDecision(a: ProcessingAnswer) {
  return {
    __typename: 'PrivacyProcessingDecision',
    purpose: a.purpose.key,
    legalBasis: a.purpose.legalBasis,
    allowed: a.allowed,
    reason: a.reason,
    explanation: a.explanation,
    decidedAt: a.decidedAt,
  };
}

let built: GraphQLSchema | undefined;

/** The subgraph's schema (the same for every app in a process: built once). */
export function buildConsentrySubgraphSchema(): GraphQLSchema {
  built ??= buildSubgraphSchema({ typeDefs: parse(SUBGRAPH_TYPE_DEFS), resolvers: SUBGRAPH_RESOLVERS as GraphQLResolverMap<unknown> });
  return built;
}
