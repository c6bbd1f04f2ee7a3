/**
 * The API contract's rules (docs/api.md), checked on the schema the service serves. Each rule holds for
 * every operation, today's and every one added later: a new mutation without a result union, a
 * String where a closed set belongs, a list that can grow without a connection, or a field without a
 * description fails here, naming the place.
 */
import 'reflect-metadata';
import { appendFileSync } from 'node:fs';
import {
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  isSpecifiedScalarType,
} from 'graphql';
import { buildGraphQLSchema } from '../../src/schema/build-schema';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGraphQLSchema();
});

const ownTypes = (): GraphQLNamedType[] =>
  Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__') && !(isScalarType(t) && isSpecifiedScalarType(t)));

const errorTypes = (): Set<string> => {
  const errorResult = schema.getType('ErrorResult');
  if (!isInterfaceType(errorResult)) throw new Error('ErrorResult interface missing');
  return new Set(schema.getPossibleTypes(errorResult).map((t) => t.name));
};

/** Every field of every own object, interface and input type, as "Type.field". */
function allFields(): Array<{ owner: GraphQLNamedType; name: string; field: GraphQLField<unknown, unknown> | GraphQLInputField }> {
  const out = [];
  for (const type of ownTypes()) {
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const [name, field] of Object.entries(type.getFields())) out.push({ owner: type, name, field });
    }
  }
  return out;
}

/**
 * Issue 12's remaining work: every violation the rules report today, by rule. This list may only
 * SHRINK. A rule fails when it reports a violation not listed here (new debt: fix it instead of
 * listing it) and when a listed violation is no longer reported (stale: delete the line). When a
 * rule's list is empty the rule holds everywhere.
 */
