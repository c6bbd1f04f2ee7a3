import { MigrationInterface, QueryRunner } from "typeorm";

export class PrivacyRequests1795944278814 implements MigrationInterface {
    name = 'PrivacyRequests1795944278814'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`privacy_request\` (\`id\` varchar(36) NOT NULL, \`type\` varchar(64) NOT NULL, \`regime\` varchar(16) NOT NULL, \`subjectId\` varchar(36) NULL, \`requesterEmail\` varchar(254) NULL, \`manner\` varchar(32) NOT NULL, \`status\` varchar(32) NOT NULL, \`receivedAt\` datetime(3) NOT NULL, \`dueAt\` datetime(3) NOT NULL, \`extendedDueAt\` datetime(3) NULL, \`extensionReason\` text NULL, \`acknowledgedAt\` datetime(3) NULL, \`verification\` text NOT NULL, \`workflowId\` varchar(36) NULL, \`details\` text NOT NULL, \`respondedAt\` datetime(3) NULL, \`response\` text NULL, \`denialBasis\` text NULL, \`retainUntil\` datetime(3) NULL, INDEX \`IDX_6994d7f7ecdd0ac53f56fedd91\` (\`subjectId\`), INDEX \`IDX_8f3f3362fc18af1b0de765fe96\` (\`status\`, \`dueAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_8f3f3362fc18af1b0de765fe96\` ON \`privacy_request\``);
        await queryRunner.query(`DROP INDEX \`IDX_6994d7f7ecdd0ac53f56fedd91\` ON \`privacy_request\``);
        await queryRunner.query(`DROP TABLE \`privacy_request\``);
    }

}
