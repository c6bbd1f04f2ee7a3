import type { MailTemplate } from '../../mail/mail-template';
import type { WorkflowDefinition } from '../runtime/workflow-registry';
import { emailChangeMachine } from './email-change.machine';

/** A UTC time as people read it in the mail. */
const until = (iso: unknown) => String(iso).slice(0, 16).replace('T', ' ') + ' UTC';

const confirmTemplate: MailTemplate = {
  id: 'email-change-confirm',
  locales: {
    en: (p, site) => ({
      subject: `Confirm your new email address for ${site.siteName}`,
      greeting: 'Hello,',
      paragraphs: [`Someone asked to use ${String(p.newEmail)} as the email address of their ${site.siteName} account. If that was you, confirm it with the button below. Until you do, nothing changes.`],
      action: { label: 'Confirm my new address', url: String(p.link) },
      after: [`The link works until ${until(p.linkExpiresAt)}, once.`, 'If this was not you, ignore this email: the address will not be used.'],
    }),
    de: (p, site) => ({
      subject: `Bestätigen Sie Ihre neue E-Mail-Adresse für ${site.siteName}`,
      greeting: 'Hallo,',
      paragraphs: [`Jemand möchte ${String(p.newEmail)} als E-Mail-Adresse seines Kontos bei ${site.siteName} verwenden. Wenn Sie das waren, bestätigen Sie es mit dem Knopf unten. Bis dahin ändert sich nichts.`],
      action: { label: 'Neue Adresse bestätigen', url: String(p.link) },
      after: [`Der Link gilt bis ${until(p.linkExpiresAt)}, einmal.`, 'Wenn Sie das nicht waren, ignorieren Sie diese E-Mail: Die Adresse wird nicht verwendet.'],
    }),
  },
};

const noticeTemplate: MailTemplate = {
  id: 'email-changed-notice',
  locales: {
    en: (p, site) => ({
      subject: `The email address of your ${site.siteName} account was changed`,
      greeting: 'Hello,',
      paragraphs: [`The email address of your ${site.siteName} account is now ${String(p.newEmail)}. Mail about your account goes there from now on.`],
      after: ['If you did not do this, contact us right away and change your password.'],
    }),
    de: (p, site) => ({
      subject: `Die E-Mail-Adresse Ihres Kontos bei ${site.siteName} wurde geändert`,
      greeting: 'Hallo,',
      paragraphs: [`Die E-Mail-Adresse Ihres Kontos bei ${site.siteName} ist jetzt ${String(p.newEmail)}. Nachrichten zu Ihrem Konto gehen ab jetzt dorthin.`],
      after: ['Wenn Sie das nicht waren, kontaktieren Sie uns sofort und ändern Sie Ihr Passwort.'],
    }),
  },
};

export const emailChangeV1: WorkflowDefinition = {
  machine: emailChangeMachine,
  version: 1,
  description: 'Email change: a single-use link to the new address; the email changes only when it is used, before it expires. A newer request cancels an older one; the old address is told after the change.',
  templates: [confirmTemplate, noticeTemplate],
  links: {
    'email-change': {
      en: { title: 'Confirm your new email address', explain: 'Press the button to make this address the email address of your account. Nothing changes until you do.', button: 'Confirm my new address', done: 'Done: this is now the email address of your account.' },
      de: { title: 'Neue E-Mail-Adresse bestätigen', explain: 'Drücken Sie den Knopf, um diese Adresse zur E-Mail-Adresse Ihres Kontos zu machen. Bis dahin ändert sich nichts.', button: 'Neue Adresse bestätigen', done: 'Fertig: Das ist jetzt die E-Mail-Adresse Ihres Kontos.' },
    },
  },
};
