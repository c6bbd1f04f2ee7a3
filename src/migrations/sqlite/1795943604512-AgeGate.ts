import { MigrationInterface, QueryRunner } from "typeorm";

export class AgeGate1795943604512 implements MigrationInterface {
    name = 'AgeGate1795943604512'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "age_gate_check" ("id" varchar(36) PRIMARY KEY NOT NULL, "deviceKey" varchar(64) NOT NULL, "identifierKey" varchar(64), "birthDateKey" varchar(64) NOT NULL, "outcome" varchar(32) NOT NULL, "age" integer NOT NULL, "threshold" integer NOT NULL, "jointConsent" boolean NOT NULL, "limits" text NOT NULL, "jurisdiction" varchar(8) NOT NULL, "retried" boolean NOT NULL, "appliedCheckId" varchar(36) NOT NULL, "decidedAt" datetime(3) NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_83b1cdb2a37e5ecb25a1e24701" ON "age_gate_check" ("deviceKey") `);
        await queryRunner.query(`CREATE INDEX "IDX_3cdd3c843270725c1b069449b2" ON "age_gate_check" ("identifierKey") `);
        await queryRunner.query(`CREATE INDEX "IDX_3aaca9f1e02d0ce717cd806b27" ON "age_gate_check" ("decidedAt") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_3aaca9f1e02d0ce717cd806b27"`);
        await queryRunner.query(`DROP INDEX "IDX_3cdd3c843270725c1b069449b2"`);
        await queryRunner.query(`DROP INDEX "IDX_83b1cdb2a37e5ecb25a1e24701"`);
        await queryRunner.query(`DROP TABLE "age_gate_check"`);
    }

}