const KNOWN_VIOLATIONS: Record<string, string[]> = {
  'mutation shape': [
    'signOut: must answer a non-null result union',
    'signOutEverywhere: must answer a non-null result union',
    'optOutOfSale: must answer a non-null result union',
    'optOutOfSaleByEmail: must answer a non-null result union',
  ],
  'mutation answers InvalidInputError': [
    'optOutOfSaleByEmail',
  ],
  'error type in a union': [
  ],
  'ErrorCode names an error type': [
    'EMAIL_TAKEN',
    'WORKFLOW_NOT_FOUND',
  ],
  'closed sets are enums': [
    'LegalHold.reason',
    'PlaceLegalHoldInput.reason',
  ],
  'enum values UPPER_SNAKE': [
  ],
  'pagination shape': [
  ],
  'growing lists are connections': [
    'Query.legalHolds',
    'Query.recipients',
    'Query.parentalVerificationQueue',
    'Query.serviceKeys',
    'Me.sessions',
    'Me.consents',
    'Guardian.children',
    'GuardianChild.permissions',
    'GuardianChild.consents',
    'GuardianChild.data',
  ],
  'entity types have id': [
    'SaleShareState (keyed by requestId) needs id: ID!',
    'ProcessingDecision (keyed by subjectId) needs id: ID!',
    'GuardianChild (keyed by childId) needs id: ID!',
    'ParentalVerificationCase (keyed by workflowId, childId) needs id: ID!',
    'ParentalVerificationDocument (keyed by workflowId, childId) needs id: ID!',
    'ChildAccountState (keyed by childId) needs id: ID!',
    'SubjectExternalId (keyed by subjectId) needs id: ID!',
    'AgeGateDecision (keyed by checkId) needs id: ID!',
    'ChildDataDeleted (keyed by childId) needs id: ID!',
    'ChildRegistration (keyed by childId) needs id: ID!',
    'ParentalVerificationDecision (keyed by workflowId) needs id: ID!',
  ],
  'descriptions present': [
    'Query',
    'Query.auditTrail(filter)',
    'Query.auditTrail(subjectId)',
    'Query.dataCategory(key)',
    'Query.legalHolds(includeReleased)',
    'Query.legalHolds(subjectId)',
    'Query.outbox(first)',
    'Query.processingAllowed(subjectId)',
    'Query.privacyRequests(first)',
    'Query.parentalVerificationDocument(evidenceId)',
    'Query.childAccount(childId)',
    'Query.subjectExternalId(subjectId)',
    'Me.id',
    'Me.email',
    'Me.status',
    'Me.roles',
    'Me.displayName',
    'Me.telephone',
    'Me.postalAddress',
    'Me.accountSettings',
    'Me.profile',
    'Me.mfaEnabled',
    'Me.createdAt',
    'SubjectStatus',
    'SubjectStatus.ACTIVE',
    'SubjectStatus.PENDING_PARENTAL_CONSENT',
    'SubjectStatus.RESTRICTED',
    'SubjectStatus.ERASED',
    'Role.SUBJECT',
    'Role.GUARDIAN',
    'Role.STAFF',
    'Role.ADMIN',
    'PostalAddress',
    'PostalAddress.line1',
    'PostalAddress.line2',
    'PostalAddress.city',
    'PostalAddress.region',
    'PostalAddress.postalCode',
    'Profile.username',
    'Profile.pictureUrl',
    'Profile.bio',
    'Profile.interests',
    'Profile.professionalCredentials',
    'Session.id',
    'Session.createdAt',
    'Session.lastUsedAt',
    'Session.expiresAt',
    'Session.ip',
    'Session.userAgent',
    'Session.deviceName',
    'Session.passwordVerifiedAt',
    'Session.secondFactorVerifiedAt',
    'Session.assurance',
    'SessionAssurance.PASSWORD',
    'SessionAssurance.SECOND_FACTOR',
    'SessionAssurance.EMAIL_LINK',
    'AuditEvent.occurredAt',
    'AuditEvent.subjectId',
    'AuditEvent.operation',
    'AuditEvent.requestId',
    'AuditEvent.ip',
    'ConsentState.name',
    'ConsentState.granted',
    'ConsentState.decidedAt',
    'ConsentState.expiresAt',
    'AuditTrailFilter',
    'AuditChainReport.ok',
    'CookieConsentState.categories',
    'CookieCategoryConsent.strictlyNecessary',
    'PrivacyPolicy.id',
    'PrivacyPolicy.version',
    'PrivacyPolicy.effectiveDate',
    'PrivacyPolicy.site',
    'PrivacyPolicy.controllerStatement',
    'PrivacyPolicy.dataCategories',
    'PrivacyPolicy.rights',
    'PrivacyPolicy.retentionDeterminants',
    'PrivacyPolicy.cookieCategories',
    'PrivacyPolicy.cookieManagement',
    'PrivacyPolicy.disclosures',
    'PrivacyPolicy.securityMeasures',
    'PrivacyPolicy.internationalTransfers',
    'PrivacyPolicy.gdprMeasures',
    'PrivacyPolicy.policyUpdates',
    'PrivacyPolicy.contact',
    'PrivacyPolicy.children',
    'PrivacyPolicy.jurisdictions',
    'PrivacyPolicy.regulatoryDeadlines',
    'Site',
    'Site.name',
    'Site.url',
    'Site.policyUrl',
    'DataCategory.key',
    'DataCategory.name',
    'DataCategory.description',
    'DataCategory.contains',
    'DataCategory.mayInclude',
    'DataCategory.collectedThrough',
    'DataCategory.source',
    'DataCategory.purposes',
    'DataCategory.enables',
    'DataCategory.legalBases',
    'DataCategory.legalBasisText',
    'DataCategory.retention',
    'LegalBasis.CONSENT',
    'LegalBasis.CONTRACT',
    'LegalBasis.LEGAL_OBLIGATION',
    'LegalBasis.VITAL_INTERESTS',
    'LegalBasis.PUBLIC_TASK',
    'LegalBasis.LEGITIMATE_INTERESTS',
    'Retention',
    'Retention.trigger',
    'Retention.period',
    'Retention.purposes',
    'RetentionTrigger.COLLECTED',
    'RetentionTrigger.ACCOUNT_CLOSED',
    'Period.amount',
    'Period.unit',
    'PeriodUnit',
    'PeriodUnit.HOUR',
    'PeriodUnit.DAY',
    'PeriodUnit.BUSINESS_DAY',
    'PeriodUnit.MONTH',
    'PeriodUnit.YEAR',
    'PrivacyRight.key',
    'PrivacyRight.name',
    'PrivacyRight.regime',
    'PrivacyRight.article',
    'PrivacyRight.description',
    'PrivacyRight.includes',
    'PrivacyRight.howToExercise',
    'PrivacyRight.verification',
    'Regime.GDPR',
    'Regime.UK_GDPR',
    'Regime.CCPA',
    'Regime.COPPA',
    'Regime.NONE',
    'VerificationStep.GOVERNMENT_ID',
    'VerificationStep.PROOF_OF_ADDRESS',
    'VerificationStep.ACCOUNT_VERIFICATION',
    'VerificationStep.SUPPORTING_DOCUMENTATION',
    'VerificationStep.CORRECTION_DETAILS',
    'VerificationStep.PASSWORD_CONFIRMATION',
    'VerificationStep.IDENTITY_VERIFICATION',
    'VerificationStep.EXPLICIT_CONFIRMATION',
    'VerificationStep.ACCOUNT_OWNERSHIP_VERIFICATION',
    'VerificationStep.RESTRICTION_PARAMETERS',
    'VerificationStep.PROCESSING_ACTIVITY_IDENTIFICATION',
    'VerificationStep.TWO_FACTOR_AUTHENTICATION',
    'VerificationStep.FORMAT_SPECIFICATION',
    'VerificationStep.DESTINATION_DETAILS',
    'RetentionException',
    'RetentionException.key',
    'RetentionException.name',
    'RetentionException.description',
    'CookieCategory',
    'CookieCategory.key',
    'CookieCategory.name',
    'CookieCategory.description',
    'CookieCategory.processes',
    'CookieCategory.purposes',
    'Disclosure.key',
    'Disclosure.recipient',
    'Disclosure.purpose',
    'Disclosure.categories',
    'Disclosure.integralToService',
    'InternationalTransfers',
    'InternationalTransfers.safeguards',
    'InternationalTransfers.protocols',
    'InternationalTransfers.standards',
    'InternationalTransfers.additionalMeasures',
    'InternationalTransfers.rights',
    'PolicyContact',
    'PolicyContact.identityVerificationRequiredForDataRequests',
    'PolicyContact.support',
    'ChildrenPolicy.uses',
    'ChildrenPolicy.features',
    'ChildCollectedCategory',
    'ChildCollectedCategory.items',
    'ChildFeature.key',
    'ChildFeature.name',
    'ChildFeature.description',
    'Jurisdiction.name',
    'Jurisdiction.regime',
    'Jurisdiction.citation',
    'Jurisdiction.note',
    'RegulatoryDeadline.key',
    'RegulatoryDeadline.name',
    'RegulatoryDeadline.period',
    'RegulatoryDeadline.extension',
    'RegulatoryDeadline.citation',
    'DataCategoryResult',
    'NotFoundError.errorCode',
    'NotFoundError.message',
    'ErrorResult.errorCode',
    'ErrorResult.message',
    'ErrorCode.NOT_FOUND',
    'ErrorCode.INVALID_INPUT',
    'ErrorCode.INVALID_DATE_OF_BIRTH',
    'ErrorCode.INVALID_CONSENT_PURPOSE',
    'ErrorCode.INVALID_HOLD_REASON',
    'ErrorCode.HOLD_ALREADY_RELEASED',
    'ErrorCode.INVALID_WEBHOOK_URL',
    'ErrorCode.INVALID_RECIPIENT_EVENTS',
    'ErrorCode.DUPLICATE_RECIPIENT',
    'ErrorCode.INVALID_CREDENTIALS',
    'ErrorCode.WEAK_PASSWORD',
    'ErrorCode.EMAIL_TAKEN',
    'ErrorCode.USERNAME_TAKEN',
    'ErrorCode.SECOND_FACTOR_REQUIRED',
    'ErrorCode.INVALID_SECOND_FACTOR',
    'ErrorCode.REAUTHENTICATION_REQUIRED',
    'ErrorCode.MFA_ALREADY_ENABLED',
    'ErrorCode.MFA_NOT_ENABLED',
    'ErrorCode.INVALID_SETUP_TOKEN',
    'ErrorCode.RATE_LIMITED',
    'ErrorCode.PARENT_LINK_ACCESS',
    'ErrorCode.WORKFLOW_NOT_FOUND',
    'ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED',
    'ErrorCode.ACTION_TOKEN_INVALID',
    'ErrorCode.ACTION_TOKEN_EXPIRED',
    'ErrorCode.ACTION_TOKEN_USED',
    'ErrorCode.ACTION_LINK_INCOMPLETE',
    'ErrorCode.OUTBOX_MESSAGE_NOT_RETRYABLE',
    'ErrorCode.SALE_OPT_IN_NOT_ALLOWED',
    'ErrorCode.INVALID_PROCESSING_PURPOSE',
    'ErrorCode.INVALID_ERASURE_CATEGORIES',
    'ErrorCode.ERASURE_ALREADY_REQUESTED',
    'ErrorCode.ERASURE_NOT_CANCELLABLE',
    'ErrorCode.ERASURE_NOT_RETRYABLE',
    'ErrorCode.AGE_GATE_DECISION_MISSING',
    'ErrorCode.DATE_OF_BIRTH_MISMATCH',
    'ErrorCode.USERNAME_MISMATCH',
    'ErrorCode.JOINT_CONSENT_REQUIRED',
    'ErrorCode.UNKNOWN_CHILD_FEATURE',
    'ErrorCode.FEATURE_NEEDS_VERIFICATION',
    'ErrorCode.GUARDIAN_ACCOUNT_NOT_ELIGIBLE',
    'ErrorCode.EVIDENCE_EMPTY',
    'ErrorCode.EVIDENCE_TOO_LARGE',
    'ErrorCode.EVIDENCE_TYPE',
    'ErrorCode.CALL_REQUEST_INVALID',
    'ErrorCode.INVALID_SERVICE_KEY_EXPIRY',
    'ErrorCode.INVALID_SERVICE_KEY_NAME',
    'ErrorCode.SERVICE_KEY_ALREADY_REVOKED',
    'ErrorCode.INVALID_EXTERNAL_ID',
    'ErrorCode.EXTERNAL_ID_TAKEN',
    'InvalidInputError.errorCode',
    'InvalidInputError.message',
    'LegalHold.id',
    'LegalHold.subjectId',
    'LegalHold.placedBy',
    'LegalHold.placedAt',
    'LegalHold.releasedBy',
    'LegalHold.releasedAt',
    'Recipient.id',
    'Recipient.name',
    'Recipient.description',
    'Recipient.webhookUrl',
    'Recipient.active',
    'Recipient.createdAt',
    'OutboxMessage.id',
    'OutboxMessage.template',
    'OutboxMessage.locale',
    'OutboxMessage.status',
    'OutboxMessage.attempts',
    'OutboxMessage.lastError',
    'OutboxMessage.workflowId',
    'OutboxMessage.createdAt',
    'OutboxMessage.sentAt',
    'OutboxMessageStatus.QUEUED',
    'OutboxMessageStatus.SENDING',
    'OutboxMessageStatus.SENT',
    'OutboxMessageStatus.DEAD',
    'ActionLinkResult',
    'ActionLink.title',
    'ActionLink.expiresAt',
    'ActionLinkChoice.name',
    'ActionLinkChoice.value',
    'ActionLinkChoice.label',
    'ActionLinkChoice.hint',
    'ActionTokenInvalidError.errorCode',
    'ActionTokenInvalidError.message',
    'ActionTokenExpiredError.errorCode',
    'ActionTokenExpiredError.message',
    'ActionTokenUsedError.errorCode',
    'ActionTokenUsedError.message',
    'ProcessingAllowedResult',
    'ProcessingDecision.subjectId',
    'ProcessingDecision.purpose',
    'ProcessingDecision.allowed',
    'ProcessingDecision.reason',
    'ProcessingDecision.decidedAt',
    'ProcessingReason.CONTRACT',
    'ProcessingReason.LEGITIMATE_INTERESTS',
    'ProcessingReason.LEGAL_OBLIGATION',
    'ProcessingReason.CONSENT_GIVEN',
    'ProcessingReason.PARENT_CONSENT_GIVEN',
    'ProcessingReason.NOT_OPTED_OUT',
    'ProcessingReason.MINOR_OPTED_IN',
    'ProcessingReason.PARENT_OPTED_IN',
    'ProcessingReason.UNKNOWN_SUBJECT',
    'ProcessingReason.ERASED',
    'ProcessingReason.PENDING_PARENTAL_CONSENT',
    'ProcessingReason.RESTRICTED',
    'ProcessingReason.NO_CONSENT',
    'ProcessingReason.NO_PARENTAL_CONSENT',
    'ProcessingReason.CONSENT_WITHDRAWN',
    'ProcessingReason.CONSENT_REVOKED',
    'ProcessingReason.CONSENT_EXPIRED',
    'ProcessingReason.OPTED_OUT',
    'ProcessingReason.MINOR_NOT_OPTED_IN',
    'ProcessingReason.CHILD_NO_PARENTAL_OPT_IN',
    'InvalidProcessingPurposeError.errorCode',
    'InvalidProcessingPurposeError.message',
    'GuardianChild.childId',
    'GuardianChild.username',
    'GuardianChild.permissions',
    'GuardianChild.consents',
    'GuardianChild.data',
    'GuardianChildAction.CHANGE_PERMISSIONS',
    'GuardianChildAction.REVOKE',
    'GuardianChildAction.DELETE',
    'ChildPermission.feature',
    'ChildPermission.granted',
    'ChildConsentState',
    'ChildConsentState.purpose',
    'ChildConsentState.granted',
    'ChildDataCategory.category',
    'ChildDataCategory.fields',
    'ChildDataField.entity',
    'ChildDataField.name',
    'ChildDataField.value',
    'ParentalVerificationCase.workflowId',
    'ParentalVerificationCase.childId',
    'ParentalVerificationEvidence.method',
    'ParentalVerificationEvidence.submittedAt',
    'ParentVerificationMethod.SIGNED_FORM',
    'ParentVerificationMethod.PHONE_CALL',
    'ParentVerificationMethod.VIDEO_CALL',
    'ParentalVerificationDocumentResult',
    'ParentalVerificationDocument.evidenceId',
    'ParentalVerificationDocument.workflowId',
    'ParentalVerificationDocument.childId',
    'ParentalVerificationDocument.byteSize',
    'ChildAccountResult',
    'ChildAccountState.childId',
    'ServiceKey.id',
    'ServiceKey.description',
    'ServiceKey.status',
    'ServiceKey.createdAt',
    'ServiceKey.revokedAt',
    'ServiceKey.revokedBy',
    'ServiceKeyStatus.ACTIVE',
    'ServiceKeyStatus.EXPIRED',
    'ServiceKeyStatus.REVOKED',
    'SubjectExternalIdResult',
    'SubjectExternalId.subjectId',
    'Mutation',
    'Mutation.ageGate(input)',
    'Mutation.registerSubject(input)',
    'Mutation.confirmRegistration(input)',
    'Mutation.signIn(input)',
    'Mutation.changePassword(input)',
    'Mutation.reauthenticate(input)',
    'Mutation.setupAccount(input)',
    'Mutation.updateProfile(input)',
    'Mutation.recordCookieConsent(input)',
    'Mutation.recordConsent(input)',
    'Mutation.placeLegalHold(input)',
    'Mutation.registerRecipient(input)',
    'Mutation.requestEmailChange(input)',
    'Mutation.optOutOfSaleByEmail(input)',
    'Mutation.requestErasure(input)',
    'Mutation.registerChild(input)',
    'Mutation.requestParentDashboard(input)',
    'Mutation.submitParentalVerification(input)',
    'Mutation.decideParentalVerification(input)',
    'Mutation.createServiceKey(input)',
    'Mutation.setSubjectExternalId(input)',
    'AgeGateResult',
    'AgeGateDecision.outcome',
    'AgeGateDecision.limits',
    'AgeOutcome',
    'TeenLimitInfo',
    'TeenLimitInfo.limit',
    'TeenLimit',
    'TeenLimit.SALE_SHARE_OPT_IN',
    'TeenLimit.HIGH_PRIVACY_DEFAULTS',
    'InvalidDateOfBirthError.errorCode',
    'InvalidDateOfBirthError.message',
    'InvalidDateOfBirthError.reason',
    'BirthDateProblem',
    'BirthDateProblem.IMPOSSIBLE',
    'BirthDateProblem.IN_FUTURE',
    'BirthDateProblem.TOO_OLD',
    'AgeGateInput',
    'AgeGateInput.dateOfBirth',
    'DateOfBirthInput.day',
    'DateOfBirthInput.month',
    'DateOfBirthInput.year',
    'RegisterSubjectResult',
    'WeakPasswordError.errorCode',
    'WeakPasswordError.message',
    'WeakPasswordError.reasons',
    'RateLimitedError.errorCode',
    'RateLimitedError.message',
    'RateLimitedError.retryAfterSeconds',
    'RegisterSubjectInput',
    'RegisterSubjectInput.email',
    'RegisterSubjectInput.password',
    'RegisterSubjectInput.displayName',
    'RegisterSubjectInput.deviceName',
    'ConfirmRegistrationResult',
    'InvalidCredentialsError.errorCode',
    'InvalidCredentialsError.message',
    'WorkflowEventNotAcceptedError.errorCode',
    'WorkflowEventNotAcceptedError.message',
    'ConfirmRegistrationInput',
    'ConfirmRegistrationInput.deviceName',
    'SignInResult',
    'SecondFactorRequiredError.errorCode',
    'SecondFactorRequiredError.message',
    'InvalidSecondFactorError.errorCode',
    'InvalidSecondFactorError.message',
    'SignInInput',
    'SignInInput.email',
    'SignInInput.password',
    'SignInInput.deviceName',
    'RevokeSessionResult',
    'Success',
    'Success.ok',
    'ChangePasswordResult',
    'ParentLinkAccessError.errorCode',
    'ParentLinkAccessError.message',
    'ChangePasswordInput',
    'ChangePasswordInput.currentPassword',
    'ChangePasswordInput.newPassword',
    'ReauthenticateResult',
    'MfaNotEnabledError.errorCode',
    'MfaNotEnabledError.message',
    'ReauthenticateInput',
    'ReauthenticateInput.password',
    'ReauthenticateInput.totpCode',
    'ReauthenticateInput.recoveryCode',
    'SetupAccountResult',
    'InvalidSetupTokenError.errorCode',
    'InvalidSetupTokenError.message',
    'SetupAccountInput',
    'SetupAccountInput.password',
    'UpdateProfileResult',
    'UsernameTakenError.errorCode',
    'UsernameTakenError.message',
    'UpdateProfileInput.displayName',
    'UpdateProfileInput.locale',
    'UpdateProfileInput.country',
    'UpdateProfileInput.postalAddress',
    'UpdateProfileInput.accountSettings',
    'UpdateProfileInput.pictureUrl',
    'UpdateProfileInput.bio',
    'UpdateProfileInput.interests',
    'UpdateProfileInput.professionalCredentials',
    'PostalAddressInput',
    'PostalAddressInput.line1',
    'PostalAddressInput.line2',
    'PostalAddressInput.city',
    'PostalAddressInput.region',
    'PostalAddressInput.postalCode',
    'PostalAddressInput.country',
    'AccountSettingsInput',
    'AccountSettingsInput.timeZone',
    'AccountSettingsInput.securityAlerts',
    'AccountSettingsInput.productNotifications',
    'CookieConsentResult',
    'InvalidConsentPurposeError.errorCode',
    'InvalidConsentPurposeError.message',
    'CookieConsentInput.choices',
    'CookieChoiceInput',
    'CookieChoiceInput.granted',
    'RecordConsentResult',
    'RecordConsentInput',
    'RecordConsentInput.granted',
    'EnrollTotpResult',
    'TotpEnrollment.otpauthUri',
    'TotpEnrollment.secret',
    'MfaAlreadyEnabledError.errorCode',
    'MfaAlreadyEnabledError.message',
    'ReauthenticationRequiredError.errorCode',
    'ReauthenticationRequiredError.message',
    'ReauthenticationRequiredError.factor',
    'ReauthenticationFactor.PASSWORD',
    'ReauthenticationFactor.SECOND_FACTOR',
    'ConfirmTotpResult',
    'RecoveryCodes.recoveryCodes',
    'DisableTotpResult',
    'RegenerateRecoveryCodesResult',
    'RoleChangeResult',
    'RoleAssignment',
    'PlaceLegalHoldResult',
    'InvalidHoldReasonError',
    'InvalidHoldReasonError.errorCode',
    'InvalidHoldReasonError.message',
    'PlaceLegalHoldInput',
    'PlaceLegalHoldInput.subjectId',
    'ReleaseLegalHoldResult',
    'HoldAlreadyReleasedError',
    'HoldAlreadyReleasedError.errorCode',
    'HoldAlreadyReleasedError.message',
    'RegisterRecipientResult',
    'RegisteredRecipient',
    'RegisteredRecipient.recipient',
    'InvalidWebhookUrlError',
    'InvalidWebhookUrlError.errorCode',
    'InvalidWebhookUrlError.message',
    'InvalidRecipientEventsError',
    'InvalidRecipientEventsError.errorCode',
    'InvalidRecipientEventsError.message',
    'DuplicateRecipientError',
    'DuplicateRecipientError.errorCode',
    'DuplicateRecipientError.message',
    'RegisterRecipientInput',
    'RegisterRecipientInput.name',
    'RegisterRecipientInput.webhookUrl',
    'SetRecipientActiveResult',
    'RetryOutboxMessageResult',
    'OutboxMessageNotRetryableError.errorCode',
    'OutboxMessageNotRetryableError.message',
    'RetriedOutboxMessages.ids',
    'OutboxMessageChannel.EMAIL',
    'OutboxMessageChannel.WEBHOOK',
    'ConfirmActionLinkResult',
    'ActionLinkIncompleteError.errorCode',
    'ActionLinkIncompleteError.message',
    'ActionLinkFieldInput.name',
    'ActionLinkFieldInput.values',
    'RequestEmailChangeResult',
    'RequestEmailChangeInput',
    'OptOutByEmailReceipt.received',
    'OptOutByEmailReceipt.message',
    'OptOutByEmailInput',
    'OptInToSaleResult',
    'SaleOptInNotAllowedError.errorCode',
    'SaleOptInNotAllowedError.message',
    'RequestErasureResult',
    'ErasureRequest.id',
    'ErasureRequest.scope',
    'ErasureRequest.categories',
    'ErasureRequest.receivedAt',
    'ErasureRequest.respondedAt',
    'ErasureRequest.response',
    'ErasureScope.ACCOUNT',
    'ErasureScope.CATEGORIES',
    'InvalidErasureCategoriesError.errorCode',
    'InvalidErasureCategoriesError.message',
    'ErasureAlreadyRequestedError.errorCode',
    'ErasureAlreadyRequestedError.message',
    'ErasureAlreadyRequestedError.requestId',
    'RequestErasureInput',
    'RequestErasureInput.scope',
    'CancelErasureResult',
    'ErasureNotCancellableError.errorCode',
    'ErasureNotCancellableError.message',
    'RetryErasureResult',
    'ErasureNotRetryableError.errorCode',
    'ErasureNotRetryableError.message',
    'LinkGuardianAccountResult',
    'GuardianAccountLinked.childIds',
    'GuardianAccountNotEligibleError.errorCode',
    'GuardianAccountNotEligibleError.message',
    'UnlinkGuardianAccountResult',
    'GuardianAccountUnlinked.childIds',
    'SignInAsParentResult',
    'SetChildFeatureResult',
    'UnknownChildFeatureError.errorCode',
    'UnknownChildFeatureError.message',
    'FeatureNeedsVerificationError.errorCode',
    'FeatureNeedsVerificationError.message',
    'RevokeChildConsentResult',
    'DeleteChildDataResult',
    'ChildDataDeleted.childId',
    'RegisterChildResult',
    'ChildRegistration.childId',
    'AgeGateDecisionMissingError.errorCode',
    'AgeGateDecisionMissingError.message',
    'DateOfBirthMismatchError.errorCode',
    'DateOfBirthMismatchError.message',
    'UsernameMismatchError.errorCode',
    'UsernameMismatchError.message',
    'JointConsentRequiredError.errorCode',
    'JointConsentRequiredError.message',
    'RequestParentDashboardResult',
    'ParentDashboardRequested.message',
    'RequestParentDashboardInput.email',
    'SubmitParentalVerificationResult',
    'ParentalVerificationSubmitted.message',
    'EvidenceEmptyError.errorCode',
    'EvidenceEmptyError.message',
    'EvidenceTooLargeError.errorCode',
    'EvidenceTooLargeError.message',
    'EvidenceTypeError.errorCode',
    'EvidenceTypeError.message',
    'CallRequestInvalidError.errorCode',
    'CallRequestInvalidError.message',
    'SubmitParentalVerificationInput.callRequest',
    'DecideParentalVerificationResult',
    'ParentalVerificationDecision',
    'ParentalVerificationDecision.workflowId',
    'DecideParentalVerificationInput.workflowId',
    'CreateServiceKeyResult',
    'CreatedServiceKey',
    'CreatedServiceKey.serviceKey',
    'InvalidServiceKeyNameError',
    'InvalidServiceKeyNameError.errorCode',
    'InvalidServiceKeyNameError.message',
    'InvalidServiceKeyExpiryError',
    'InvalidServiceKeyExpiryError.errorCode',
    'InvalidServiceKeyExpiryError.message',
    'CreateServiceKeyInput',
    'RevokeServiceKeyResult',
    'ServiceKeyAlreadyRevokedError',
    'ServiceKeyAlreadyRevokedError.errorCode',
    'ServiceKeyAlreadyRevokedError.message',
    'SetSubjectExternalIdResult',
    'ExternalIdTakenError.errorCode',
    'ExternalIdTakenError.message',
    'InvalidExternalIdError.errorCode',
    'InvalidExternalIdError.message',
    'SetSubjectExternalIdInput.subjectId',
  ],
  'ISO scalars and dates': [
    'Me.country: String',
    'PostalAddress.region: String',
    'PostalAddress.country: String',
    'PrivacyPolicy.effectiveDate: String',
    'AgeGateInput.country: String',
    'AgeGateInput.region: String',
    'RegisterSubjectInput.country: String',
    'UpdateProfileInput.country: String',
    'PostalAddressInput.region: String',
    'PostalAddressInput.country: String',
  ],
  'ErrorCode without _ERROR': [
  ],
  'descriptions name no env var or npm script': [
    'GuardianChild.scheduledDeletionAt: "PARENTAL_REVOKED_RETENTION"',
    'ParentalVerificationCase.evidence: "PARENTAL_CONSENT_EXPIRY"',
    'Mutation.confirmRegistration: "LINK_MAX_WRONG_ATTEMPTS"',
    'Mutation.setupAccount: "npm run"',
    'Mutation.requestEmailChange: "EMAIL_CHANGE_LINK_TTL"',
    'Mutation.requestErasure: "ERASURE_REAUTH_WINDOW"',
    'Mutation.registerChild: "RATE_LIMIT_REGISTER_CHILD_DEVICE"',
    'SetupAccountInput.token: "npm run"',
    'EvidenceTooLargeError: "PARENTAL_EVIDENCE_MAX_BYTES"',
    'SubmitParentalVerificationInput.signedFormBase64: "PARENTAL_EVIDENCE_MAX_BYTES"',
  ],
};

