import { MigrationInterface, QueryRunner } from "typeorm";

export class SubjectExternalId1796326163610 implements MigrationInterface {
    name = 'SubjectExternalId1796326163610'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Edited by hand: a binary collation, so site user ids compare exactly (case and all) as on
        // SQLite; under the database's utf8mb4_unicode_ci "AB" and "ab" would be one id. TypeORM does
        // not diff collations, so migration:check stays quiet about it.
        await queryRunner.query(`ALTER TABLE \`subject\` ADD \`externalId\` varchar(128) COLLATE utf8mb4_bin NULL`);
        await queryRunner.query(`ALTER TABLE \`subject\` ADD UNIQUE INDEX \`IDX_c391b329b12618f1172be6348d\` (\`externalId\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`subject\` DROP INDEX \`IDX_c391b329b12618f1172be6348d\``);
        await queryRunner.query(`ALTER TABLE \`subject\` DROP COLUMN \`externalId\``);
    }

}
