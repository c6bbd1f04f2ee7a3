import { MigrationInterface, QueryRunner } from "typeorm";

export class LegalHoldsAndRecipients1795944197240 implements MigrationInterface {
    name = 'LegalHoldsAndRecipients1795944197240'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`legal_hold\` (\`id\` varchar(36) NOT NULL, \`subjectId\` varchar(36) NOT NULL, \`reason\` varchar(64) NOT NULL, \`note\` text NOT NULL, \`placedBy\` varchar(36) NOT NULL, \`placedAt\` datetime(3) NOT NULL, \`releasedBy\` varchar(36) NULL, \`releasedAt\` datetime(3) NULL, INDEX \`IDX_1b9e120ddbb68b609db0ccef9c\` (\`subjectId\`, \`releasedAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`recipient\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(128) NOT NULL, \`description\` varchar(255) NOT NULL, \`webhookUrl\` varchar(2048) NOT NULL, \`sealedSecret\` text NOT NULL, \`events\` text NOT NULL, \`active\` tinyint NOT NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_51da25eada7f07c18588ca889d\` (\`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_51da25eada7f07c18588ca889d\` ON \`recipient\``);
        await queryRunner.query(`DROP TABLE \`recipient\``);
        await queryRunner.query(`DROP INDEX \`IDX_1b9e120ddbb68b609db0ccef9c\` ON \`legal_hold\``);
        await queryRunner.query(`DROP TABLE \`legal_hold\``);
    }

}
