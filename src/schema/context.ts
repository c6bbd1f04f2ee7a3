import type { Actor } from '../auth/roles';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Services } from '../services';

/** What every resolver gets: who is asking, from where, under which request id, and the services. */
export interface RequestContext {
  requestId: string;
  /** The signed-in actor, if the request carries a valid session. */
  actor?: Actor;
  /** Why a bearer token sent with the request did not give an actor (for a clearer UNAUTHENTICATED message). */
  authFailure?: 'invalid' | 'expired' | 'revoked' | 'service_key_invalid' | 'service_key_expired' | 'service_key_revoked';
  logger: Logger;
  ip: string;
  userAgent?: string;
  services: Services;
  clock: Clock;
  /** The request carried `Sec-GPC: 1` (Global Privacy Control, 11 CCR 7025). */
  gpc?: boolean;
  /** The app's device id from the `X-Consentry-Device` header (same format as the age gate's deviceId). */
  deviceId?: string;
}
