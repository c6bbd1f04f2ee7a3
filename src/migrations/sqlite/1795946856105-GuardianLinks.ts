import { MigrationInterface, QueryRunner } from "typeorm";

export class GuardianLinks1795946856105 implements MigrationInterface {
    name = 'GuardianLinks1795946856105'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "guardian_link" ("id" varchar(36) PRIMARY KEY NOT NULL, "childId" varchar(36) NOT NULL, "parentEmail" varchar(254) NOT NULL, "parentSubjectId" varchar(36), "status" varchar(32) NOT NULL, "verificationMethod" varchar(32), "permissions" text NOT NULL, "childBirthDate" varchar(10) NOT NULL, "jurisdiction" varchar(8) NOT NULL, "workflowId" varchar(36) NOT NULL, "consentedAt" datetime(3), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_d9701b9573bc796a1ceaf34e5f" ON "guardian_link" ("childId") `);
        await queryRunner.query(`CREATE INDEX "IDX_a8b9f7329ae99f9af5ea4b1c73" ON "guardian_link" ("parentEmail") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_a8b9f7329ae99f9af5ea4b1c73"`);
        await queryRunner.query(`DROP INDEX "IDX_d9701b9573bc796a1ceaf34e5f"`);
        await queryRunner.query(`DROP TABLE "guardian_link"`);
    }

}
