import { closedSetEnum } from '../common/closed-set';

/** The closed sets of consents, opt-outs and privacy requests, as GraphQL enums (stored values stay lower-case). */

export const ConsentKindEnum = closedSetEnum('ConsentKind', 'What a consent purpose is about.', {
  cookie: 'A cookie category on a device or account (asked for by the cookie banner).',
  marketing: 'Marketing messages, such as marketing email.',
  sale_share: 'Sale or sharing of personal information (CCPA); decided with optOutOfSale and optInToSale.',
  child: 'Processing of a child’s data that a parent decides through parental consent.',
});

export const ConsentDecisionEnum = closedSetEnum('ConsentDecision', 'The latest decision on record for a purpose.', {
  granted: 'Consent was given.',
  denied: 'Consent was refused.',
  withdrawn: 'Consent given earlier was withdrawn.',
});

export const ConsentMethodEnum = closedSetEnum('ConsentMethod', 'How a decision was made.', {
  banner: 'A choice in the cookie banner.',
  settings: 'The person’s privacy or account settings.',
  checkbox: 'An unticked box at sign-up that the person ticked.',
  gpc: 'A Global Privacy Control signal sent by the browser.',
  email_plus: 'A parent’s consent by email, confirmed by a second contact (COPPA email plus).',
  signed_form: 'A signed consent form from a parent, checked by privacy staff.',
  staff_verified: 'A stronger method verified by privacy staff (call, video, ID).',
  phone_call: 'A phone call between a parent and privacy staff.',
  video_call: 'A video call between a parent and privacy staff.',
  email_link: 'A link in an email, used without signing in.',
  system: 'A rule applied by the service itself (expiry, age-up, revocation).',
});

export const ConsentGiverEnum = closedSetEnum('ConsentGiver', 'Who made a decision.', {
  self: 'The person themself.',
  parent: 'A parent or guardian, for their child.',
  staff: 'Privacy staff, on the person’s behalf.',
  system: 'The service itself, applying a rule.',
});

export const PrivacyRequestStatusEnum = closedSetEnum('PrivacyRequestStatus', 'Where a privacy request stands.', {
  received: 'Received; not yet started.',
  awaiting_confirmation: 'Waits for the person to confirm it (for example by a link sent by email).',
  in_progress: 'Confirmed and being carried out (an erasure waits here for the end of its cancel window).',
  completed: 'Carried out.',
  denied: 'Refused; the denial basis says why.',
  cancelled: 'Cancelled by the person.',
  expired: 'Not confirmed in time.',
  failed: 'Carrying it out failed; staff can retry it.',
});

export const RightKindEnum = closedSetEnum('RightKind', 'The kind of right a privacy request exercises.', {
  access: 'Access to one’s data (GDPR Art 15).',
  rectification: 'Correction of one’s data (GDPR Art 16).',
  erasure: 'Erasure of one’s data (GDPR Art 17).',
  restriction: 'Restriction of processing (GDPR Art 18).',
  portability: 'A portable copy of one’s data (GDPR Art 20).',
  objection: 'Objection to processing (GDPR Art 21).',
  know_categories: 'To know the categories of data collected (CCPA).',
  know_specific: 'To know the specific data collected (CCPA).',
  delete: 'Deletion of one’s data (CCPA).',
  correct: 'Correction of one’s data (CCPA).',
  opt_out: 'Opt-out of sale or sharing (CCPA).',
  non_discrimination: 'Non-discrimination for exercising a right (CCPA).',
  parental_review: 'A parent’s review of their child’s data (COPPA).',
});

export const RequestMannerEnum = closedSetEnum('RequestManner', 'How a privacy request came in.', {
  api: 'Through this API, by the signed-in person.',
  email_link: 'Through a link in an email, without signing in.',
  gpc: 'From a Global Privacy Control signal.',
  staff: 'Entered by privacy staff.',
  page: 'Through a web page of the service.',
});

export const ProcessingBasisEnum = closedSetEnum('ProcessingBasis', 'What a processing purpose relies on: a lawful basis (GDPR Art 6(1)) or, for sale and sharing, the absence of an opt-out (CCPA).', {
  contract: 'Needed for the contract with the person.',
  legitimate_interests: 'Our legitimate interests, balanced against the person’s.',
  consent: 'The person’s consent (or a parent’s, for a child).',
  legal_obligation: 'Required by law.',
  opt_out: 'Allowed unless the person opted out (sale or sharing under the CCPA).',
});
