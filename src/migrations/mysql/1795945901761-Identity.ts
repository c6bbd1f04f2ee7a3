import { MigrationInterface, QueryRunner } from "typeorm";

export class Identity1795945901761 implements MigrationInterface {
    name = 'Identity1795945901761'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`profile\` (\`subjectId\` varchar(36) NOT NULL, \`username\` varchar(32) NULL, \`pictureUrl\` varchar(2048) NULL, \`bio\` text NULL, \`interests\` text NOT NULL, \`professionalCredentials\` text NOT NULL, \`updatedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_d80b94dc62f7467403009d8806\` (\`username\`), PRIMARY KEY (\`subjectId\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`rate_limit_counter\` (\`key\` varchar(96) NOT NULL, \`windowStartedAt\` datetime(3) NOT NULL, \`hits\` int NOT NULL, PRIMARY KEY (\`key\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`recovery_code\` (\`id\` int NOT NULL AUTO_INCREMENT, \`subjectId\` varchar(36) NOT NULL, \`codeHash\` varchar(64) NOT NULL, \`createdAt\` datetime(3) NOT NULL, \`usedAt\` datetime(3) NULL, INDEX \`IDX_e64b4a518017d323d629e2f3b1\` (\`subjectId\`, \`codeHash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`session\` (\`id\` varchar(36) NOT NULL, \`subjectId\` varchar(36) NOT NULL, \`tokenHash\` varchar(64) NOT NULL, \`createdAt\` datetime(3) NOT NULL, \`expiresAt\` datetime(3) NOT NULL, \`lastUsedAt\` datetime(3) NOT NULL, \`revokedAt\` datetime(3) NULL, \`revokedReason\` varchar(32) NULL, \`ip\` varchar(64) NOT NULL, \`userAgent\` varchar(512) NULL, \`deviceName\` varchar(100) NULL, \`passwordVerifiedAt\` datetime(3) NULL, \`secondFactorVerifiedAt\` datetime(3) NULL, INDEX \`IDX_af172b1eac6e44a850fed4928c\` (\`subjectId\`), UNIQUE INDEX \`IDX_ff3b5bfd0767bd32942e5ccaad\` (\`tokenHash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`subject\` (\`id\` varchar(36) NOT NULL, \`email\` varchar(254) NOT NULL, \`passwordHash\` varchar(255) NULL, \`passwordChangedAt\` datetime(3) NULL, \`status\` varchar(32) NOT NULL, \`roles\` varchar(64) NOT NULL, \`displayName\` varchar(100) NOT NULL, \`locale\` varchar(35) NOT NULL, \`country\` varchar(2) NOT NULL, \`telephone\` varchar(32) NULL, \`postalAddress\` text NULL, \`accountSettings\` text NOT NULL, \`totpSecret\` varchar(128) NULL, \`mfaEnabledAt\` datetime(3) NULL, \`totpLastStep\` int NULL, \`setupTokenHash\` varchar(64) NULL, \`setupTokenExpiresAt\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, \`erasedAt\` datetime(3) NULL, UNIQUE INDEX \`IDX_167738b8dc3de628787ec81001\` (\`email\`), UNIQUE INDEX \`IDX_7df4de39a1f746fa542f057790\` (\`setupTokenHash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`ALTER TABLE \`audit_event\` ADD \`actorRef\` varchar(64) NULL`);
        await queryRunner.query(`ALTER TABLE \`audit_event\` ADD \`subjectRef\` varchar(64) NULL`);
        await queryRunner.query(`ALTER TABLE \`audit_event\` ADD \`ipRef\` varchar(64) NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`audit_event\` DROP COLUMN \`ipRef\``);
        await queryRunner.query(`ALTER TABLE \`audit_event\` DROP COLUMN \`subjectRef\``);
        await queryRunner.query(`ALTER TABLE \`audit_event\` DROP COLUMN \`actorRef\``);
        await queryRunner.query(`DROP INDEX \`IDX_7df4de39a1f746fa542f057790\` ON \`subject\``);
        await queryRunner.query(`DROP INDEX \`IDX_167738b8dc3de628787ec81001\` ON \`subject\``);
        await queryRunner.query(`DROP TABLE \`subject\``);
        await queryRunner.query(`DROP INDEX \`IDX_ff3b5bfd0767bd32942e5ccaad\` ON \`session\``);
        await queryRunner.query(`DROP INDEX \`IDX_af172b1eac6e44a850fed4928c\` ON \`session\``);
        await queryRunner.query(`DROP TABLE \`session\``);
        await queryRunner.query(`DROP INDEX \`IDX_e64b4a518017d323d629e2f3b1\` ON \`recovery_code\``);
        await queryRunner.query(`DROP TABLE \`recovery_code\``);
        await queryRunner.query(`DROP TABLE \`rate_limit_counter\``);
        await queryRunner.query(`DROP INDEX \`IDX_d80b94dc62f7467403009d8806\` ON \`profile\``);
        await queryRunner.query(`DROP TABLE \`profile\``);
    }

}
