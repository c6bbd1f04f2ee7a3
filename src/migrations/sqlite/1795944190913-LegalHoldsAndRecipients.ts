import { MigrationInterface, QueryRunner } from "typeorm";

export class LegalHoldsAndRecipients1795944190913 implements MigrationInterface {
    name = 'LegalHoldsAndRecipients1795944190913'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "legal_hold" ("id" varchar(36) PRIMARY KEY NOT NULL, "subjectId" varchar(36) NOT NULL, "reason" varchar(64) NOT NULL, "note" text NOT NULL, "placedBy" varchar(36) NOT NULL, "placedAt" datetime(3) NOT NULL, "releasedBy" varchar(36), "releasedAt" datetime(3))`);
        await queryRunner.query(`CREATE INDEX "IDX_1b9e120ddbb68b609db0ccef9c" ON "legal_hold" ("subjectId", "releasedAt") `);
        await queryRunner.query(`CREATE TABLE "recipient" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(128) NOT NULL, "description" varchar(255) NOT NULL, "webhookUrl" varchar(2048) NOT NULL, "sealedSecret" text NOT NULL, "events" text NOT NULL, "active" boolean NOT NULL, "createdAt" datetime(3) NOT NULL, CONSTRAINT "UQ_51da25eada7f07c18588ca889d6" UNIQUE ("name"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "recipient"`);
        await queryRunner.query(`DROP INDEX "IDX_1b9e120ddbb68b609db0ccef9c"`);
        await queryRunner.query(`DROP TABLE "legal_hold"`);
    }

}
