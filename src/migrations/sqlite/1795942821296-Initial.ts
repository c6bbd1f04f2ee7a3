import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795942821296 implements MigrationInterface {
    name = 'Initial1795942821296'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "policy_version" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "policyId" varchar(64) NOT NULL, "version" varchar(64) NOT NULL, "contentHash" varchar(64) NOT NULL, "document" text NOT NULL, "firstServedAt" datetime(3) NOT NULL, CONSTRAINT "UQ_fa0708ac80a4de6e4b7a1a54b8f" UNIQUE ("contentHash"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "policy_version"`);
    }

}
