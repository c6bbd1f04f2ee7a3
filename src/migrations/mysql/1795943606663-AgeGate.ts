import { MigrationInterface, QueryRunner } from "typeorm";

export class AgeGate1795943606663 implements MigrationInterface {
    name = 'AgeGate1795943606663'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`age_gate_check\` (\`id\` varchar(36) NOT NULL, \`deviceKey\` varchar(64) NOT NULL, \`identifierKey\` varchar(64) NULL, \`birthDateKey\` varchar(64) NOT NULL, \`outcome\` varchar(32) NOT NULL, \`age\` int NOT NULL, \`threshold\` int NOT NULL, \`jointConsent\` tinyint NOT NULL, \`limits\` text NOT NULL, \`jurisdiction\` varchar(8) NOT NULL, \`retried\` tinyint NOT NULL, \`appliedCheckId\` varchar(36) NOT NULL, \`decidedAt\` datetime(3) NOT NULL, INDEX \`IDX_83b1cdb2a37e5ecb25a1e24701\` (\`deviceKey\`), INDEX \`IDX_3cdd3c843270725c1b069449b2\` (\`identifierKey\`), INDEX \`IDX_3aaca9f1e02d0ce717cd806b27\` (\`decidedAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_3aaca9f1e02d0ce717cd806b27\` ON \`age_gate_check\``);
        await queryRunner.query(`DROP INDEX \`IDX_3cdd3c843270725c1b069449b2\` ON \`age_gate_check\``);
        await queryRunner.query(`DROP INDEX \`IDX_83b1cdb2a37e5ecb25a1e24701\` ON \`age_gate_check\``);
        await queryRunner.query(`DROP TABLE \`age_gate_check\``);
    }

}
