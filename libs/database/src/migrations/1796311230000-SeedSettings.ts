import { MigrationInterface, QueryRunner } from 'typeorm';

/** key, type, group, order, default value, description */
const SETTINGS: [string, string, string, number, string, string][] = [
  ['url', 'string', 'general', 1, '', 'URL at which clients and operators reach CyBorgBackup'],
  [
    'backup_user',
    'string',
    'ssh',
    1,
    'root',
    'User the system logs in as on clients; sudo when not root',
  ],
  [
    'ssh_key',
    'privatekey',
    'ssh',
    2,
    '',
    'Private SSH key offered to clients and repository hosts',
  ],
  ['ssh_password', 'password', 'ssh', 3, '', 'Passphrase of the SSH key, if it has one'],
  [
    'catalog_enabled',
    'boolean',
    'backup',
    1,
    'true',
    'Record the files of every archive in the catalog',
  ],
  [
    'auto_prune',
    'boolean',
    'backup',
    2,
    'true',
    'Prune and compact after each backup when keep rules are set',
  ],
  [
    'auto_restore_test',
    'boolean',
    'backup',
    3,
    'false',
    'Extract a sample after each backup and compare it',
  ],
  ['job_cleaning', 'integer', 'backup', 4, '30', 'Days to keep job output'],
  ['mail_server', 'string', 'mail', 1, 'localhost', 'SMTP server'],
  ['mail_port', 'integer', 'mail', 2, '25', 'SMTP port'],
  ['mail_username', 'string', 'mail', 3, '', 'SMTP user name, if the server needs one'],
  ['mail_password', 'password', 'mail', 4, '', 'SMTP password'],
  ['mail_tls', 'boolean', 'mail', 5, 'false', 'Use TLS with the SMTP server'],
  ['mail_from', 'string', 'mail', 6, 'cyborgbackup@localhost', 'Sender address of notifications'],
  ['metrics_enabled', 'boolean', 'metrics', 1, 'false', 'Publish Prometheus metrics'],
];

export class SeedSettings1796311230000 implements MigrationInterface {
  name = 'SeedSettings1796311230000';

  async up(runner: QueryRunner): Promise<void> {
    for (const [key, type, group, order, value, description] of SETTINGS) {
      await runner.query(
        `INSERT INTO settings (key, setting_type, "group", "order", value, description)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING`,
        [`cyborgbackup_${key}`, type, group, order, value, description],
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM settings WHERE key = ANY($1)`, [
      SETTINGS.map(([key]) => `cyborgbackup_${key}`),
    ]);
  }
}
