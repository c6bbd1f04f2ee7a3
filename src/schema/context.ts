import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Services } from '../services';

/** What every resolver gets: who is asking, from where, under which request id, and the services. */
export interface RequestContext {
  requestId: string;
  logger: Logger;
  ip: string;
  userAgent?: string;
  services: Services;
  clock: Clock;
}
