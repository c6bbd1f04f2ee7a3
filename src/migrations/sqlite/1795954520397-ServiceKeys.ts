import { MigrationInterface, QueryRunner } from "typeorm";

export class ServiceKeys1795954520397 implements MigrationInterface {
    name = 'ServiceKeys1795954520397'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "service_key" ("id" varchar(36) PRIMARY KEY NOT NULL, "prefix" varchar(16) NOT NULL, "secretHash" varchar(64) NOT NULL, "name" varchar(128) NOT NULL, "description" varchar(500) NOT NULL, "createdBy" varchar(36) NOT NULL, "createdAt" datetime(3) NOT NULL, "lastUsedAt" datetime(3), "expiresAt" datetime(3), "revokedAt" datetime(3), "revokedBy" varchar(36), CONSTRAINT "UQ_30fc593470ad2961d35ed0464e0" UNIQUE ("prefix"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "service_key"`);
    }

}