function ratchet(rule: string, reported: string[]): void {
  // API_CONTRACT_DUMP=file writes what each rule reports, one JSON line per rule, to shrink the list from.
  if (process.env.API_CONTRACT_DUMP) appendFileSync(process.env.API_CONTRACT_DUMP, `${JSON.stringify({ rule, reported })}\n`);
  const known = KNOWN_VIOLATIONS[rule] ?? [];
  const newDebt = reported.filter((v) => !known.includes(v));
  const stale = known.filter((v) => !reported.includes(v));
  expect({ rule, newDebt, stale }).toEqual({ rule, newDebt: [], stale: [] });
}

describe('API contract (docs/api.md)', () => {
  it('every mutation takes one `input` object (or nothing) and answers a result union with its expected failures', () => {
    const errors = errorTypes();
    const broken: string[] = [];
    for (const [name, field] of Object.entries(schema.getMutationType()!.getFields())) {
      const args = field.args.map((a) => a.name);
      if (args.length > 1 || (args.length === 1 && (args[0] !== 'input' || !isNonNullType(field.args[0].type) || !isInputObjectType(getNullableType(field.args[0].type))))) {
        broken.push(`${name}(${args.join(', ')}): arguments must be one non-null \`input\` object`);
      }
      const result = getNullableType(field.type);
      if (!isNonNullType(field.type) || !isUnionType(result)) {
        broken.push(`${name}: must answer a non-null result union`);
        continue;
      }
      const members = result.getTypes();
      if (!members.some((m) => errors.has(m.name))) broken.push(`${name}: ${result.name} lists no error type`);
      if (!members.some((m) => !errors.has(m.name))) broken.push(`${name}: ${result.name} has no success type`);
    }
    ratchet('mutation shape', broken);
  });

  it('every mutation with input can answer InvalidInputError (format problems are data, like rule problems)', () => {
    const broken = Object.entries(schema.getMutationType()!.getFields())
      .filter(([, f]) => f.args.length === 1)
      .filter(([, f]) => {
        const u = getNullableType(f.type);
        return !isUnionType(u) || !u.getTypes().some((m) => m.name === 'InvalidInputError');
      })
      .map(([n]) => n);
    ratchet('mutation answers InvalidInputError', broken);
  });

  it('every error type is a member of some union, and every ErrorCode names an error type', () => {
    const errors = errorTypes();
    const inUnions = new Set(ownTypes().filter(isUnionType).flatMap((u) => u.getTypes().map((t) => t.name)));
    ratchet('error type in a union', [...errors].filter((e) => !inUnions.has(e)));
    const codes = schema.getType('ErrorCode');
    if (!isEnumType(codes)) throw new Error('ErrorCode enum missing');
    const byCode = new Set([...errors].map((e) => e.replace(/Error$/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()));
    ratchet('ErrorCode names an error type', codes.getValues().map((v) => v.name).filter((c) => !byCode.has(c)));
    ratchet('ErrorCode without _ERROR', codes.getValues().map((v) => v.name).filter((c) => /_ERROR$/.test(c)));
  });

  it('viewer fields are nullable: null for a caller they do not apply to, never a blanked response', () => {
    const query = schema.getQueryType()!.getFields();
    for (const viewer of ['me', 'guardian']) {
      expect(query[viewer]).toBeDefined();
      expect(isNonNullType(query[viewer].type)).toBe(false);
    }
  });

  it('closed sets are enums: no String field or argument named for a state, kind, method, role or reason', () => {
    const closedSetName = /^(status|state|kind|type|decision|method|givenBy|regime|manner|actorRole|role|reason|legalBasis|events?|consentStatus|outcome|right|assurance)$/;
    const broken: string[] = [];
    const isStringish = (t: GraphQLInputType | GraphQLOutputType) => getNamedType(t).name === 'String';
    for (const { owner, name, field } of allFields()) {
      if (closedSetName.test(name) && isStringish(field.type)) broken.push(`${owner.name}.${name}`);
      if ('args' in field) for (const a of field.args) if (closedSetName.test(a.name) && isStringish(a.type)) broken.push(`${owner.name}.${name}(${a.name})`);
    }
    ratchet('closed sets are enums', broken);
  });

  it('enum values are in one case style (UPPER_SNAKE)', () => {
    const broken = ownTypes()
      .filter(isEnumType)
      .flatMap((e) => e.getValues().filter((v) => !/^[A-Z][A-Z0-9_]*$/.test(v.name)).map((v) => `${e.name}.${v.name}`));
    ratchet('enum values UPPER_SNAKE', broken);
  });

  it('one pagination shape: every connection has edges { cursor node }, pageInfo: PageInfo!, a bounded `first` and `after`', () => {
    const broken: string[] = [];
    const pageInfo = schema.getType('PageInfo');
    if (!isObjectType(pageInfo)) throw new Error('PageInfo missing');
    for (const f of ['hasNextPage', 'endCursor']) if (!pageInfo.getFields()[f]) broken.push(`PageInfo.${f} missing`);
    for (const type of ownTypes()) {
      if (/PageInfo$/.test(type.name) && type.name !== 'PageInfo') broken.push(`${type.name}: use the one PageInfo`);
      if (!isObjectType(type) || !type.name.endsWith('Connection')) continue;
      const fields = type.getFields();
      const edges = fields.edges && getNamedType(fields.edges.type);
      if (!edges || !isObjectType(edges) || !edges.getFields().cursor || !edges.getFields().node) broken.push(`${type.name}.edges { cursor node }`);
      if (!fields.pageInfo || getNamedType(fields.pageInfo.type).name !== 'PageInfo' || !isNonNullType(fields.pageInfo.type)) broken.push(`${type.name}.pageInfo: PageInfo!`);
    }
    for (const type of ownTypes()) {
      if (!isObjectType(type)) continue;
      for (const [name, field] of Object.entries(type.getFields())) {
        if (!getNamedType(field.type).name.endsWith('Connection')) continue;
        const args = Object.fromEntries(field.args.map((a) => [a.name, a]));
        if (!args.first || getNamedType(args.first.type).name !== 'Int') broken.push(`${type.name}.${name}: needs first: Int`);
        if (!args.after) broken.push(`${type.name}.${name}: needs after`);
      }
    }
    ratchet('pagination shape', broken);
  });

  /**
   * Lists of objects that can grow with use are connections. The lists below are bounded by
   * something other than use (the policy's own data, a person's roles, one request's items), and
   * say so here; anything else returning [Object] fails.
   */
  const BOUNDED_LISTS: Record<string, string> = {};
  it('lists of objects that can grow are connections', () => {
    const broken: string[] = [];
    for (const type of ownTypes()) {
      if (!isObjectType(type) || type.name.endsWith('Connection') || type.name.endsWith('Edge')) continue;
      for (const [name, field] of Object.entries(type.getFields())) {
        const unwrapped = getNullableType(field.type);
        if (!isListType(unwrapped)) continue;
        const item = getNamedType(field.type);
        if (!isObjectType(item) && !isInterfaceType(item) && !isUnionType(item)) continue;
        if (type.name === 'Query' || type.name === 'Me' || type.name === 'Guardian' || type.name === 'GuardianChild') {
          const key = `${type.name}.${name}`;
          if (!(key in BOUNDED_LISTS)) broken.push(key);
        }
      }
    }
    ratchet('growing lists are connections', broken);
  });

  it('every entity-like object type has `id: ID!`', () => {
    // Entity-like: has an identity the cache can key on. Value types (results, errors, policy text,
    // connection plumbing) are recognised by shape or listed here with the reason.
    const errors = errorTypes();
    const keyedElsewhere = /(Id|Key)$/;
    const broken: string[] = [];
    for (const type of ownTypes()) {
      if (!isObjectType(type) || errors.has(type.name) || ['Query', 'Mutation'].includes(type.name)) continue;
      const fields = type.getFields();
      const keyish = Object.keys(fields).filter((f) => f !== 'id' && keyedElsewhere.test(f) && ['checkId', 'childId', 'workflowId', 'requestId', 'subjectId'].includes(f));
      if (keyish.length && (!fields.id || getNamedType(fields.id.type).name !== 'ID' || !isNonNullType(fields.id.type))) {
        broken.push(`${type.name} (keyed by ${keyish.join(', ')}) needs id: ID!`);
      }
    }
    ratchet('entity types have id', broken);
  });

  it('every type, field, argument and enum value has a description, written for the app developer', () => {
    const missing: string[] = [];
    const mentionsOps: string[] = [];
    const opsWords = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b(?=[^a-z]|$)|\bnpm (run|start|test)\b/;
    const enumNames = new Set(ownTypes().filter(isEnumType).flatMap((e) => e.getValues().map((v) => v.name)));
    const check = (where: string, description: string | null | undefined) => {
      if (!description || !description.trim()) missing.push(where);
      else {
        const hit = description.match(opsWords);
        if (hit && !enumNames.has(hit[0])) mentionsOps.push(`${where}: "${hit[0]}"`);
      }
    };
    for (const type of ownTypes()) {
      check(type.name, type.description);
      if (isEnumType(type)) for (const v of type.getValues()) check(`${type.name}.${v.name}`, v.description);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const [name, field] of Object.entries(type.getFields())) {
          // An interface's field documents every implementation's: ErrorResult's fields are described once.
          const inherited = isObjectType(type) && type.getInterfaces().some((i) => i.getFields()[name]?.description);
          if (!inherited) check(`${type.name}.${name}`, field.description);
          if ('args' in field) for (const a of field.args) check(`${type.name}.${name}(${a.name})`, a.description);
        }
      }
    }
    ratchet('descriptions present', missing);
    ratchet('descriptions name no env var or npm script', mentionsOps);
  });

  it('countries and subdivisions are ISO scalars, dates are Date or DateTime', () => {
    const broken: string[] = [];
    for (const { owner, name, field } of allFields()) {
      const named = getNamedType(field.type);
      if (/^(country|countryCode)$/.test(name) && named.name !== 'CountryCode') broken.push(`${owner.name}.${name}: ${named.name}`);
      if (/^(region|subdivision)$/.test(name) && named.name !== 'SubdivisionCode') broken.push(`${owner.name}.${name}: ${named.name}`);
      if (/(Date|At)$/.test(name) && named.name === 'String') broken.push(`${owner.name}.${name}: String`);
      if ('args' in field) {
        for (const a of field.args) {
          const an = getNamedType(a.type);
          if (/^(country|region)$/.test(a.name) && an.name === 'String') broken.push(`${owner.name}.${name}(${a.name})`);
        }
      }
    }
    ratchet('ISO scalars and dates', broken);
  });
});
