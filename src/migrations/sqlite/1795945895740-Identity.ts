import { MigrationInterface, QueryRunner } from "typeorm";

export class Identity1795945895740 implements MigrationInterface {
    name = 'Identity1795945895740'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "profile" ("subjectId" varchar(36) PRIMARY KEY NOT NULL, "username" varchar(32), "pictureUrl" varchar(2048), "bio" text, "interests" text NOT NULL, "professionalCredentials" text NOT NULL, "updatedAt" datetime(3) NOT NULL, CONSTRAINT "UQ_d80b94dc62f7467403009d88062" UNIQUE ("username"))`);
        await queryRunner.query(`CREATE TABLE "rate_limit_counter" ("key" varchar(96) PRIMARY KEY NOT NULL, "windowStartedAt" datetime(3) NOT NULL, "hits" integer NOT NULL)`);
        await queryRunner.query(`CREATE TABLE "recovery_code" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "subjectId" varchar(36) NOT NULL, "codeHash" varchar(64) NOT NULL, "createdAt" datetime(3) NOT NULL, "usedAt" datetime(3))`);
        await queryRunner.query(`CREATE INDEX "IDX_e64b4a518017d323d629e2f3b1" ON "recovery_code" ("subjectId", "codeHash") `);
        await queryRunner.query(`CREATE TABLE "session" ("id" varchar(36) PRIMARY KEY NOT NULL, "subjectId" varchar(36) NOT NULL, "tokenHash" varchar(64) NOT NULL, "createdAt" datetime(3) NOT NULL, "expiresAt" datetime(3) NOT NULL, "lastUsedAt" datetime(3) NOT NULL, "revokedAt" datetime(3), "revokedReason" varchar(32), "ip" varchar(64) NOT NULL, "userAgent" varchar(512), "deviceName" varchar(100), "passwordVerifiedAt" datetime(3), "secondFactorVerifiedAt" datetime(3), CONSTRAINT "UQ_ff3b5bfd0767bd32942e5ccaad0" UNIQUE ("tokenHash"))`);
        await queryRunner.query(`CREATE INDEX "IDX_af172b1eac6e44a850fed4928c" ON "session" ("subjectId") `);
        await queryRunner.query(`CREATE TABLE "subject" ("id" varchar(36) PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "passwordHash" varchar(255), "passwordChangedAt" datetime(3), "status" varchar(32) NOT NULL, "roles" varchar(64) NOT NULL, "displayName" varchar(100) NOT NULL, "locale" varchar(35) NOT NULL, "country" varchar(2) NOT NULL, "telephone" varchar(32), "postalAddress" text, "accountSettings" text NOT NULL, "totpSecret" varchar(128), "mfaEnabledAt" datetime(3), "totpLastStep" integer, "setupTokenHash" varchar(64), "setupTokenExpiresAt" datetime(3), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL, "erasedAt" datetime(3), CONSTRAINT "UQ_167738b8dc3de628787ec810011" UNIQUE ("email"), CONSTRAINT "UQ_7df4de39a1f746fa542f057790a" UNIQUE ("setupTokenHash"))`);
        await queryRunner.query(`DROP INDEX "IDX_db1ed60ec3c516dc4d717da4dc"`);
        await queryRunner.query(`DROP INDEX "IDX_45452915f68f5a171bc4107b9e"`);
        await queryRunner.query(`CREATE TABLE "temporary_audit_event" ("seq" bigint PRIMARY KEY NOT NULL, "occurredAt" datetime(3) NOT NULL, "actorId" varchar(64), "actorRole" varchar(32) NOT NULL, "action" varchar(64) NOT NULL, "subjectId" varchar(64), "categories" text NOT NULL, "fields" text NOT NULL, "operation" varchar(128), "requestId" varchar(64), "ip" varchar(64), "details" text NOT NULL, "prevHash" varchar(64) NOT NULL, "hash" varchar(64) NOT NULL, "actorRef" varchar(64), "subjectRef" varchar(64), "ipRef" varchar(64))`);
        await queryRunner.query(`INSERT INTO "temporary_audit_event"("seq", "occurredAt", "actorId", "actorRole", "action", "subjectId", "categories", "fields", "operation", "requestId", "ip", "details", "prevHash", "hash") SELECT "seq", "occurredAt", "actorId", "actorRole", "action", "subjectId", "categories", "fields", "operation", "requestId", "ip", "details", "prevHash", "hash" FROM "audit_event"`);
        await queryRunner.query(`DROP TABLE "audit_event"`);
        await queryRunner.query(`ALTER TABLE "temporary_audit_event" RENAME TO "audit_event"`);
        await queryRunner.query(`CREATE INDEX "IDX_db1ed60ec3c516dc4d717da4dc" ON "audit_event" ("subjectId", "seq") `);
        await queryRunner.query(`CREATE INDEX "IDX_45452915f68f5a171bc4107b9e" ON "audit_event" ("action") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_45452915f68f5a171bc4107b9e"`);
        await queryRunner.query(`DROP INDEX "IDX_db1ed60ec3c516dc4d717da4dc"`);
        await queryRunner.query(`ALTER TABLE "audit_event" RENAME TO "temporary_audit_event"`);
        await queryRunner.query(`CREATE TABLE "audit_event" ("seq" bigint PRIMARY KEY NOT NULL, "occurredAt" datetime(3) NOT NULL, "actorId" varchar(64), "actorRole" varchar(32) NOT NULL, "action" varchar(64) NOT NULL, "subjectId" varchar(64), "categories" text NOT NULL, "fields" text NOT NULL, "operation" varchar(128), "requestId" varchar(64), "ip" varchar(64), "details" text NOT NULL, "prevHash" varchar(64) NOT NULL, "hash" varchar(64) NOT NULL)`);
        await queryRunner.query(`INSERT INTO "audit_event"("seq", "occurredAt", "actorId", "actorRole", "action", "subjectId", "categories", "fields", "operation", "requestId", "ip", "details", "prevHash", "hash") SELECT "seq", "occurredAt", "actorId", "actorRole", "action", "subjectId", "categories", "fields", "operation", "requestId", "ip", "details", "prevHash", "hash" FROM "temporary_audit_event"`);
        await queryRunner.query(`DROP TABLE "temporary_audit_event"`);
        await queryRunner.query(`CREATE INDEX "IDX_45452915f68f5a171bc4107b9e" ON "audit_event" ("action") `);
        await queryRunner.query(`CREATE INDEX "IDX_db1ed60ec3c516dc4d717da4dc" ON "audit_event" ("subjectId", "seq") `);
        await queryRunner.query(`DROP TABLE "subject"`);
        await queryRunner.query(`DROP INDEX "IDX_af172b1eac6e44a850fed4928c"`);
        await queryRunner.query(`DROP TABLE "session"`);
        await queryRunner.query(`DROP INDEX "IDX_e64b4a518017d323d629e2f3b1"`);
        await queryRunner.query(`DROP TABLE "recovery_code"`);
        await queryRunner.query(`DROP TABLE "rate_limit_counter"`);
        await queryRunner.query(`DROP TABLE "profile"`);
    }

}
