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
 */
export type TargetName = 'consentry' | 'bare' | 'mercurius' | 'naive' | 'raw-sql';

export interface Scenario {
  name: string;
  kind: 'read' | 'write';
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
];

/** Scenarios of issue 7 that wait for their features; listed in docs/benchmarks.md, never run with made-up numbers. */
export const PLANNED: { name: string; waitsFor: string; baselines: string; goal: string }[] = [
  { name: 'consentState (50 records)', waitsFor: 'consent records (accounts)', baselines: 'bare, mercurius, naive + TypeORM lookups per field', goal: 'CPU/req ≤ 2× mercurius; req/s ≥ 3× naive' },
  { name: 'processingAllowed', waitsFor: 'consent records and purposes', baselines: 'bare, mercurius, naive', goal: 'CPU/req ≤ 2× mercurius; req/s ≥ 3× naive' },
  { name: 'ageGate', waitsFor: 'age gate mutation', baselines: 'bare, mercurius, naive', goal: 'CPU/req ≤ 2× mercurius; req/s ≥ 3× naive' },
  { name: 'workflowStep', waitsFor: 'workflow runtime (parental consent event)', baselines: 'raw SQL: snapshot update + outbox insert + audit insert in one transaction', goal: 'req/s ≥ 0.5× raw SQL (SQLite and MariaDB)' },
  { name: 'outboxDispatch', waitsFor: 'outbox worker', baselines: 'nodemailer sending directly to the same local SMTP server', goal: 'mails/s ≥ 0.8× nodemailer direct' },
];
