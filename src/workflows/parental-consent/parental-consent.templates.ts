import type { MailContent, MailTemplate, TemplateParams } from '../../mail/mail-template';
import type { DirectNotice } from '../../services/children/direct-notice';
import type { LinkTexts } from '../runtime/workflow-registry';
import type { Locale } from '../../util/locale';
import { PARENT_DASHBOARD_LINK, PARENTAL_CONSENT_LINK, PARENTAL_REVOKE_LINK } from './parental-consent.machine';

/** The direct notice as mail paragraphs: each §312.4(c)(1) section's heading, text and items. */
function noticeParagraphs(notice: DirectNotice): string[] {
  return notice.sections.flatMap((s) => [s.heading.toUpperCase(), ...s.paragraphs, ...s.items.map((i) => `• ${i}`)]);
}

const request = (locale: Locale, reminder: boolean) => (p: TemplateParams): MailContent => {
  const notice = p.notice as DirectNotice;
  const en = locale === 'en';
  return {
    subject: reminder ? (en ? `Reminder: ${notice.subject}` : `Erinnerung: ${notice.subject}`) : notice.subject,
    greeting: en ? 'Hello,' : 'Guten Tag,',
    paragraphs: [
      ...(reminder ? [en ? 'We have not yet heard from you. This is a reminder with a new link; the earlier link no longer works.' : 'Wir haben noch nichts von Ihnen gehört. Dies ist eine Erinnerung mit einem neuen Link; der frühere Link gilt nicht mehr.'] : []),
      ...noticeParagraphs(notice),
    ],
    action: { label: en ? 'Open the consent page' : 'Zur Einwilligungsseite', url: String(p.link) },
    after: [en ? `The link works until ${String(p.linkExpiresAt)}.` : `Der Link gilt bis ${String(p.linkExpiresAt)}.`],
  };
};

export const parentalConsentRequestTemplate: MailTemplate = { id: 'parental-consent-request', locales: { en: request('en', false), de: request('de', false) } };
export const parentalConsentReminderTemplate: MailTemplate = { id: 'parental-consent-reminder', locales: { en: request('en', true), de: request('de', true) } };

export const parentalConsentConfirmationTemplate: MailTemplate = {
  id: 'parental-consent-confirmation',
  locales: {
    en: (p, site) => ({
      subject: `You gave consent for ${String(p.childUsername)} on ${site.siteName}`,
      greeting: 'Hello,',
      paragraphs: [
        `You consented to your child’s account “${String(p.childUsername)}” on ${site.siteName}. The account is now active.`,
        `Features you allowed: ${(p.permissions as string[]).length ? (p.permissions as string[]).join(', ') : 'none'}.`,
        'If this was not you, or you changed your mind, you can revoke your consent at any time: the account then stops collecting anything and is restricted.',
      ],
      action: { label: 'Revoke consent', url: String(p.link) },
      after: [`This link works until ${String(p.linkExpiresAt)}.`],
    }),
    de: (p, site) => ({
      subject: `Sie haben für ${String(p.childUsername)} bei ${site.siteName} eingewilligt`,
      greeting: 'Guten Tag,',
      paragraphs: [
        `Sie haben dem Konto Ihres Kindes „${String(p.childUsername)}“ bei ${site.siteName} zugestimmt. Das Konto ist jetzt aktiv.`,
        `Erlaubte Funktionen: ${(p.permissions as string[]).length ? (p.permissions as string[]).join(', ') : 'keine'}.`,
        'Wenn Sie das nicht waren oder es sich anders überlegt haben, können Sie Ihre Einwilligung jederzeit widerrufen: Das Konto erhebt dann nichts mehr und wird eingeschränkt.',
      ],
      action: { label: 'Einwilligung widerrufen', url: String(p.link) },
      after: [`Dieser Link gilt bis ${String(p.linkExpiresAt)}.`],
    }),
  },
};

