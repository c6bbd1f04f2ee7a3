import { MigrationInterface, QueryRunner } from "typeorm";

export class LinkGuardianAccount1795953682540 implements MigrationInterface {
    name = 'LinkGuardianAccount1795953682540'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`guardian_link\` ADD \`guardianAccountId\` varchar(36) NULL`);
        await queryRunner.query(`CREATE INDEX \`IDX_24c19ea24e07281db006790f5d\` ON \`guardian_link\` (\`guardianAccountId\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_24c19ea24e07281db006790f5d\` ON \`guardian_link\``);
        await queryRunner.query(`ALTER TABLE \`guardian_link\` DROP COLUMN \`guardianAccountId\``);
    }

}
