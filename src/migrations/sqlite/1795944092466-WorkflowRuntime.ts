import { MigrationInterface, QueryRunner } from "typeorm";

export class WorkflowRuntime1795944092466 implements MigrationInterface {
    name = 'WorkflowRuntime1795944092466'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "action_token" ("id" varchar(36) PRIMARY KEY NOT NULL, "tokenHash" varchar(64) NOT NULL, "purpose" varchar(64) NOT NULL, "workflowId" varchar(36) NOT NULL, "event" varchar(64) NOT NULL, "locale" varchar(16) NOT NULL, "expiresAt" datetime(3) NOT NULL, "usedAt" datetime(3), "wrongAttempts" integer NOT NULL DEFAULT (0), "createdAt" datetime(3) NOT NULL, CONSTRAINT "UQ_18c011233cd00b89e700c36d57c" UNIQUE ("tokenHash"))`);
        await queryRunner.query(`CREATE INDEX "IDX_2b8551d811caeb26926366d4ed" ON "action_token" ("workflowId") `);
        await queryRunner.query(`CREATE TABLE "outbox_message" ("id" varchar(36) PRIMARY KEY NOT NULL, "channel" varchar(16) NOT NULL, "recipient" varchar(512) NOT NULL, "template" varchar(64), "locale" varchar(16) NOT NULL, "params" text NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL DEFAULT (0), "nextAttemptAt" datetime(3) NOT NULL, "lastError" text, "messageId" varchar(255) NOT NULL, "workflowId" varchar(36), "subjectId" varchar(64), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL, "sentAt" datetime(3))`);
        await queryRunner.query(`CREATE INDEX "IDX_43754ac2da8cc3624a8334760f" ON "outbox_message" ("workflowId") `);
        await queryRunner.query(`CREATE INDEX "IDX_77c1875845c0e4b7159770b023" ON "outbox_message" ("status", "nextAttemptAt") `);
        await queryRunner.query(`CREATE TABLE "timer" ("id" varchar(36) PRIMARY KEY NOT NULL, "workflowId" varchar(36) NOT NULL, "name" varchar(64) NOT NULL, "event" text NOT NULL, "fireAt" datetime(3) NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL DEFAULT (0), "lastError" text, "createdAt" datetime(3) NOT NULL, "firedAt" datetime(3))`);
        await queryRunner.query(`CREATE INDEX "IDX_aec58c13376d2388ff285bb1ba" ON "timer" ("workflowId", "name") `);
        await queryRunner.query(`CREATE INDEX "IDX_ad5934c2be67e146937ca25ec1" ON "timer" ("status", "fireAt") `);
        await queryRunner.query(`CREATE TABLE "workflow" ("id" varchar(36) PRIMARY KEY NOT NULL, "machineId" varchar(64) NOT NULL, "machineVersion" integer NOT NULL, "stateValue" varchar(255) NOT NULL, "status" varchar(16) NOT NULL, "snapshot" text NOT NULL, "version" integer NOT NULL, "subjectId" varchar(64), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_ca6cb23eea160de727a02c3d0b" ON "workflow" ("subjectId") `);
        await queryRunner.query(`CREATE INDEX "IDX_30ec2e00590804a2e3382358a0" ON "workflow" ("machineId", "status") `);
        await queryRunner.query(`CREATE TABLE "workflow_event" ("workflowId" varchar(36) NOT NULL, "eventId" varchar(128) NOT NULL, "type" varchar(64) NOT NULL, "processedAt" datetime(3) NOT NULL, PRIMARY KEY ("workflowId", "eventId"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "workflow_event"`);
        await queryRunner.query(`DROP INDEX "IDX_30ec2e00590804a2e3382358a0"`);
        await queryRunner.query(`DROP INDEX "IDX_ca6cb23eea160de727a02c3d0b"`);
        await queryRunner.query(`DROP TABLE "workflow"`);
        await queryRunner.query(`DROP INDEX "IDX_ad5934c2be67e146937ca25ec1"`);
        await queryRunner.query(`DROP INDEX "IDX_aec58c13376d2388ff285bb1ba"`);
        await queryRunner.query(`DROP TABLE "timer"`);
        await queryRunner.query(`DROP INDEX "IDX_77c1875845c0e4b7159770b023"`);
        await queryRunner.query(`DROP INDEX "IDX_43754ac2da8cc3624a8334760f"`);
        await queryRunner.query(`DROP TABLE "outbox_message"`);
        await queryRunner.query(`DROP INDEX "IDX_2b8551d811caeb26926366d4ed"`);
        await queryRunner.query(`DROP TABLE "action_token"`);
    }

}
