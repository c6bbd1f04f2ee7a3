import { MigrationInterface, QueryRunner } from "typeorm";

export class DeviceOptOut1796326539909 implements MigrationInterface {
    name = 'DeviceOptOut1796326539909'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`device_opt_out\` (\`deviceKey\` varchar(64) NOT NULL, \`deviceId\` varchar(128) NULL, \`recordedAt\` datetime(3) NOT NULL, \`notifiedAt\` datetime(3) NULL, INDEX \`IDX_6ccf568cd02a52b7a69c79f9b6\` (\`notifiedAt\`, \`recordedAt\`), PRIMARY KEY (\`deviceKey\`)) ENGINE=InnoDB`);
        // Devices opted out before this table: their per-device workflows already told the recipients.
        await queryRunner.query(`INSERT INTO device_opt_out (deviceKey, deviceId, recordedAt, notifiedAt) SELECT deviceKey, NULL, MIN(recordedAt), MIN(recordedAt) FROM consent_record WHERE deviceKey IS NOT NULL AND purpose = 'sale_share' AND decision = 'denied' GROUP BY deviceKey`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_6ccf568cd02a52b7a69c79f9b6\` ON \`device_opt_out\``);
        await queryRunner.query(`DROP TABLE \`device_opt_out\``);
    }

}
