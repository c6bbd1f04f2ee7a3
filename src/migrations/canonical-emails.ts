import type { QueryRunner } from 'typeorm';
import { canonicalEmail } from '../util/email';

/**
 * Data step of the CanonicalEmails migrations (both dialects; this file is not a migration itself):
 * stored addresses become canonical (src/util/email.ts, issue 11 §8), so lookups by the canonical
 * form find them. Every stored address was already trimmed and lower-cased; what can differ is a
 * quoted local part, a Unicode domain (now IDNA ASCII) or a non-NFC local part, so only rows with a
 * quote, a backslash or a non-ASCII character are read. A subject whose canonical address another
 * subject already holds keeps its address (two accounts of one mailbox: for staff to resolve).
 */
export async function canonicalizeStoredEmails(queryRunner: QueryRunner, dialect: 'sqlite' | 'mysql'): Promise<void> {
  const q = (name: string) => (dialect === 'mysql' ? `\`${name}\`` : `"${name}"`);
  const suspect = (column: string) =>
    dialect === 'mysql'
      ? `(${q(column)} LIKE '%"%' OR ${q(column)} LIKE '%\\\\\\\\%' OR LENGTH(${q(column)}) <> CHAR_LENGTH(${q(column)}))`
      : `(${q(column)} LIKE '%"%' OR ${q(column)} LIKE '%\\%' OR length(CAST(${q(column)} AS BLOB)) <> length(${q(column)}))`;

  const subjects: { id: string; email: string }[] = await queryRunner.query(`SELECT ${q('id')}, ${q('email')} FROM ${q('subject')} WHERE ${suspect('email')}`);
  for (const { id, email } of subjects) {
    const canonical = canonicalEmail(email);
    if (!canonical || canonical === email) continue;
    const holders: unknown[] = await queryRunner.query(`SELECT ${q('id')} FROM ${q('subject')} WHERE ${q('email')} = ?`, [canonical]);
    if (holders.length) continue;
    await queryRunner.query(`UPDATE ${q('subject')} SET ${q('email')} = ? WHERE ${q('id')} = ?`, [canonical, id]);
  }

  const parents: { parentEmail: string }[] = await queryRunner.query(`SELECT DISTINCT ${q('parentEmail')} FROM ${q('guardian_link')} WHERE ${suspect('parentEmail')}`);
  for (const { parentEmail } of parents) {
    const canonical = canonicalEmail(parentEmail);
    if (!canonical || canonical === parentEmail) continue;
    await queryRunner.query(`UPDATE ${q('guardian_link')} SET ${q('parentEmail')} = ? WHERE ${q('parentEmail')} = ?`, [canonical, parentEmail]);
  }
}
