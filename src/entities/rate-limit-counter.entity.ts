import { Column, Entity, PrimaryColumn } from 'typeorm';
import { StringColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal, personal } from './personal-data';

/**
 * One fixed-window counter of a rate limit, shared by every process through the database.
 * The key is `<bucket>:<SHA-256 of the account or IP>`: no address or email in clear.
 */
@Entity('rate_limit_counter')
export class RateLimitCounter {
  @PrimaryColumn({ type: 'varchar', length: 96 })
  key!: string;

  @TimeColumn()
  windowStartedAt!: Date;

  @Column({ type: 'int' })
  hits!: number;
}

export const rateLimitCounterPersonalData = declarePersonalData(RateLimitCounter, {
  description: 'Rate-limit counters keyed by a hash of an email or IP address; they expire with their window.',
  columns: {
    key: personal('technical', { pseudonymous: true }),
    windowStartedAt: notPersonal,
    hits: notPersonal,
  },
  subjectRows: { none: 'keyed by a one-way hash of an email or IP address; expires within minutes' },
  erasure: { strategy: 'none' },
});
