import { MigrationInterface, QueryRunner } from "typeorm";

export class SubjectAge1795946746308 implements MigrationInterface {
    name = 'SubjectAge1795946746308'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`subject_age\` (\`subjectId\` varchar(36) NOT NULL, \`birthDate\` varchar(10) NOT NULL, \`jurisdiction\` varchar(8) NOT NULL, \`source\` varchar(16) NOT NULL, \`recordedAt\` datetime(3) NOT NULL, PRIMARY KEY (\`subjectId\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE \`subject_age\``);
    }

}
