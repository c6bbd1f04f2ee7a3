import { MigrationInterface, QueryRunner } from "typeorm";
import { canonicalizeStoredEmails } from "../canonical-emails";

/** Stored email addresses in their canonical form (issue 11 §8). Data only: nothing to undo. */
export class CanonicalEmails1796326090000 implements MigrationInterface {
    name = 'CanonicalEmails1796326090000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await canonicalizeStoredEmails(queryRunner, 'sqlite');
    }

    public async down(): Promise<void> {
        // The canonical forms reach the same mailboxes: nothing to restore.
    }

}