export const parentalConsentAgeUpTemplate: MailTemplate = {
  id: 'parental-consent-age-up',
  locales: {
    en: (p, site) => ({
      subject: `${String(p.childUsername)} now decides about their account on ${site.siteName}`,
      greeting: 'Hello,',
      paragraphs: [
        `Your child “${String(p.childUsername)}” has turned ${String(p.threshold)}, the age at which the law lets them decide about their own data. The consents you gave are now theirs to keep or change, and we ask them to confirm their settings.`,
        'You no longer manage this account through us. We have not changed or shared anything because of this.',
      ],
    }),
    de: (p, site) => ({
      subject: `${String(p.childUsername)} entscheidet jetzt selbst über das Konto bei ${site.siteName}`,
      greeting: 'Guten Tag,',
      paragraphs: [
        `Ihr Kind „${String(p.childUsername)}“ ist ${String(p.threshold)} Jahre alt geworden – das Alter, ab dem es nach dem Gesetz selbst über seine Daten entscheidet. Ihre Einwilligungen gehen auf Ihr Kind über; wir bitten es, seine Einstellungen zu bestätigen.`,
        'Sie verwalten dieses Konto nun nicht mehr über uns. Dadurch wurde nichts geändert oder weitergegeben.',
      ],
    }),
  },
};

export const parentDashboardTemplate: MailTemplate = {
  id: 'parent-dashboard',
  locales: {
    en: (p, site) => ({
      subject: `Your child’s account on ${site.siteName}: review and decide`,
      greeting: 'Hello,',
      paragraphs: [`You asked to see what we hold about “${String(p.childUsername)}” and to decide about it. The link opens a page where you can review the data, change the features you allowed, revoke your consent, or have everything deleted.`],
      action: { label: 'Open the page', url: String(p.link) },
      after: [`The link works once, until ${String(p.linkExpiresAt)}. If you did not ask for it, ignore this email.`],
    }),
    de: (p, site) => ({
      subject: `Das Konto Ihres Kindes bei ${site.siteName}: ansehen und entscheiden`,
      greeting: 'Guten Tag,',
      paragraphs: [`Sie möchten sehen, was wir über „${String(p.childUsername)}“ speichern, und darüber entscheiden. Der Link öffnet eine Seite, auf der Sie die Daten ansehen, erlaubte Funktionen ändern, Ihre Einwilligung widerrufen oder alles löschen lassen können.`],
      action: { label: 'Seite öffnen', url: String(p.link) },
      after: [`Der Link gilt einmal, bis ${String(p.linkExpiresAt)}. Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese E-Mail.`],
    }),
  },
};

export const PARENTAL_CONSENT_LINKS: Record<string, Record<Locale, LinkTexts>> = {
  [PARENTAL_CONSENT_LINK]: {
    en: {
      title: 'Your consent for your child’s account',
      explain: 'Please read this notice, then decide. Nothing changes until you press a button.',
      button: 'Give consent',
      done: 'Thank you: your decision is recorded.',
    },
    de: {
      title: 'Ihre Einwilligung für das Konto Ihres Kindes',
      explain: 'Bitte lesen Sie diese Hinweise und entscheiden Sie dann. Es ändert sich nichts, bis Sie eine Schaltfläche drücken.',
      button: 'Einwilligen',
      done: 'Danke: Ihre Entscheidung ist gespeichert.',
    },
  },
  [PARENT_DASHBOARD_LINK]: {
    en: { title: 'Your child’s account', explain: 'What we hold about your child, and your choices. Nothing changes until you press a button.', button: 'Save', done: 'Done.' },
    de: { title: 'Das Konto Ihres Kindes', explain: 'Was wir über Ihr Kind speichern, und Ihre Möglichkeiten. Es ändert sich nichts, bis Sie eine Schaltfläche drücken.', button: 'Speichern', done: 'Erledigt.' },
  },
  [PARENTAL_REVOKE_LINK]: {
    en: {
      title: 'Revoke your consent',
      explain: 'Pressing the button withdraws your consent: your child’s account stops collecting anything and is restricted.',
      button: 'Revoke consent',
      done: 'Your consent is withdrawn. The account is restricted.',
    },
    de: {
      title: 'Einwilligung widerrufen',
      explain: 'Mit dem Knopf widerrufen Sie Ihre Einwilligung: Das Konto Ihres Kindes erhebt nichts mehr und wird eingeschränkt.',
      button: 'Einwilligung widerrufen',
      done: 'Ihre Einwilligung ist widerrufen. Das Konto ist eingeschränkt.',
    },
  },
};
