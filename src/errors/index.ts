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
  NOT_FOUND = 'NOT_FOUND',
  INVALID_INPUT = 'INVALID_INPUT',
  INVALID_DATE_OF_BIRTH = 'INVALID_DATE_OF_BIRTH',
  INVALID_CONSENT_PURPOSE = 'INVALID_CONSENT_PURPOSE',
  INVALID_HOLD_REASON = 'INVALID_HOLD_REASON',
  HOLD_ALREADY_RELEASED = 'HOLD_ALREADY_RELEASED',
  INVALID_WEBHOOK_URL = 'INVALID_WEBHOOK_URL',
  INVALID_RECIPIENT_EVENTS = 'INVALID_RECIPIENT_EVENTS',
  DUPLICATE_RECIPIENT = 'DUPLICATE_RECIPIENT',
  // identity
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  WEAK_PASSWORD = 'WEAK_PASSWORD',
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  USERNAME_TAKEN = 'USERNAME_TAKEN',
  SECOND_FACTOR_REQUIRED = 'SECOND_FACTOR_REQUIRED',
  INVALID_SECOND_FACTOR = 'INVALID_SECOND_FACTOR',
  REAUTHENTICATION_REQUIRED = 'REAUTHENTICATION_REQUIRED',
  MFA_ALREADY_ENABLED = 'MFA_ALREADY_ENABLED',
  MFA_NOT_ENABLED = 'MFA_NOT_ENABLED',
  INVALID_SETUP_TOKEN = 'INVALID_SETUP_TOKEN',
  RATE_LIMITED = 'RATE_LIMITED',
  PARENT_LINK_ACCESS = 'PARENT_LINK_ACCESS',
  WORKFLOW_NOT_FOUND = 'WORKFLOW_NOT_FOUND',
  WORKFLOW_EVENT_NOT_ACCEPTED = 'WORKFLOW_EVENT_NOT_ACCEPTED',
  ACTION_TOKEN_INVALID = 'ACTION_TOKEN_INVALID',
  ACTION_TOKEN_EXPIRED = 'ACTION_TOKEN_EXPIRED',
  ACTION_TOKEN_USED = 'ACTION_TOKEN_USED',
  ACTION_LINK_INCOMPLETE = 'ACTION_LINK_INCOMPLETE',
  OUTBOX_MESSAGE_NOT_RETRYABLE = 'OUTBOX_MESSAGE_NOT_RETRYABLE',
  // CCPA opt-out and processing decisions
  SALE_OPT_IN_NOT_ALLOWED = 'SALE_OPT_IN_NOT_ALLOWED',
  INVALID_PROCESSING_PURPOSE = 'INVALID_PROCESSING_PURPOSE',
  // erasure
  INVALID_ERASURE_CATEGORIES = 'INVALID_ERASURE_CATEGORIES',
  ERASURE_ALREADY_REQUESTED = 'ERASURE_ALREADY_REQUESTED',
  ERASURE_NOT_CANCELLABLE = 'ERASURE_NOT_CANCELLABLE',
  ERASURE_NOT_RETRYABLE = 'ERASURE_NOT_RETRYABLE',
  // parental consent
  AGE_GATE_DECISION_MISSING = 'AGE_GATE_DECISION_MISSING',
  DATE_OF_BIRTH_MISMATCH = 'DATE_OF_BIRTH_MISMATCH',
  USERNAME_MISMATCH = 'USERNAME_MISMATCH',
  JOINT_CONSENT_REQUIRED = 'JOINT_CONSENT_REQUIRED',
  UNKNOWN_CHILD_FEATURE = 'UNKNOWN_CHILD_FEATURE',
  FEATURE_NEEDS_VERIFICATION = 'FEATURE_NEEDS_VERIFICATION',
  GUARDIAN_ACCOUNT_NOT_ELIGIBLE = 'GUARDIAN_ACCOUNT_NOT_ELIGIBLE',
  // parental verification evidence (signed form, call request)
  EVIDENCE_EMPTY = 'EVIDENCE_EMPTY',
  EVIDENCE_TOO_LARGE = 'EVIDENCE_TOO_LARGE',
  EVIDENCE_TYPE = 'EVIDENCE_TYPE',
  CALL_REQUEST_INVALID = 'CALL_REQUEST_INVALID',
  // service keys
  INVALID_SERVICE_KEY_EXPIRY = 'INVALID_SERVICE_KEY_EXPIRY',
  INVALID_SERVICE_KEY_NAME = 'INVALID_SERVICE_KEY_NAME',
  SERVICE_KEY_ALREADY_REVOKED = 'SERVICE_KEY_ALREADY_REVOKED',
  // the site's own user ids (externalId)
  INVALID_EXTERNAL_ID = 'INVALID_EXTERNAL_ID',
  EXTERNAL_ID_TAKEN = 'EXTERNAL_ID_TAKEN',
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
