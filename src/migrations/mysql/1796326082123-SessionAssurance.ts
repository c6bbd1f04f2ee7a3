import { MigrationInterface, QueryRunner } from "typeorm";

export class SessionAssurance1796326082123 implements MigrationInterface {
    name = 'SessionAssurance1796326082123'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`session\` ADD \`assurance\` varchar(16) NOT NULL DEFAULT 'password'`);
        // What existing sessions proved (issue 11 §6): the second factor where one was ever checked in them, none for parent-link sessions.
        await queryRunner.query(`UPDATE \`session\` SET \`assurance\` = 'second_factor' WHERE \`secondFactorVerifiedAt\` IS NOT NULL`);
        await queryRunner.query(`UPDATE \`session\` SET \`assurance\` = 'email_link' WHERE \`passwordVerifiedAt\` IS NULL AND \`secondFactorVerifiedAt\` IS NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`session\` DROP COLUMN \`assurance\``);
    }

}
