import type { Goal } from './lib/stats';

/**
 * The scenarios of `npm run bench`, as data. A scenario names one request, the service target and
 * the baselines run beside it in the same invocation (alternating rounds), and the goals of issue 7
 * it is held to. To add one: a row here, and (if it needs one) a bench-only route or seed in
 * bench/servers/*. Target servers (bench/servers/<name>.ts):
 *  - consentry: the service, production configuration (the first target is always the service)
 *  - bare: node:http sending the service's own response bytes (the limit)
 *  - mercurius: the same schema and services on fastify + mercurius + graphql-jit (the fastest peer)
 *  - naive: Apollo Server defaults + type-graphql defaults (what a team first writes)
 *  - raw-sql: the minimal SQL of the write on the driver, in one transaction
 *  - nodemailer: nodemailer sending the service's rendered mail straight to the same SMTP server (outboxDispatch)
 */
export type TargetName = 'consentry' | 'bare' | 'mercurius' | 'naive' | 'raw-sql' | 'nodemailer';

export interface Scenario {
  name: string;
  /** `dispatch` is not HTTP: the runner times mails sent to its local SMTP server (req/s = mails/s). */
  kind: 'read' | 'write' | 'dispatch';
  description: string;
  method: 'POST';
  path: string;
  body: string;
  headers: Record<string, string>;
  targets: TargetName[];
  /** Concurrent connections autocannon keeps open. */
  connections: number;
  /** Every GraphQL peer must answer with the very bytes of the service. */
  sameBytes: boolean;
  goals: Goal[];
  /** A seed of bench/servers/seed.ts each GraphQL target runs on its own database first; `$NAME` in the body takes its vars. */
  seed?: string;
  /** Every request carries a fresh device id in place of `$FRESH_DEVICE_ID` in the body. */
  freshDeviceId?: boolean;
  /** Also run the 60 s RSS soak on the service with this scenario (full runs only). */
  soak?: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** What a site's privacy page and cookie banner ask for on every view. */
export const PRIVACY_NOTICE_QUERY = `query PrivacyNotice {
  privacyPolicy {
    id version effectiveDate
    site { name url policyUrl }
    dataCategories { key name description purposes legalBases retention { trigger description legalObligation period { amount unit text } } }
    rights { key name regime article description howToExercise responseDeadline { amount unit text } verification }
    cookieCategories { key name description strictlyNecessary purposes }
  }
}`;

export const SCENARIOS: Scenario[] = [
  {
    name: 'privacyPolicy',
    kind: 'read',
    description: 'The public policy query of a privacy page and cookie banner: categories with retention, rights with deadlines, cookie categories.',
    method: 'POST',
    path: '/graphql',
    body: JSON.stringify({ query: PRIVACY_NOTICE_QUERY, operationName: 'PrivacyNotice' }),
    headers: JSON_HEADERS,
    targets: ['consentry', 'bare', 'mercurius', 'naive'],
    connections: 50,
    sameBytes: true,
    goals: [
      { baseline: 'mercurius', metric: 'cpu', max: 2 },
      { baseline: 'naive', metric: 'rps', min: 3 },
    ],
    soak: true,
  },
  {
    name: 'typenameFloor',
    kind: 'read',
    description: 'The smallest query, { __typename }: what each server costs per request before any data (the framework floor). No goal; it tells how much of a read is framework.',
    method: 'POST',
    path: '/graphql',
    body: JSON.stringify({ query: '{ __typename }' }),
    headers: JSON_HEADERS,
    targets: ['consentry', 'bare', 'mercurius', 'naive'],
    connections: 50,
    sameBytes: true,
    goals: [],
  },
  {
    name: 'consentState',
    kind: 'read',
    description: 'A signed-in subject with 50 consent records reads their consent state (session check, latest record per purpose; the read is audited: one chain append per request).',
    method: 'POST',
    path: '/graphql',
    body: JSON.stringify({ query: '{ me { consents { purpose granted } } }' }),
    headers: JSON_HEADERS,
    targets: ['consentry', 'bare', 'mercurius', 'naive'],
    connections: 50,
    sameBytes: true,
    seed: 'consentState',
    goals: [
      { baseline: 'mercurius', metric: 'cpu', max: 2 },
      { baseline: 'naive', metric: 'rps', min: 3 },
    ],
  },
  {
    name: 'processingAllowed',
    kind: 'read',
    description: 'processingAllowed(subjectId, "sale_share") with a service key (Authorization: Bearer csk_…), as the site\'s other services call it: their hot call.',
    method: 'POST',
    path: '/graphql',
    body: JSON.stringify({ query: 'query { processingAllowed(subjectId: "$SUBJECT_ID", purpose: "sale_share") { __typename ... on ProcessingDecision { purpose legalBasis allowed reason } } }' }),
    headers: JSON_HEADERS,
    targets: ['consentry', 'bare', 'mercurius', 'naive'],
    connections: 50,
    sameBytes: true,
    seed: 'processingAllowed',
    goals: [
      { baseline: 'mercurius', metric: 'cpu', max: 2 },
      { baseline: 'naive', metric: 'rps', min: 3 },
    ],
  },
  {
    name: 'ageGate',
    kind: 'write',
    description: 'Age gate submissions, each from a fresh device (one lookup of earlier answers + one insert in a transaction).',
    method: 'POST',
    path: '/graphql',
    body: JSON.stringify({ query: 'mutation { ageGate(input: { dateOfBirth: { day: 14, month: 3, year: 1990 }, deviceId: "$FRESH_DEVICE_ID", country: "DE" }) { __typename ... on AgeGateDecision { outcome threshold jointConsent legalSource repeated } } }' }),
    headers: JSON_HEADERS,
    targets: ['consentry', 'bare', 'mercurius', 'naive'],
    connections: 50,
    sameBytes: true,
    freshDeviceId: true,
    goals: [
      { baseline: 'mercurius', metric: 'cpu', max: 2 },
      { baseline: 'naive', metric: 'rps', min: 3 },
    ],
  },
  {
    name: 'auditAppend',
    kind: 'write',
    description: 'One audit-chain append per request under concurrency (bench-only route): AuditService.append vs raw INSERT + head-row update.',
    method: 'POST',
    path: '/__bench/audit-append',
    body: JSON.stringify({ subjectId: 'subject-1', n: 1 }),
    headers: JSON_HEADERS,
    targets: ['consentry', 'raw-sql'],
    connections: 20,
    sameBytes: false,
    goals: [{ baseline: 'raw-sql', metric: 'rps', min: 0.5 }],
  },
  {
    name: 'workflowStep',
    kind: 'write',
    description: 'One event delivered through the workflow runtime to a bench-only machine (load, XState transition, versioned snapshot update, processed-event row, outbox mail, audit append: one transaction) vs the same rows in raw SQL.',
    method: 'POST',
    path: '/__bench/workflow-step',
    body: '{}',
    headers: JSON_HEADERS,
    targets: ['consentry', 'raw-sql'],
    connections: 20,
    sameBytes: false,
    seed: 'workflowStep',
    goals: [{ baseline: 'raw-sql', metric: 'rps', min: 0.5 }],
  },
  {
    name: 'outboxDispatch',
    kind: 'dispatch',
    description: 'Not HTTP: the OutboxWorker draining N mails queued by the workflow runtime (claim, render, send, mark sent) to a local SMTP server in the runner, vs nodemailer sending the same rendered mail directly with the same transport; req/s = mails/s, CPU per mail.',
    method: 'POST',
    path: '',
    body: '',
    headers: {},
    targets: ['consentry', 'nodemailer'],
    connections: 1,
    sameBytes: true,
    seed: 'workflowStep',
    goals: [{ baseline: 'nodemailer', metric: 'rps', min: 0.8 }],
  },
];

/** Scenarios of issue 7 that wait for their features; listed in docs/benchmarks.md, never run with made-up numbers. */
export const PLANNED: { name: string; waitsFor: string; baselines: string; goal: string }[] = [];
