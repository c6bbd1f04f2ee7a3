import { MigrationInterface, QueryRunner } from "typeorm";

export class ParentalEvidence1795953429949 implements MigrationInterface {
    name = 'ParentalEvidence1795953429949'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "parental_evidence" ("id" varchar(36) PRIMARY KEY NOT NULL, "workflowId" varchar(36) NOT NULL, "childId" varchar(36) NOT NULL, "method" varchar(16) NOT NULL, "contentType" varchar(32), "byteSize" integer, "sha256" varchar(64), "contact" varchar(254), "preferredTime" varchar(200), "createdAt" datetime(3) NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_c8fb72142740c9062dea990e99" ON "parental_evidence" ("workflowId") `);
        await queryRunner.query(`CREATE INDEX "IDX_e35748f35a43e65dc5a42300e1" ON "parental_evidence" ("childId") `);
        await queryRunner.query(`CREATE TABLE "parental_evidence_part" ("id" varchar(36) PRIMARY KEY NOT NULL, "evidenceId" varchar(36) NOT NULL, "childId" varchar(36) NOT NULL, "seq" integer NOT NULL, "data" blob NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_7b79019f5a550d244c305bdf3e" ON "parental_evidence_part" ("childId") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_f099114dd6245a8a51392f3fc9" ON "parental_evidence_part" ("evidenceId", "seq") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_f099114dd6245a8a51392f3fc9"`);
        await queryRunner.query(`DROP INDEX "IDX_7b79019f5a550d244c305bdf3e"`);
        await queryRunner.query(`DROP TABLE "parental_evidence_part"`);
        await queryRunner.query(`DROP INDEX "IDX_e35748f35a43e65dc5a42300e1"`);
        await queryRunner.query(`DROP INDEX "IDX_c8fb72142740c9062dea990e99"`);
        await queryRunner.query(`DROP TABLE "parental_evidence"`);
    }

}
