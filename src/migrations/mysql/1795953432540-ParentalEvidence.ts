import { MigrationInterface, QueryRunner } from "typeorm";

export class ParentalEvidence1795953432540 implements MigrationInterface {
    name = 'ParentalEvidence1795953432540'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`parental_evidence\` (\`id\` varchar(36) NOT NULL, \`workflowId\` varchar(36) NOT NULL, \`childId\` varchar(36) NOT NULL, \`method\` varchar(16) NOT NULL, \`contentType\` varchar(32) NULL, \`byteSize\` int NULL, \`sha256\` varchar(64) NULL, \`contact\` varchar(254) NULL, \`preferredTime\` varchar(200) NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`IDX_c8fb72142740c9062dea990e99\` (\`workflowId\`), INDEX \`IDX_e35748f35a43e65dc5a42300e1\` (\`childId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`parental_evidence_part\` (\`id\` varchar(36) NOT NULL, \`evidenceId\` varchar(36) NOT NULL, \`childId\` varchar(36) NOT NULL, \`seq\` int NOT NULL, \`data\` blob NOT NULL, INDEX \`IDX_7b79019f5a550d244c305bdf3e\` (\`childId\`), UNIQUE INDEX \`IDX_f099114dd6245a8a51392f3fc9\` (\`evidenceId\`, \`seq\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_f099114dd6245a8a51392f3fc9\` ON \`parental_evidence_part\``);
        await queryRunner.query(`DROP INDEX \`IDX_7b79019f5a550d244c305bdf3e\` ON \`parental_evidence_part\``);
        await queryRunner.query(`DROP TABLE \`parental_evidence_part\``);
        await queryRunner.query(`DROP INDEX \`IDX_e35748f35a43e65dc5a42300e1\` ON \`parental_evidence\``);
        await queryRunner.query(`DROP INDEX \`IDX_c8fb72142740c9062dea990e99\` ON \`parental_evidence\``);
        await queryRunner.query(`DROP TABLE \`parental_evidence\``);
    }

}
