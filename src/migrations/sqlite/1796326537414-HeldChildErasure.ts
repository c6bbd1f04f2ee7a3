import { MigrationInterface, QueryRunner } from "typeorm";

export class HeldChildErasure1796326537414 implements MigrationInterface {
    name = 'HeldChildErasure1796326537414'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_24c19ea24e07281db006790f5d"`);
        await queryRunner.query(`DROP INDEX "IDX_d9701b9573bc796a1ceaf34e5f"`);
        await queryRunner.query(`DROP INDEX "IDX_a8b9f7329ae99f9af5ea4b1c73"`);
        await queryRunner.query(`CREATE TABLE "temporary_guardian_link" ("id" varchar(36) PRIMARY KEY NOT NULL, "childId" varchar(36) NOT NULL, "parentEmail" varchar(254) NOT NULL, "parentSubjectId" varchar(36), "status" varchar(32) NOT NULL, "verificationMethod" varchar(32), "permissions" text NOT NULL, "childBirthDate" varchar(10) NOT NULL, "jurisdiction" varchar(8) NOT NULL, "workflowId" varchar(36) NOT NULL, "consentedAt" datetime(3), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL, "guardianAccountId" varchar(36), "heldErasure" varchar(32))`);
        await queryRunner.query(`INSERT INTO "temporary_guardian_link"("id", "childId", "parentEmail", "parentSubjectId", "status", "verificationMethod", "permissions", "childBirthDate", "jurisdiction", "workflowId", "consentedAt", "createdAt", "updatedAt", "guardianAccountId") SELECT "id", "childId", "parentEmail", "parentSubjectId", "status", "verificationMethod", "permissions", "childBirthDate", "jurisdiction", "workflowId", "consentedAt", "createdAt", "updatedAt", "guardianAccountId" FROM "guardian_link"`);
        await queryRunner.query(`DROP TABLE "guardian_link"`);
        await queryRunner.query(`ALTER TABLE "temporary_guardian_link" RENAME TO "guardian_link"`);
        await queryRunner.query(`CREATE INDEX "IDX_24c19ea24e07281db006790f5d" ON "guardian_link" ("guardianAccountId") `);
        await queryRunner.query(`CREATE INDEX "IDX_d9701b9573bc796a1ceaf34e5f" ON "guardian_link" ("childId") `);
        await queryRunner.query(`CREATE INDEX "IDX_a8b9f7329ae99f9af5ea4b1c73" ON "guardian_link" ("parentEmail") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_a8b9f7329ae99f9af5ea4b1c73"`);
        await queryRunner.query(`DROP INDEX "IDX_d9701b9573bc796a1ceaf34e5f"`);
        await queryRunner.query(`DROP INDEX "IDX_24c19ea24e07281db006790f5d"`);
        await queryRunner.query(`ALTER TABLE "guardian_link" RENAME TO "temporary_guardian_link"`);
        await queryRunner.query(`CREATE TABLE "guardian_link" ("id" varchar(36) PRIMARY KEY NOT NULL, "childId" varchar(36) NOT NULL, "parentEmail" varchar(254) NOT NULL, "parentSubjectId" varchar(36), "status" varchar(32) NOT NULL, "verificationMethod" varchar(32), "permissions" text NOT NULL, "childBirthDate" varchar(10) NOT NULL, "jurisdiction" varchar(8) NOT NULL, "workflowId" varchar(36) NOT NULL, "consentedAt" datetime(3), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL, "guardianAccountId" varchar(36))`);
        await queryRunner.query(`INSERT INTO "guardian_link"("id", "childId", "parentEmail", "parentSubjectId", "status", "verificationMethod", "permissions", "childBirthDate", "jurisdiction", "workflowId", "consentedAt", "createdAt", "updatedAt", "guardianAccountId") SELECT "id", "childId", "parentEmail", "parentSubjectId", "status", "verificationMethod", "permissions", "childBirthDate", "jurisdiction", "workflowId", "consentedAt", "createdAt", "updatedAt", "guardianAccountId" FROM "temporary_guardian_link"`);
        await queryRunner.query(`DROP TABLE "temporary_guardian_link"`);
        await queryRunner.query(`CREATE INDEX "IDX_a8b9f7329ae99f9af5ea4b1c73" ON "guardian_link" ("parentEmail") `);
        await queryRunner.query(`CREATE INDEX "IDX_d9701b9573bc796a1ceaf34e5f" ON "guardian_link" ("childId") `);
        await queryRunner.query(`CREATE INDEX "IDX_24c19ea24e07281db006790f5d" ON "guardian_link" ("guardianAccountId") `);
    }

}
