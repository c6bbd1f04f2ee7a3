import { MigrationInterface, QueryRunner } from "typeorm";

export class SubjectExternalId1796326147954 implements MigrationInterface {
    name = 'SubjectExternalId1796326147954'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "temporary_subject" ("id" varchar(36) PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "passwordHash" varchar(255), "passwordChangedAt" datetime(3), "status" varchar(32) NOT NULL, "roles" varchar(64) NOT NULL, "displayName" varchar(100) NOT NULL, "locale" varchar(35) NOT NULL, "country" varchar(2) NOT NULL, "telephone" varchar(32), "postalAddress" text, "accountSettings" text NOT NULL, "totpSecret" varchar(128), "mfaEnabledAt" datetime(3), "totpLastStep" integer, "setupTokenHash" varchar(64), "setupTokenExpiresAt" datetime(3), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL, "erasedAt" datetime(3), "externalId" varchar(128), CONSTRAINT "UQ_7df4de39a1f746fa542f057790a" UNIQUE ("setupTokenHash"), CONSTRAINT "UQ_167738b8dc3de628787ec810011" UNIQUE ("email"), CONSTRAINT "UQ_ccb82d5f54024dba9f69ee5940f" UNIQUE ("externalId"))`);
        await queryRunner.query(`INSERT INTO "temporary_subject"("id", "email", "passwordHash", "passwordChangedAt", "status", "roles", "displayName", "locale", "country", "telephone", "postalAddress", "accountSettings", "totpSecret", "mfaEnabledAt", "totpLastStep", "setupTokenHash", "setupTokenExpiresAt", "createdAt", "updatedAt", "erasedAt") SELECT "id", "email", "passwordHash", "passwordChangedAt", "status", "roles", "displayName", "locale", "country", "telephone", "postalAddress", "accountSettings", "totpSecret", "mfaEnabledAt", "totpLastStep", "setupTokenHash", "setupTokenExpiresAt", "createdAt", "updatedAt", "erasedAt" FROM "subject"`);
        await queryRunner.query(`DROP TABLE "subject"`);
        await queryRunner.query(`ALTER TABLE "temporary_subject" RENAME TO "subject"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "subject" RENAME TO "temporary_subject"`);
        await queryRunner.query(`CREATE TABLE "subject" ("id" varchar(36) PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "passwordHash" varchar(255), "passwordChangedAt" datetime(3), "status" varchar(32) NOT NULL, "roles" varchar(64) NOT NULL, "displayName" varchar(100) NOT NULL, "locale" varchar(35) NOT NULL, "country" varchar(2) NOT NULL, "telephone" varchar(32), "postalAddress" text, "accountSettings" text NOT NULL, "totpSecret" varchar(128), "mfaEnabledAt" datetime(3), "totpLastStep" integer, "setupTokenHash" varchar(64), "setupTokenExpiresAt" datetime(3), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL, "erasedAt" datetime(3), CONSTRAINT "UQ_7df4de39a1f746fa542f057790a" UNIQUE ("setupTokenHash"), CONSTRAINT "UQ_167738b8dc3de628787ec810011" UNIQUE ("email"))`);
        await queryRunner.query(`INSERT INTO "subject"("id", "email", "passwordHash", "passwordChangedAt", "status", "roles", "displayName", "locale", "country", "telephone", "postalAddress", "accountSettings", "totpSecret", "mfaEnabledAt", "totpLastStep", "setupTokenHash", "setupTokenExpiresAt", "createdAt", "updatedAt", "erasedAt") SELECT "id", "email", "passwordHash", "passwordChangedAt", "status", "roles", "displayName", "locale", "country", "telephone", "postalAddress", "accountSettings", "totpSecret", "mfaEnabledAt", "totpLastStep", "setupTokenHash", "setupTokenExpiresAt", "createdAt", "updatedAt", "erasedAt" FROM "temporary_subject"`);
        await queryRunner.query(`DROP TABLE "temporary_subject"`);
    }

}
