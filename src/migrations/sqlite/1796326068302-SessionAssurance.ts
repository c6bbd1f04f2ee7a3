import { MigrationInterface, QueryRunner } from "typeorm";

export class SessionAssurance1796326068302 implements MigrationInterface {
    name = 'SessionAssurance1796326068302'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_af172b1eac6e44a850fed4928c"`);
        await queryRunner.query(`CREATE TABLE "temporary_session" ("id" varchar(36) PRIMARY KEY NOT NULL, "subjectId" varchar(36) NOT NULL, "tokenHash" varchar(64) NOT NULL, "createdAt" datetime(3) NOT NULL, "expiresAt" datetime(3) NOT NULL, "lastUsedAt" datetime(3) NOT NULL, "revokedAt" datetime(3), "revokedReason" varchar(32), "ip" varchar(64) NOT NULL, "userAgent" varchar(512), "deviceName" varchar(100), "passwordVerifiedAt" datetime(3), "secondFactorVerifiedAt" datetime(3), "assurance" varchar(16) NOT NULL DEFAULT ('password'), CONSTRAINT "UQ_ff3b5bfd0767bd32942e5ccaad0" UNIQUE ("tokenHash"))`);
        await queryRunner.query(`INSERT INTO "temporary_session"("id", "subjectId", "tokenHash", "createdAt", "expiresAt", "lastUsedAt", "revokedAt", "revokedReason", "ip", "userAgent", "deviceName", "passwordVerifiedAt", "secondFactorVerifiedAt") SELECT "id", "subjectId", "tokenHash", "createdAt", "expiresAt", "lastUsedAt", "revokedAt", "revokedReason", "ip", "userAgent", "deviceName", "passwordVerifiedAt", "secondFactorVerifiedAt" FROM "session"`);
        await queryRunner.query(`DROP TABLE "session"`);
        await queryRunner.query(`ALTER TABLE "temporary_session" RENAME TO "session"`);
        await queryRunner.query(`CREATE INDEX "IDX_af172b1eac6e44a850fed4928c" ON "session" ("subjectId") `);
        // What existing sessions proved (issue 11 §6): the second factor where one was ever checked in them, none for parent-link sessions.
        await queryRunner.query(`UPDATE "session" SET "assurance" = 'second_factor' WHERE "secondFactorVerifiedAt" IS NOT NULL`);
        await queryRunner.query(`UPDATE "session" SET "assurance" = 'email_link' WHERE "passwordVerifiedAt" IS NULL AND "secondFactorVerifiedAt" IS NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_af172b1eac6e44a850fed4928c"`);
        await queryRunner.query(`ALTER TABLE "session" RENAME TO "temporary_session"`);
        await queryRunner.query(`CREATE TABLE "session" ("id" varchar(36) PRIMARY KEY NOT NULL, "subjectId" varchar(36) NOT NULL, "tokenHash" varchar(64) NOT NULL, "createdAt" datetime(3) NOT NULL, "expiresAt" datetime(3) NOT NULL, "lastUsedAt" datetime(3) NOT NULL, "revokedAt" datetime(3), "revokedReason" varchar(32), "ip" varchar(64) NOT NULL, "userAgent" varchar(512), "deviceName" varchar(100), "passwordVerifiedAt" datetime(3), "secondFactorVerifiedAt" datetime(3), CONSTRAINT "UQ_ff3b5bfd0767bd32942e5ccaad0" UNIQUE ("tokenHash"))`);
        await queryRunner.query(`INSERT INTO "session"("id", "subjectId", "tokenHash", "createdAt", "expiresAt", "lastUsedAt", "revokedAt", "revokedReason", "ip", "userAgent", "deviceName", "passwordVerifiedAt", "secondFactorVerifiedAt") SELECT "id", "subjectId", "tokenHash", "createdAt", "expiresAt", "lastUsedAt", "revokedAt", "revokedReason", "ip", "userAgent", "deviceName", "passwordVerifiedAt", "secondFactorVerifiedAt" FROM "temporary_session"`);
        await queryRunner.query(`DROP TABLE "temporary_session"`);
        await queryRunner.query(`CREATE INDEX "IDX_af172b1eac6e44a850fed4928c" ON "session" ("subjectId") `);
    }

}
