import { MigrationInterface, QueryRunner } from "typeorm";

export class AuditTrail1795943242542 implements MigrationInterface {
    name = 'AuditTrail1795943242542'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "audit_event" ("seq" bigint PRIMARY KEY NOT NULL, "occurredAt" datetime(3) NOT NULL, "actorId" varchar(64), "actorRole" varchar(32) NOT NULL, "action" varchar(64) NOT NULL, "subjectId" varchar(64), "categories" text NOT NULL, "fields" text NOT NULL, "operation" varchar(128), "requestId" varchar(64), "ip" varchar(64), "details" text NOT NULL, "prevHash" varchar(64) NOT NULL, "hash" varchar(64) NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_45452915f68f5a171bc4107b9e" ON "audit_event" ("action") `);
        await queryRunner.query(`CREATE INDEX "IDX_db1ed60ec3c516dc4d717da4dc" ON "audit_event" ("subjectId", "seq") `);
        await queryRunner.query(`CREATE TABLE "audit_head" ("id" integer PRIMARY KEY NOT NULL, "seq" bigint NOT NULL, "hash" varchar(64) NOT NULL)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "audit_head"`);
        await queryRunner.query(`DROP INDEX "IDX_db1ed60ec3c516dc4d717da4dc"`);
        await queryRunner.query(`DROP INDEX "IDX_45452915f68f5a171bc4107b9e"`);
        await queryRunner.query(`DROP TABLE "audit_event"`);
    }

}
