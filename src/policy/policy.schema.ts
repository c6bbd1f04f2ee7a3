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

/**
 * The policy's own words for what it "may require" before acting on a right (shown as
 * `PrivacyRight.verification`). What the service actually asks, of whom and when, is
 * `verificationSteps` below.
 */
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

/** What a request is, whatever the right's key in a policy: the clock and the verification rules follow it. */
export const RIGHT_KINDS = [
  // GDPR / UK GDPR, Art 15–18, 20, 21
  'access',
  'rectification',
  'erasure',
  'restriction',
  'portability',
  'objection',
  // CCPA (Cal. Civ. Code 1798.100–1798.125)
  'know_categories',
  'know_specific',
  'delete',
  'correct',
  'opt_out',
  'non_discrimination',
  // COPPA 16 CFR 312.6
  'parental_review',
] as const;
export type RightKind = (typeof RIGHT_KINDS)[number];

/** The kind of the rights of the built-in policy, for a POLICY_FILE that names no `kind`. */
export const DEFAULT_RIGHT_KINDS: Readonly<Record<string, RightKind>> = {
  access: 'access',
  rectification: 'rectification',
  erasure: 'erasure',
  restriction: 'restriction',
  portability: 'portability',
  objection: 'objection',
  ccpa_know: 'know_specific',
  ccpa_know_categories: 'know_categories',
  ccpa_know_specific: 'know_specific',
  ccpa_delete: 'delete',
  ccpa_correct: 'correct',
  ccpa_opt_out: 'opt_out',
  ccpa_non_discrimination: 'non_discrimination',
  coppa_parental_review: 'parental_review',
};

/**
 * How sure of the person a request must be before it is acted on, in the CCPA's words
 * (11 CCR 7060–7062), which the GDPR's proportionality (Art 12(6), EDPB Guidelines 01/2022 §3.3)
 * fits: `none` (opt-out, §7060(b): no verification), `reasonable` (§7062(b): two data points
 * matched, or the person's own account), `reasonably_high` (§7062(c): three data points and a
 * signed declaration, or the account freshly re-authenticated, §7061(a)).
 */
export const ASSURANCE_LEVELS = ['none', 'reasonable', 'reasonably_high'] as const;
export type AssuranceLevel = (typeof ASSURANCE_LEVELS)[number];

/**
 * The steps the service can ask for. Documents (government_id, proof_of_address,
 * supporting_documentation, agent_permission, signed_declaration) go to the sealed evidence
 * storage, are checked by staff and deleted when the request closes (what was verified, by whom
 * and how is kept): see VERIFICATION_STEP_CATALOGUE.
 */
export const VERIFICATION_STEP_KEYS = [
  'account_verification',
  'second_factor',
  'explicit_confirmation',
  'government_id',
  'proof_of_address',
  'data_points_2',
  'data_points_3',
  'signed_declaration',
  'supporting_documentation',
  'agent_permission',
  'guardian_verification',
  'correction_details',
  'restriction_parameters',
  'processing_activity',
  'format_choice',
  'destination',
] as const;
export type VerificationStepKey = (typeof VERIFICATION_STEP_KEYS)[number];

/** Who a conditional step applies to (any of them); no condition: everyone who asks. */
export const STEP_CONDITIONS = ['account_holder', 'no_account', 'reasonable_doubt', 'second_factor_enabled', 'agent', 'parent'] as const;
export type StepCondition = (typeof STEP_CONDITIONS)[number];

/** Who may ask for a right. */
export const REQUESTERS = [
  'self_signed_in', // the person, signed in to their account
  'email_verified', // someone who proved control of an email address (no account, or not signed in)
  'staff_on_behalf', // privacy staff entering a request received by post or phone
  'parent', // a parent for their child (COPPA 312.6, GDPR Art 8, CCPA 11 CCR 7070)
  'authorized_agent', // an authorized agent (11 CCR 7063; Data Rights Protocol)
  'device', // a browser or device sending an opt-out preference signal (11 CCR 7025)
] as const;
export type Requester = (typeof REQUESTERS)[number];

/** How a request can come in. */
export const CHANNELS = ['api', 'email_link', 'staff', 'agent', 'gpc'] as const;
export type Channel = (typeof CHANNELS)[number];

const verificationStepEntry = z.object({
  step: z.enum(VERIFICATION_STEP_KEYS),
  /** How sure of the person the step makes us on its own; `none` for steps that describe the request, its intent or an authority. */
  assurance: z.enum(ASSURANCE_LEVELS),
  /** True: the request waits for this step (for the people `when` names); false: staff may ask for it. */
  required: z.boolean(),
  /** Only for these requesters or situations; empty: everyone. */
  when: z.array(z.enum(STEP_CONDITIONS)).default([]),
  note: text.optional(),
});
export type VerificationStepEntry = z.output<typeof verificationStepEntry>;

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

