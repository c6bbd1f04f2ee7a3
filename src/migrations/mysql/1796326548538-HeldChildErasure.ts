import { MigrationInterface, QueryRunner } from "typeorm";

export class HeldChildErasure1796326548538 implements MigrationInterface {
    name = 'HeldChildErasure1796326548538'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`guardian_link\` ADD \`heldErasure\` varchar(32) NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`guardian_link\` DROP COLUMN \`heldErasure\``);
    }

}
