import { MigrationInterface, QueryRunner } from "typeorm";

export class PrivacyRequests1795944276315 implements MigrationInterface {
    name = 'PrivacyRequests1795944276315'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "privacy_request" ("id" varchar(36) PRIMARY KEY NOT NULL, "type" varchar(64) NOT NULL, "regime" varchar(16) NOT NULL, "subjectId" varchar(36), "requesterEmail" varchar(254), "manner" varchar(32) NOT NULL, "status" varchar(32) NOT NULL, "receivedAt" datetime(3) NOT NULL, "dueAt" datetime(3) NOT NULL, "extendedDueAt" datetime(3), "extensionReason" text, "acknowledgedAt" datetime(3), "verification" text NOT NULL, "workflowId" varchar(36), "details" text NOT NULL, "respondedAt" datetime(3), "response" text, "denialBasis" text, "retainUntil" datetime(3))`);
        await queryRunner.query(`CREATE INDEX "IDX_6994d7f7ecdd0ac53f56fedd91" ON "privacy_request" ("subjectId") `);
        await queryRunner.query(`CREATE INDEX "IDX_8f3f3362fc18af1b0de765fe96" ON "privacy_request" ("status", "dueAt") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_8f3f3362fc18af1b0de765fe96"`);
        await queryRunner.query(`DROP INDEX "IDX_6994d7f7ecdd0ac53f56fedd91"`);
        await queryRunner.query(`DROP TABLE "privacy_request"`);
    }

}