/** Steps that establish who the person is (as opposed to describing the request, confirming it, or an authority). */
const IDENTITY_STEPS: readonly VerificationStepKey[] = ['account_verification', 'second_factor', 'government_id', 'proof_of_address', 'data_points_2', 'data_points_3', 'signed_declaration', 'guardian_verification'];
/** Steps in which the person hands over documents or personal data to be matched: never more of them than the right needs. */
const EVIDENCE_STEPS: readonly VerificationStepKey[] = ['government_id', 'proof_of_address', 'data_points_2', 'data_points_3', 'signed_declaration'];
const LEVEL = (l: AssuranceLevel) => ASSURANCE_LEVELS.indexOf(l);

const right = z
  .object({
    key,
    name: text,
    regime: z.enum(['gdpr', 'ccpa', 'coppa']),
    /** What the request is; a POLICY_FILE may leave it out for the built-in keys (DEFAULT_RIGHT_KINDS). */
    kind: z.enum(RIGHT_KINDS).optional(),
    article: text,
    description: text,
    includes: z.array(text).default([]),
    howToExercise: z.array(text).min(1),
    responseDeadline: period.optional(),
    /** The policy's own words (VERIFICATION_STEPS). */
    verification: z.array(z.enum(VERIFICATION_STEPS)).default([]),
    /** How sure of the person the request must make us (absent: not a request one files). */
    assurance: z.enum(ASSURANCE_LEVELS).optional(),
    /** The legal source of that level. */
    assuranceBasis: text.optional(),
    /** What the service asks, of whom, and what each step gives. */
    verificationSteps: z.array(verificationStepEntry).default([]),
    /** Who may ask. */
    requesters: z.array(z.enum(REQUESTERS)).default([]),
    /** How a request comes in. */
    channels: z.array(z.enum(CHANNELS)).default([]),
    /** True where the policy's text does not list the right and the law grants it anyway. */
    inferred: z.boolean().default(false),
  })
  .transform((r) => ({ ...r, kind: r.kind ?? DEFAULT_RIGHT_KINDS[r.key] }))
  .superRefine((r, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const steps = r.verificationSteps;
    const seen = new Set<string>();
    steps.forEach((s, i) => {
      if (seen.has(s.step)) issue(['verificationSteps', i, 'step'], `duplicate step "${s.step}"`);
      seen.add(s.step);
    });
    const unique = (list: string[], where: string) => {
      if (new Set(list).size !== list.length) issue([where], `duplicate entries in ${where}`);
    };
    unique(r.requesters, 'requesters');
    unique(r.channels, 'channels');
    // Never ask for more than the right needs.
    if (r.assurance === 'none') {
      steps.forEach((s, i) => {
        if (IDENTITY_STEPS.includes(s.step)) issue(['verificationSteps', i, 'step'], `"${s.step}" verifies identity, which a right needing no verification must not ask for (11 CCR 7060(b))`);
      });
    }
    steps.forEach((s, i) => {
      if (r.assurance && EVIDENCE_STEPS.includes(s.step) && LEVEL(s.assurance) > LEVEL(r.assurance) && (!s.when.length || s.when.some((w) => w !== 'reasonable_doubt'))) {
        issue(['verificationSteps', i, 'assurance'], `"${s.step}" asks for more than the right needs (${r.assurance}): only on reasonable doubt`);
      }
      if ((s.step === 'government_id' || s.step === 'proof_of_address') && s.required && !s.when.length) {
        issue(['verificationSteps', i, 'when'], `"${s.step}" may not be asked of everyone: name the situations (no_account, reasonable_doubt; EDPB Guidelines 01/2022 §3.3)`);
      }
    });
    if (seen.has('data_points_3') && !seen.has('signed_declaration')) issue(['verificationSteps'], 'data_points_3 needs a signed_declaration with it (11 CCR 7062(c))');
    if (r.assurance && r.assurance !== 'none') {
      const best = Math.max(-1, ...steps.filter((s) => IDENTITY_STEPS.includes(s.step)).map((s) => LEVEL(s.assurance)));
      if (best < LEVEL(r.assurance)) issue(['verificationSteps'], `no step reaches the assurance the right needs (${r.assurance})`);
    }
    if (r.requesters.includes('authorized_agent') && !steps.some((s) => s.step === 'agent_permission' && s.when.includes('agent'))) {
      issue(['verificationSteps'], 'an authorized agent may ask: list agent_permission for agents (11 CCR 7063)');
    }
    if (r.requesters.includes('parent') && !steps.some((s) => s.step === 'guardian_verification' && s.when.includes('parent'))) {
      issue(['verificationSteps'], 'a parent may ask: list guardian_verification for parents');
    }
    if (r.requesters.length && !r.channels.length) issue(['channels'], 'a right people may ask for needs at least one channel');
    if (r.requesters.length && !r.assurance) issue(['assurance'], 'a right people may ask for needs an assurance level');
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
