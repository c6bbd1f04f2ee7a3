import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795942822883 implements MigrationInterface {
    name = 'Initial1795942822883'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`policy_version\` (\`id\` int NOT NULL AUTO_INCREMENT, \`policyId\` varchar(64) NOT NULL, \`version\` varchar(64) NOT NULL, \`contentHash\` varchar(64) NOT NULL, \`document\` text NOT NULL, \`firstServedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_fa0708ac80a4de6e4b7a1a54b8\` (\`contentHash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_fa0708ac80a4de6e4b7a1a54b8\` ON \`policy_version\``);
        await queryRunner.query(`DROP TABLE \`policy_version\``);
    }

}
