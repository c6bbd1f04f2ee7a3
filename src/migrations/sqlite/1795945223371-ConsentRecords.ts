import { MigrationInterface, QueryRunner } from "typeorm";

export class ConsentRecords1795945223371 implements MigrationInterface {
    name = 'ConsentRecords1795945223371'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "consent_record" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "subjectId" varchar(36), "deviceKey" varchar(64), "purpose" varchar(64) NOT NULL, "decision" varchar(16) NOT NULL, "method" varchar(32) NOT NULL, "givenBy" varchar(16) NOT NULL, "givenBySubjectId" varchar(36), "policyVersionId" integer NOT NULL, "evidence" text NOT NULL, "recordedAt" datetime(3) NOT NULL, "expiresAt" datetime(3))`);
        await queryRunner.query(`CREATE INDEX "IDX_40550d3239e4c4cf3411d9b11e" ON "consent_record" ("deviceKey", "purpose") `);
        await queryRunner.query(`CREATE INDEX "IDX_598dfaa4947dfac28f14ccd54e" ON "consent_record" ("subjectId", "purpose") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_598dfaa4947dfac28f14ccd54e"`);
        await queryRunner.query(`DROP INDEX "IDX_40550d3239e4c4cf3411d9b11e"`);
        await queryRunner.query(`DROP TABLE "consent_record"`);
    }

}
