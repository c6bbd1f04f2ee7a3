import { MigrationInterface, QueryRunner } from "typeorm";

export class ConsentRecords1795943802204 implements MigrationInterface {
    name = 'ConsentRecords1795943802204'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "consent_record" ("id" varchar(36) PRIMARY KEY NOT NULL, "subjectId" varchar(36), "deviceKey" varchar(64), "purpose" varchar(64) NOT NULL, "decision" varchar(16) NOT NULL, "method" varchar(32) NOT NULL, "givenBy" varchar(16) NOT NULL, "givenBySubjectId" varchar(36), "policyVersionId" integer NOT NULL, "evidence" text NOT NULL, "recordedAt" datetime(3) NOT NULL, "expiresAt" datetime(3))`);
        await queryRunner.query(`CREATE INDEX "IDX_2259d76f4002d657d78cc10a62" ON "consent_record" ("deviceKey", "purpose", "recordedAt") `);
        await queryRunner.query(`CREATE INDEX "IDX_6ae9f8370ae0dc196c37096b06" ON "consent_record" ("subjectId", "purpose", "recordedAt") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_6ae9f8370ae0dc196c37096b06"`);
        await queryRunner.query(`DROP INDEX "IDX_2259d76f4002d657d78cc10a62"`);
        await queryRunner.query(`DROP TABLE "consent_record"`);
    }

}
