import { MigrationInterface, QueryRunner } from "typeorm";

export class GuardianLinks1795946862525 implements MigrationInterface {
    name = 'GuardianLinks1795946862525'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`guardian_link\` (\`id\` varchar(36) NOT NULL, \`childId\` varchar(36) NOT NULL, \`parentEmail\` varchar(254) NOT NULL, \`parentSubjectId\` varchar(36) NULL, \`status\` varchar(32) NOT NULL, \`verificationMethod\` varchar(32) NULL, \`permissions\` text NOT NULL, \`childBirthDate\` varchar(10) NOT NULL, \`jurisdiction\` varchar(8) NOT NULL, \`workflowId\` varchar(36) NOT NULL, \`consentedAt\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, INDEX \`IDX_d9701b9573bc796a1ceaf34e5f\` (\`childId\`), INDEX \`IDX_a8b9f7329ae99f9af5ea4b1c73\` (\`parentEmail\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_a8b9f7329ae99f9af5ea4b1c73\` ON \`guardian_link\``);
        await queryRunner.query(`DROP INDEX \`IDX_d9701b9573bc796a1ceaf34e5f\` ON \`guardian_link\``);
        await queryRunner.query(`DROP TABLE \`guardian_link\``);
    }

}
