import { closedSetEnum } from '../common/closed-set';

/** The closed sets of child accounts and parental consents, as GraphQL enums (stored values stay lower-case). */

export const ChildAccountStatusEnum = closedSetEnum('ChildAccountStatus', 'Where a child account stands.', {
  active: 'The account can be used within what the parent allowed.',
  pending_parental_consent: 'The account can do nothing until a parent consents.',
  restricted: 'The account is restricted (for example after the parent revoked consent).',
  erased: 'The account was erased.',
});

export const ParentalConsentStatusEnum = closedSetEnum('ParentalConsentStatus', 'Where a parent’s consent for a child stands.', {
  pending: 'The parent has not answered yet.',
  awaiting_verification: 'The parent answered; privacy staff still verify the parent (signed form or call).',
  active: 'The parent consented.',
  revoked: 'The parent revoked consent; the child’s data is erased after the retention period.',
  aged_up: 'The child is old enough to decide; the consents are the teen’s own.',
  erasure_held: 'The child’s data is due for erasure but a legal hold keeps it.',
});

export const ParentalConsentStateEnum = closedSetEnum('ParentalConsentState', 'The step a parental consent is at.', {
  awaiting_consent: 'Waits for the parent to answer the consent mail.',
  awaiting_stronger_verification: 'Waits for privacy staff to verify the parent.',
  awaiting_confirmation_delay: 'Consent given; waits out the confirmation delay before it takes effect.',
  active: 'Consent in force.',
  awaiting_teen_confirmation: 'The child aged up; waits for the teen to confirm the settings.',
  aged_up: 'The consents are the teen’s own.',
  revoked: 'The parent revoked consent.',
  deleted: 'The child’s data was erased.',
});
