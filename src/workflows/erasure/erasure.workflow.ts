import type { MailContent, MailTemplate, TemplateParams } from '../../mail/mail-template';
import type { WorkflowDefinition } from '../runtime/workflow-registry';
import { ERASURE_CANCEL_LINK, ERASURE_CONFIRM_LINK, erasureMachine } from './erasure.machine';

/** The erasure workflow's mails (en, de), link page texts, and its registration. */

const when = (iso: unknown) => `${String(iso).slice(0, 16).replace('T', ' ')} UTC`;
const what = (p: TemplateParams, en: boolean) => {
  const cats = Array.isArray(p.categories) ? (p.categories as string[]).join(', ') : '';
  if (p.scope === 'categories') return en ? `the data of these categories: ${cats}` : `die Daten dieser Kategorien: ${cats}`;
  return en ? 'your account and the personal data held with it' : 'Ihr Konto und die damit gespeicherten personenbezogenen Daten';
};
const lines = (items: unknown) => (Array.isArray(items) ? (items as string[]) : []);

export const erasureConfirmTemplate: MailTemplate = {
  id: 'erasure-confirm',
  locales: {
    en: (p, site) => ({
      subject: `Confirm the erasure of your data at ${site.siteName}`,
      paragraphs: [
        `You asked us to erase ${what(p, true)}.`,
        'Nothing is erased until you confirm. The page behind the button says exactly what will be deleted, what we must keep and why, and when it happens.',
      ],
      action: { label: 'Review and confirm', url: String(p.link) },
      after: [`The link works until ${when(p.linkExpiresAt)}. If you do not confirm by then, the request expires and nothing is erased.`, 'If you did not ask for this, ignore this mail and change your password.'],
    }),
    de: (p, site) => ({
      subject: `Bestätigen Sie die Löschung Ihrer Daten bei ${site.siteName}`,
      paragraphs: [
        `Sie haben uns gebeten, ${what(p, false)} zu löschen.`,
        'Nichts wird gelöscht, bevor Sie bestätigen. Die Seite hinter dem Knopf sagt genau, was gelöscht wird, was wir aufbewahren müssen und warum, und wann es geschieht.',
      ],
      action: { label: 'Prüfen und bestätigen', url: String(p.link) },
      after: [`Der Link gilt bis ${when(p.linkExpiresAt)}. Ohne Bestätigung bis dahin verfällt die Anfrage und nichts wird gelöscht.`, 'Wenn Sie das nicht waren, ignorieren Sie diese E-Mail und ändern Sie Ihr Passwort.'],
    }),
  },
};

export const erasureScheduledTemplate: MailTemplate = {
  id: 'erasure-scheduled',
  locales: {
    en: (p) => ({
      subject: 'Your erasure is confirmed',
      paragraphs: [`We will erase ${what(p, true)} on ${when(p.linkExpiresAt)}.`, 'Until then you can change your mind: press the button below, or cancel the request in the app.'],
      action: { label: 'Cancel the erasure', url: String(p.link) },
      after: ['When the erasure is done we send one last mail to this address.'],
    }),
    de: (p) => ({
      subject: 'Ihre Löschung ist bestätigt',
      paragraphs: [`Wir löschen ${what(p, false)} am ${when(p.linkExpiresAt)}.`, 'Bis dahin können Sie es sich anders überlegen: Drücken Sie den Knopf unten oder brechen Sie die Anfrage in der App ab.'],
      action: { label: 'Löschung abbrechen', url: String(p.link) },
      after: ['Wenn die Löschung erledigt ist, senden wir eine letzte E-Mail an diese Adresse.'],
    }),
  },
};

export const erasureCancelledTemplate: MailTemplate = {
  id: 'erasure-cancelled',
  locales: {
    en: () => ({ subject: 'Your erasure request is cancelled', paragraphs: ['You cancelled your erasure request. Nothing was erased.'] }),
    de: () => ({ subject: 'Ihre Löschanfrage ist abgebrochen', paragraphs: ['Sie haben Ihre Löschanfrage abgebrochen. Es wurde nichts gelöscht.'] }),
  },
};

