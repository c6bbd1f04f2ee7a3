import { MigrationInterface, QueryRunner } from "typeorm";

export class ServiceKeys1795954531759 implements MigrationInterface {
    name = 'ServiceKeys1795954531759'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`service_key\` (\`id\` varchar(36) NOT NULL, \`prefix\` varchar(16) NOT NULL, \`secretHash\` varchar(64) NOT NULL, \`name\` varchar(128) NOT NULL, \`description\` varchar(500) NOT NULL, \`createdBy\` varchar(36) NOT NULL, \`createdAt\` datetime(3) NOT NULL, \`lastUsedAt\` datetime(3) NULL, \`expiresAt\` datetime(3) NULL, \`revokedAt\` datetime(3) NULL, \`revokedBy\` varchar(36) NULL, UNIQUE INDEX \`IDX_30fc593470ad2961d35ed0464e\` (\`prefix\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_30fc593470ad2961d35ed0464e\` ON \`service_key\``);
        await queryRunner.query(`DROP TABLE \`service_key\``);
    }

}
