import { MigrationInterface, QueryRunner } from "typeorm";

export class AuditTrail1795943244148 implements MigrationInterface {
    name = 'AuditTrail1795943244148'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`audit_event\` (\`seq\` bigint NOT NULL, \`occurredAt\` datetime(3) NOT NULL, \`actorId\` varchar(64) NULL, \`actorRole\` varchar(32) NOT NULL, \`action\` varchar(64) NOT NULL, \`subjectId\` varchar(64) NULL, \`categories\` text NOT NULL, \`fields\` text NOT NULL, \`operation\` varchar(128) NULL, \`requestId\` varchar(64) NULL, \`ip\` varchar(64) NULL, \`details\` text NOT NULL, \`prevHash\` varchar(64) NOT NULL, \`hash\` varchar(64) NOT NULL, INDEX \`IDX_45452915f68f5a171bc4107b9e\` (\`action\`), INDEX \`IDX_db1ed60ec3c516dc4d717da4dc\` (\`subjectId\`, \`seq\`), PRIMARY KEY (\`seq\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`audit_head\` (\`id\` int NOT NULL, \`seq\` bigint NOT NULL, \`hash\` varchar(64) NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE \`audit_head\``);
        await queryRunner.query(`DROP INDEX \`IDX_db1ed60ec3c516dc4d717da4dc\` ON \`audit_event\``);
        await queryRunner.query(`DROP INDEX \`IDX_45452915f68f5a171bc4107b9e\` ON \`audit_event\``);
        await queryRunner.query(`DROP TABLE \`audit_event\``);
    }

}
