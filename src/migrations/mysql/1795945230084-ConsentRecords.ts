import { MigrationInterface, QueryRunner } from "typeorm";

export class ConsentRecords1795945230084 implements MigrationInterface {
    name = 'ConsentRecords1795945230084'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`consent_record\` (\`id\` int NOT NULL AUTO_INCREMENT, \`subjectId\` varchar(36) NULL, \`deviceKey\` varchar(64) NULL, \`purpose\` varchar(64) NOT NULL, \`decision\` varchar(16) NOT NULL, \`method\` varchar(32) NOT NULL, \`givenBy\` varchar(16) NOT NULL, \`givenBySubjectId\` varchar(36) NULL, \`policyVersionId\` int NOT NULL, \`evidence\` text NOT NULL, \`recordedAt\` datetime(3) NOT NULL, \`expiresAt\` datetime(3) NULL, INDEX \`IDX_40550d3239e4c4cf3411d9b11e\` (\`deviceKey\`, \`purpose\`), INDEX \`IDX_598dfaa4947dfac28f14ccd54e\` (\`subjectId\`, \`purpose\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_598dfaa4947dfac28f14ccd54e\` ON \`consent_record\``);
        await queryRunner.query(`DROP INDEX \`IDX_40550d3239e4c4cf3411d9b11e\` ON \`consent_record\``);
        await queryRunner.query(`DROP TABLE \`consent_record\``);
    }

}
