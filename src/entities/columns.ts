import { Column, type ColumnOptions } from 'typeorm';

/**
 * Column kinds that mean the same on SQLite and MySQL/MariaDB, so one entity yields an equivalent
 * migration on each dialect. Times are UTC with millisecond precision and always set from the
 * Clock by the service (never by a database default), so tests that move time see consistent rows.
 */
export const TimeColumn = (options: Omit<ColumnOptions, 'type' | 'precision'> = {}) => Column({ type: 'datetime', precision: 3, ...options });

/** Up to 64 KiB of text (MySQL TEXT): JSON documents, snapshots, payloads. */
export const TextColumn = (options: Omit<ColumnOptions, 'type'> = {}) => Column({ type: 'text', ...options });

/** A short string; length in characters. */
export const StringColumn = (length: number, options: Omit<ColumnOptions, 'type' | 'length'> = {}) => Column({ type: 'varchar', length, ...options });
