import { MigrationInterface, QueryRunner } from "typeorm";

export class WorkflowRuntime1795944096389 implements MigrationInterface {
    name = 'WorkflowRuntime1795944096389'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`action_token\` (\`id\` varchar(36) NOT NULL, \`tokenHash\` varchar(64) NOT NULL, \`purpose\` varchar(64) NOT NULL, \`workflowId\` varchar(36) NOT NULL, \`event\` varchar(64) NOT NULL, \`locale\` varchar(16) NOT NULL, \`expiresAt\` datetime(3) NOT NULL, \`usedAt\` datetime(3) NULL, \`wrongAttempts\` int NOT NULL DEFAULT '0', \`createdAt\` datetime(3) NOT NULL, INDEX \`IDX_2b8551d811caeb26926366d4ed\` (\`workflowId\`), UNIQUE INDEX \`IDX_18c011233cd00b89e700c36d57\` (\`tokenHash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`outbox_message\` (\`id\` varchar(36) NOT NULL, \`channel\` varchar(16) NOT NULL, \`recipient\` varchar(512) NOT NULL, \`template\` varchar(64) NULL, \`locale\` varchar(16) NOT NULL, \`params\` text NOT NULL, \`status\` varchar(16) NOT NULL, \`attempts\` int NOT NULL DEFAULT '0', \`nextAttemptAt\` datetime(3) NOT NULL, \`lastError\` text NULL, \`messageId\` varchar(255) NOT NULL, \`workflowId\` varchar(36) NULL, \`subjectId\` varchar(64) NULL, \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, \`sentAt\` datetime(3) NULL, INDEX \`IDX_43754ac2da8cc3624a8334760f\` (\`workflowId\`), INDEX \`IDX_77c1875845c0e4b7159770b023\` (\`status\`, \`nextAttemptAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`timer\` (\`id\` varchar(36) NOT NULL, \`workflowId\` varchar(36) NOT NULL, \`name\` varchar(64) NOT NULL, \`event\` text NOT NULL, \`fireAt\` datetime(3) NOT NULL, \`status\` varchar(16) NOT NULL, \`attempts\` int NOT NULL DEFAULT '0', \`lastError\` text NULL, \`createdAt\` datetime(3) NOT NULL, \`firedAt\` datetime(3) NULL, INDEX \`IDX_aec58c13376d2388ff285bb1ba\` (\`workflowId\`, \`name\`), INDEX \`IDX_ad5934c2be67e146937ca25ec1\` (\`status\`, \`fireAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`workflow\` (\`id\` varchar(36) NOT NULL, \`machineId\` varchar(64) NOT NULL, \`machineVersion\` int NOT NULL, \`stateValue\` varchar(255) NOT NULL, \`status\` varchar(16) NOT NULL, \`snapshot\` text NOT NULL, \`version\` int NOT NULL, \`subjectId\` varchar(64) NULL, \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, INDEX \`IDX_ca6cb23eea160de727a02c3d0b\` (\`subjectId\`), INDEX \`IDX_30ec2e00590804a2e3382358a0\` (\`machineId\`, \`status\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`workflow_event\` (\`workflowId\` varchar(36) NOT NULL, \`eventId\` varchar(128) NOT NULL, \`type\` varchar(64) NOT NULL, \`processedAt\` datetime(3) NOT NULL, PRIMARY KEY (\`workflowId\`, \`eventId\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE \`workflow_event\``);
        await queryRunner.query(`DROP INDEX \`IDX_30ec2e00590804a2e3382358a0\` ON \`workflow\``);
        await queryRunner.query(`DROP INDEX \`IDX_ca6cb23eea160de727a02c3d0b\` ON \`workflow\``);
        await queryRunner.query(`DROP TABLE \`workflow\``);
        await queryRunner.query(`DROP INDEX \`IDX_ad5934c2be67e146937ca25ec1\` ON \`timer\``);
        await queryRunner.query(`DROP INDEX \`IDX_aec58c13376d2388ff285bb1ba\` ON \`timer\``);
        await queryRunner.query(`DROP TABLE \`timer\``);
        await queryRunner.query(`DROP INDEX \`IDX_77c1875845c0e4b7159770b023\` ON \`outbox_message\``);
        await queryRunner.query(`DROP INDEX \`IDX_43754ac2da8cc3624a8334760f\` ON \`outbox_message\``);
        await queryRunner.query(`DROP TABLE \`outbox_message\``);
        await queryRunner.query(`DROP INDEX \`IDX_18c011233cd00b89e700c36d57\` ON \`action_token\``);
        await queryRunner.query(`DROP INDEX \`IDX_2b8551d811caeb26926366d4ed\` ON \`action_token\``);
        await queryRunner.query(`DROP TABLE \`action_token\``);
    }

}
