/**
 * Errors of the domain, independent of GraphQL.
 *
 * - An expected outcome that is not success (an expired link, a wrong password) is returned as data:
 *   a `DomainError` with one `ErrorCode`; the schema turns it into an object type of a result union.
 * - An exceptional request (not signed in, not allowed, malformed input) is thrown as a
 *   `RequestError`; the schema answers it as a GraphQL error with `extensions.code`.
 * - Anything else is a bug: masked to "Internal error" with the request id, and logged.
 */

/** Codes of the errors returned as data, one per ErrorResult type in the schema. */
export enum ErrorCode {
  NOT_FOUND_ERROR = 'NOT_FOUND_ERROR',
  INVALID_DATE_OF_BIRTH_ERROR = 'INVALID_DATE_OF_BIRTH_ERROR',
  INVALID_CONSENT_PURPOSE_ERROR = 'INVALID_CONSENT_PURPOSE_ERROR',
  INVALID_HOLD_REASON_ERROR = 'INVALID_HOLD_REASON_ERROR',
  HOLD_ALREADY_RELEASED_ERROR = 'HOLD_ALREADY_RELEASED_ERROR',
  INVALID_WEBHOOK_URL_ERROR = 'INVALID_WEBHOOK_URL_ERROR',
  INVALID_RECIPIENT_EVENTS_ERROR = 'INVALID_RECIPIENT_EVENTS_ERROR',
  DUPLICATE_RECIPIENT_ERROR = 'DUPLICATE_RECIPIENT_ERROR',
  // identity
  INVALID_CREDENTIALS_ERROR = 'INVALID_CREDENTIALS_ERROR',
  WEAK_PASSWORD_ERROR = 'WEAK_PASSWORD_ERROR',
  EMAIL_TAKEN_ERROR = 'EMAIL_TAKEN_ERROR',
  USERNAME_TAKEN_ERROR = 'USERNAME_TAKEN_ERROR',
  SECOND_FACTOR_REQUIRED_ERROR = 'SECOND_FACTOR_REQUIRED_ERROR',
  INVALID_SECOND_FACTOR_ERROR = 'INVALID_SECOND_FACTOR_ERROR',
  REAUTHENTICATION_REQUIRED_ERROR = 'REAUTHENTICATION_REQUIRED_ERROR',
  MFA_ALREADY_ENABLED_ERROR = 'MFA_ALREADY_ENABLED_ERROR',
  MFA_NOT_ENABLED_ERROR = 'MFA_NOT_ENABLED_ERROR',
  INVALID_SETUP_TOKEN_ERROR = 'INVALID_SETUP_TOKEN_ERROR',
  RATE_LIMITED_ERROR = 'RATE_LIMITED_ERROR',
  PARENT_LINK_ACCESS_ERROR = 'PARENT_LINK_ACCESS_ERROR',
  WORKFLOW_NOT_FOUND_ERROR = 'WORKFLOW_NOT_FOUND_ERROR',
  WORKFLOW_EVENT_NOT_ACCEPTED_ERROR = 'WORKFLOW_EVENT_NOT_ACCEPTED_ERROR',
  ACTION_TOKEN_INVALID_ERROR = 'ACTION_TOKEN_INVALID_ERROR',
  ACTION_TOKEN_EXPIRED_ERROR = 'ACTION_TOKEN_EXPIRED_ERROR',
  ACTION_TOKEN_USED_ERROR = 'ACTION_TOKEN_USED_ERROR',
  ACTION_LINK_INCOMPLETE_ERROR = 'ACTION_LINK_INCOMPLETE_ERROR',
  OUTBOX_MESSAGE_NOT_RETRYABLE_ERROR = 'OUTBOX_MESSAGE_NOT_RETRYABLE_ERROR',
  // CCPA opt-out and processing decisions
  SALE_OPT_IN_NOT_ALLOWED_ERROR = 'SALE_OPT_IN_NOT_ALLOWED_ERROR',
  INVALID_PROCESSING_PURPOSE_ERROR = 'INVALID_PROCESSING_PURPOSE_ERROR',
  // erasure
  INVALID_ERASURE_CATEGORIES_ERROR = 'INVALID_ERASURE_CATEGORIES_ERROR',
  ERASURE_ALREADY_REQUESTED_ERROR = 'ERASURE_ALREADY_REQUESTED_ERROR',
  ERASURE_NOT_CANCELLABLE_ERROR = 'ERASURE_NOT_CANCELLABLE_ERROR',
  ERASURE_NOT_RETRYABLE_ERROR = 'ERASURE_NOT_RETRYABLE_ERROR',
  // parental consent
  AGE_GATE_DECISION_MISSING_ERROR = 'AGE_GATE_DECISION_MISSING_ERROR',
  DATE_OF_BIRTH_MISMATCH_ERROR = 'DATE_OF_BIRTH_MISMATCH_ERROR',
  USERNAME_MISMATCH_ERROR = 'USERNAME_MISMATCH_ERROR',
  JOINT_CONSENT_REQUIRED_ERROR = 'JOINT_CONSENT_REQUIRED_ERROR',
  UNKNOWN_CHILD_FEATURE_ERROR = 'UNKNOWN_CHILD_FEATURE_ERROR',
  FEATURE_NEEDS_VERIFICATION_ERROR = 'FEATURE_NEEDS_VERIFICATION_ERROR',
  GUARDIAN_ACCOUNT_NOT_ELIGIBLE_ERROR = 'GUARDIAN_ACCOUNT_NOT_ELIGIBLE_ERROR',
  // parental verification evidence (signed form, call request)
  EVIDENCE_EMPTY_ERROR = 'EVIDENCE_EMPTY_ERROR',
  EVIDENCE_TOO_LARGE_ERROR = 'EVIDENCE_TOO_LARGE_ERROR',
  EVIDENCE_TYPE_ERROR = 'EVIDENCE_TYPE_ERROR',
  CALL_REQUEST_INVALID_ERROR = 'CALL_REQUEST_INVALID_ERROR',
  // service keys
  INVALID_SERVICE_KEY_EXPIRY_ERROR = 'INVALID_SERVICE_KEY_EXPIRY_ERROR',
  INVALID_SERVICE_KEY_NAME_ERROR = 'INVALID_SERVICE_KEY_NAME_ERROR',
  SERVICE_KEY_ALREADY_REVOKED_ERROR = 'SERVICE_KEY_ALREADY_REVOKED_ERROR',
  // the site's own user ids (externalId)
  INVALID_EXTERNAL_ID_ERROR = 'INVALID_EXTERNAL_ID_ERROR',
  EXTERNAL_ID_TAKEN_ERROR = 'EXTERNAL_ID_TAKEN_ERROR',
}

/** An expected failure, returned to the client as a member of a result union. */
export class DomainError {
  constructor(
    readonly errorCode: ErrorCode,
    readonly message: string,
    /** Extra fields of the specific error type (e.g. retryAfterSeconds), set on the error itself. */
    details: Record<string, unknown> = {},
  ) {
    Object.assign(this, details);
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

/** Codes of thrown errors, as they appear in `errors[].extensions.code`. */
export type RequestErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'RATE_LIMITED' | 'CONFLICT';

/** An exceptional request, answered as a GraphQL error with a stable code and a message meant for the client. */
export class RequestError extends Error {
  constructor(
    readonly code: RequestErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** A failure to start (bad config, unreachable database): printed as one line, exit code 1. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
