import { createHash } from 'node:crypto';
import { DomainError, ErrorCode } from '../errors';
import { canonicalJson } from '../util/canonical-json';
import {
  describePeriod,
  FALLBACK_JURISDICTION,
  JURISDICTIONS,
  REGULATORY_DEADLINES,
  type JurisdictionRule,
  type Period,
  type Policy,
} from '../policy';

type WithText<P> = P & { text: string };
const withText = <P extends Period | undefined>(p: P): P extends Period ? WithText<P> : undefined =>
  (p ? { ...p, text: describePeriod(p) } : undefined) as P extends Period ? WithText<P> : undefined;

export interface EffectiveJurisdiction extends JurisdictionRule {
  /** True where the site's policy sets its own age for the jurisdiction. */
  overridden: boolean;
}

/**
 * The policy in force and the rules derived from it: the public view (built once), the effective
 * age of consent per jurisdiction (law plus the site's overrides), and a stable hash of the
 * document so every consent can name the exact version it was given under.
 */
export class PolicyService {
  readonly contentHash: string;
  private readonly jurisdictions: Map<string, EffectiveJurisdiction>;
  private readonly publicView: ReturnType<PolicyService['buildView']>;

  constructor(readonly policy: Policy) {
    this.contentHash = createHash('sha256').update(canonicalJson(policy)).digest('hex');
    this.jurisdictions = new Map(
      [...JURISDICTIONS, FALLBACK_JURISDICTION].map((rule) => {
        const override = policy.ageOfConsentOverrides[rule.code];
        return [rule.code, { ...rule, ...(override === undefined ? {} : { ageOfDigitalConsent: override }), overridden: override !== undefined }];
      }),
    );
    this.publicView = this.buildView();
  }

  /** The policy as the public `privacyPolicy` query serves it. */
  view() {
    return this.publicView;
  }

  dataCategory(key: string) {
    return this.publicView.dataCategories.find((c) => c.key === key) ?? new DomainError(ErrorCode.NOT_FOUND, `No data category "${key}" in the policy.`);
  }

  /**
   * The rule for a country (and US state): the state's own rule where there is one, then the
   * country's, then the protective fallback.
   */
  jurisdiction(country: string, region?: string): EffectiveJurisdiction {
    const c = country.toUpperCase();
    return (region && this.jurisdictions.get(`${c}-${region.toUpperCase()}`)) || this.jurisdictions.get(c) || this.jurisdictions.get(FALLBACK_JURISDICTION.code)!;
  }

  /** The effective rule stored under a code (as recorded on an age-gate check). */
  jurisdictionByCode(code: string): EffectiveJurisdiction {
    return this.jurisdictions.get(code) ?? this.jurisdictions.get(FALLBACK_JURISDICTION.code)!;
  }

  private buildView() {
    const p = this.policy;
    return {
      ...p,
      dataCategories: p.dataCategories.map((c) => ({ ...c, retention: { ...c.retention, period: withText(c.retention.period) } })),
      rights: p.rights.map((r) => ({ ...r, responseDeadline: withText(r.responseDeadline) })),
      contact: { ...p.contact, inquiryResponse: withText(p.contact.inquiryResponse) },
      jurisdictions: [...this.jurisdictions.values()].filter((j) => j.code !== FALLBACK_JURISDICTION.code).concat(this.jurisdictions.get(FALLBACK_JURISDICTION.code)!),
      regulatoryDeadlines: REGULATORY_DEADLINES.map((d) => ({ ...d, period: withText(d.period), extension: withText(d.extension) })),
    };
  }
}