export const erasureExpiredTemplate: MailTemplate = {
  id: 'erasure-expired',
  locales: {
    en: () => ({ subject: 'Your erasure request expired', paragraphs: ['You did not confirm your erasure request in time, so it has expired. Nothing was erased.', 'You can ask again at any time.'] }),
    de: () => ({ subject: 'Ihre Löschanfrage ist verfallen', paragraphs: ['Sie haben Ihre Löschanfrage nicht rechtzeitig bestätigt, daher ist sie verfallen. Es wurde nichts gelöscht.', 'Sie können jederzeit erneut anfragen.'] }),
  },
};

/** The last mail: sent after the erasure (queued detached from the subject, so the erasure does not delete it). */
export const erasureCompletedTemplate: MailTemplate = {
  id: 'erasure-completed',
  locales: {
    en: (p): MailContent => ({
      subject: p.denied ? 'Your erasure request: your data is kept for now' : 'Your data has been erased',
      paragraphs: [
        p.denied ? 'We could not erase your data yet: it is under a legal hold. We keep it only for the reasons below, and erase it when they end if you ask again.' : `We erased ${what(p, true)}.`,
        ...lines(p.deleted).map((l) => `Deleted: ${l}`),
        ...lines(p.kept).map((l) => `Kept: ${l}`),
      ],
      after: [p.scope === 'account' && !p.denied ? 'This is the last mail we send to this address.' : 'If you have questions, contact our privacy team.'],
    }),
    de: (p): MailContent => ({
      subject: p.denied ? 'Ihre Löschanfrage: Ihre Daten bleiben vorerst gespeichert' : 'Ihre Daten wurden gelöscht',
      paragraphs: [
        p.denied ? 'Wir konnten Ihre Daten noch nicht löschen: Sie unterliegen einer gesetzlichen Aufbewahrung. Wir bewahren sie nur aus den unten genannten Gründen auf.' : `Wir haben ${what(p, false)} gelöscht.`,
        ...lines(p.deleted).map((l) => `Gelöscht: ${l}`),
        ...lines(p.kept).map((l) => `Aufbewahrt: ${l}`),
      ],
      after: [p.scope === 'account' && !p.denied ? 'Dies ist die letzte E-Mail an diese Adresse.' : 'Bei Fragen wenden Sie sich an unser Datenschutzteam.'],
    }),
  },
};

export const erasureWorkflow: WorkflowDefinition = {
  machine: erasureMachine,
  version: 1,
  description:
    'Erasure confirmation (GDPR Art 17, CCPA delete): explicit confirmation by mail link, a cancel window, then execution through the personal-data registry in one transaction; a failed execution rolls back to `failed`, where staff retry.',
  templates: [erasureConfirmTemplate, erasureScheduledTemplate, erasureCancelledTemplate, erasureExpiredTemplate, erasureCompletedTemplate],
  links: {
    [ERASURE_CONFIRM_LINK]: {
      en: { title: 'Confirm the erasure of your data', explain: 'Pressing the button confirms your erasure request. You can still cancel it until the date below.', button: 'Confirm the erasure', done: 'Your erasure is confirmed. We sent you a mail with the date and a link to cancel.' },
      de: { title: 'Löschung Ihrer Daten bestätigen', explain: 'Mit dem Knopf bestätigen Sie Ihre Löschanfrage. Bis zum unten genannten Datum können Sie sie noch abbrechen.', button: 'Löschung bestätigen', done: 'Ihre Löschung ist bestätigt. Wir haben Ihnen eine E-Mail mit dem Datum und einem Link zum Abbrechen gesendet.' },
    },
    [ERASURE_CANCEL_LINK]: {
      en: { title: 'Cancel the erasure of your data', explain: 'Pressing the button cancels your erasure request. Nothing will be erased.', button: 'Cancel the erasure', done: 'Your erasure request is cancelled. Nothing was erased.' },
      de: { title: 'Löschung Ihrer Daten abbrechen', explain: 'Mit dem Knopf brechen Sie Ihre Löschanfrage ab. Es wird nichts gelöscht.', button: 'Löschung abbrechen', done: 'Ihre Löschanfrage ist abgebrochen. Es wurde nichts gelöscht.' },
    },
  },
};
