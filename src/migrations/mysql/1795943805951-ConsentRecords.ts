import { MigrationInterface, QueryRunner } from "typeorm";

export class ConsentRecords1795943805951 implements MigrationInterface {
    name = 'ConsentRecords1795943805951'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`consent_record\` (\`id\` varchar(36) NOT NULL, \`subjectId\` varchar(36) NULL, \`deviceKey\` varchar(64) NULL, \`purpose\` varchar(64) NOT NULL, \`decision\` varchar(16) NOT NULL, \`method\` varchar(32) NOT NULL, \`givenBy\` varchar(16) NOT NULL, \`givenBySubjectId\` varchar(36) NULL, \`policyVersionId\` int NOT NULL, \`evidence\` text NOT NULL, \`recordedAt\` datetime(3) NOT NULL, \`expiresAt\` datetime(3) NULL, INDEX \`IDX_2259d76f4002d657d78cc10a62\` (\`deviceKey\`, \`purpose\`, \`recordedAt\`), INDEX \`IDX_6ae9f8370ae0dc196c37096b06\` (\`subjectId\`, \`purpose\`, \`recordedAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_6ae9f8370ae0dc196c37096b06\` ON \`consent_record\``);
        await queryRunner.query(`DROP INDEX \`IDX_2259d76f4002d657d78cc10a62\` ON \`consent_record\``);
        await queryRunner.query(`DROP TABLE \`consent_record\``);
    }

}
