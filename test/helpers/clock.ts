import type { Clock } from '../../src/clock';
import { parseDuration } from '../../src/util/duration';

/** A clock the test owns: time moves only when the test moves it. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-03-02T10:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves time forward by milliseconds or a duration string ('24h', '7d'). */
  advance(by: number | string): Date {
    const ms = typeof by === 'number' ? by : parseDuration(by);
    if (ms === undefined) throw new Error(`bad duration ${by}`);
    this.current += ms;
    return this.now();
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
}
