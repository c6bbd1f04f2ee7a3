import { z } from 'zod';

/**
 * The shape of a privacy policy as data. The default document (m-exe.policy.ts) and any site's own
 * POLICY_FILE (JSON) are validated against this schema at start; the rest of the code reads only
 * the validated, typed result.
 */

const key = z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'keys are lower_snake_case' });
const text = z.string().trim().min(1);

export const LEGAL_BASES = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interests',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const PERIOD_UNITS = ['hour', 'day', 'business_day', 'month', 'year'] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];

export const period = z.object({
  amount: z.number().int().positive(),
  unit: z.enum(PERIOD_UNITS),
});
export type Period = z.infer<typeof period>;

export const VERIFICATION_STEPS = [
  'government_id',
  'proof_of_address',
  'account_verification',
  'supporting_documentation',
  'correction_details',
  'password_confirmation',
  'identity_verification',
  'explicit_confirmation',
  'account_ownership_verification',
  'restriction_parameters',
  'processing_activity_identification',
  'two_factor_authentication',
  'format_specification',
  'destination_details',
] as const;
export type VerificationStep = (typeof VERIFICATION_STEPS)[number];

export const RETENTION_TRIGGERS = ['collected', 'account_closed'] as const;

const retention = z.object({
  /** What the clock starts from: the data's collection, or the end of the account. */
  trigger: z.enum(RETENTION_TRIGGERS),
  period,
  /** The policy's own words for this period, as shown to people. */
  description: text,
  /** The purposes the policy gives for the period. */
  purposes: z.array(text).min(1),
  /** Which retention line of the policy this comes from (e.g. "Account Information"). */
  policyLine: text,
  /** True where the policy gives no period for this category and a related one is applied. */
  inferred: z.boolean().default(false),
  /** Set where the period is a legal obligation (transaction records): such data survives erasure. */
  legalObligation: text.optional(),
});

const dataCategory = z.object({
  key,
  name: text,
  description: text,
  contains: z.array(text).min(1),
  mayInclude: z.array(text).default([]),
  collectedThrough: z.array(text).default([]),
  source: text,
  purposes: z.array(text).min(1),
  enables: z.array(text).default([]),
  legalBases: z.array(z.enum(LEGAL_BASES)).min(1),
  legalBasisText: text,
  retention,
});

const right = z.object({
  key,
  name: text,
  regime: z.enum(['gdpr', 'ccpa', 'coppa']),
  article: text,
  description: text,
  includes: z.array(text).default([]),
  howToExercise: z.array(text).min(1),
  responseDeadline: period.optional(),
  verification: z.array(z.enum(VERIFICATION_STEPS)).default([]),
});

const cookieCategory = z.object({
  key,
  name: text,
  description: text,
  strictlyNecessary: z.boolean(),
  processes: z.array(text).min(1),
  purposes: z.array(text).min(1),
});

const retentionException = z.object({ key, name: text, description: text });

const disclosure = z.object({
  key,
  recipient: text,
  purpose: text,
  categories: z.array(key).min(1),
  /** True where the service cannot work without it (COPPA §312.5(a)(2): then no separate consent). */
  integralToService: z.boolean().default(false),
});

const childFeature = z.object({
  key,
  name: text,
  description: text,
  /** True where the feature makes the child's data visible to others or gives it to third parties (COPPA "disclosure"): email plus is then not enough. */
  disclosure: z.boolean(),
});

const childrenSection = z.object({
  /** What a child's account collects once a parent has consented, per data category (COPPA §312.4(c)(1)(iii)). */
  collected: z.array(z.object({ category: key, items: z.array(text).min(1) })).min(1),
  /** How the child's data is used. */
  uses: z.array(text).min(1),
  /** Features a parent permits one by one (COPPA §312.5(a)(2): disclosure is consented to separately). */
  features: z.array(childFeature).default([]),
});

export const policySchema = z
  .object({
    id: key,
    version: text,
    effectiveDate: z.iso.date(),
    site: z.object({ name: text, url: z.url(), policyUrl: z.url() }),
    controllerStatement: text,
    dataCategories: z.array(dataCategory).min(1),
    rights: z.array(right).min(1),
    retentionDeterminants: z.array(text).default([]),
    retentionExceptions: z.array(retentionException).default([]),
    cookieCategories: z.array(cookieCategory).min(1),
    cookieManagement: z.array(text).default([]),
    /** Third-party disclosures of personal data. Empty for m-exe.com, so COPPA email plus is allowed. */
    disclosures: z.array(disclosure).default([]),
    securityMeasures: z.array(text).default([]),
    internationalTransfers: z.object({
      safeguards: z.array(text),
      protocols: z.array(text),
      standards: z.array(text),
      additionalMeasures: z.array(text),
      rights: z.array(text),
    }),
    gdprMeasures: z.array(text).default([]),
    policyUpdates: z.array(text).default([]),
    contact: z.object({
      inquiryResponse: period,
      identityVerificationRequiredForDataRequests: z.boolean(),
      support: z.array(text).default([]),
    }),
    /** How the service treats children under the age of digital consent. */
    children: childrenSection,
    /** Age of digital consent per jurisdiction for this service, where it differs from the law's default (e.g. { "GB": 16 }). */
    ageOfConsentOverrides: z.record(z.string().regex(/^[A-Z]{2}(-[A-Z]{2})?$/), z.number().int().min(13).max(18)).default({}),
  })
  .superRefine((policy, ctx) => {
    const unique = (items: { key: string }[], where: string) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.key)) ctx.addIssue({ code: 'custom', path: [where, i, 'key'], message: `duplicate key "${item.key}"` });
        seen.add(item.key);
      });
    };
    unique(policy.dataCategories, 'dataCategories');
    unique(policy.rights, 'rights');
    unique(policy.cookieCategories, 'cookieCategories');
    unique(policy.retentionExceptions, 'retentionExceptions');
    const categoryKeys = new Set(policy.dataCategories.map((c) => c.key));
    policy.children.collected.forEach((c, i) => {
      if (!categoryKeys.has(c.category)) ctx.addIssue({ code: 'custom', path: ['children', 'collected', i, 'category'], message: `unknown data category "${c.category}"` });
    });
    unique(policy.children.features, 'children.features');
    policy.disclosures.forEach((d, i) =>
      d.categories.forEach((c) => {
        if (!categoryKeys.has(c)) ctx.addIssue({ code: 'custom', path: ['disclosures', i, 'categories'], message: `unknown data category "${c}"` });
      }),
    );
    if (!policy.cookieCategories.some((c) => c.strictlyNecessary)) {
      ctx.addIssue({ code: 'custom', path: ['cookieCategories'], message: 'at least one cookie category must be strictly necessary' });
    }
  });

export type PolicyInput = z.input<typeof policySchema>;
export type Policy = z.output<typeof policySchema>;
export type DataCategory = Policy['dataCategories'][number];
export type Right = Policy['rights'][number];
export type CookieCategory = Policy['cookieCategories'][number];
export type ChildFeature = Policy['children']['features'][number];
