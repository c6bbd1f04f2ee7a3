import type { MailContent, MailTemplate, TemplateParams } from '../../mail/mail-template';
import type { DirectNotice } from '../../services/children/direct-notice';
import type { LinkTexts } from '../runtime/workflow-registry';
import type { Locale } from '../../util/locale';
import { PARENT_DASHBOARD_LINK, PARENTAL_CONSENT_LINK, PARENTAL_REVOKE_LINK, PARENTAL_VERIFICATION_LINK } from './parental-consent.machine';

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

const featureList = (p: TemplateParams, none: string) => ((p.features as string[] | undefined) ?? []).join(', ') || none;

/** The way to the verification page (COPPA §312.5(b)(2)(i), (iii), (iv)): after consent with disclosing features, and as a reminder. */
const verification = (locale: Locale, reminder: boolean) => (p: TemplateParams, site: { siteName: string }): MailContent => {
  const en = locale === 'en';
  const child = String(p.childUsername);
  return {
    subject: en
      ? `${reminder ? 'Reminder: ' : ''}One more step for the features you allowed for ${child} on ${site.siteName}`
      : `${reminder ? 'Erinnerung: ' : ''}Noch ein Schritt für die Funktionen, die Sie für ${child} bei ${site.siteName} erlaubt haben`,
    greeting: en ? 'Hello,' : 'Guten Tag,',
    paragraphs: en
      ? [
          ...(reminder ? ['We have not yet received your signed form or your request for a call. This is a reminder with a new link; the earlier link no longer works.'] : []),
          `You allowed features that make information of your child “${child}” visible to others: ${featureList(p, 'none')}. The law asks us to verify you more strongly than by email for them.`,
          'The link opens a page with a consent form to print and sign. Upload a scan or a photo of the signed form there (PDF, JPEG, PNG), or ask us for a phone or video call instead.',
          'Your consent to the account itself is already recorded and does not depend on this. If we hear nothing in time, these features stay off.',
        ]
      : [
          ...(reminder ? ['Wir haben Ihr unterschriebenes Formular oder Ihre Bitte um einen Anruf noch nicht erhalten. Dies ist eine Erinnerung mit einem neuen Link; der frühere Link gilt nicht mehr.'] : []),
          `Sie haben Funktionen erlaubt, die Daten Ihres Kindes „${child}“ für andere sichtbar machen: ${featureList(p, 'keine')}. Dafür verlangt das Gesetz eine stärkere Prüfung als per E-Mail.`,
          'Der Link öffnet eine Seite mit einem Einwilligungsformular zum Ausdrucken und Unterschreiben. Laden Sie dort einen Scan oder ein Foto des unterschriebenen Formulars hoch (PDF, JPEG, PNG) oder bitten Sie stattdessen um einen Telefon- oder Videoanruf.',
          'Ihre Einwilligung in das Konto selbst ist bereits gespeichert und hängt nicht davon ab. Hören wir nichts rechtzeitig, bleiben diese Funktionen aus.',
        ],
    action: { label: en ? 'Open the verification page' : 'Zur Prüfungsseite', url: String(p.link) },
    after: [en ? `The link works once, until ${String(p.linkExpiresAt)}.` : `Der Link gilt einmal, bis ${String(p.linkExpiresAt)}.`],
  };
};

export const parentalVerificationRequestTemplate: MailTemplate = { id: 'parental-verification-request', locales: { en: verification('en', false), de: verification('de', false) } };
export const parentalVerificationReminderTemplate: MailTemplate = { id: 'parental-verification-reminder', locales: { en: verification('en', true), de: verification('de', true) } };

/** Nothing came back in time: the disclosing features lapsed; the account goes on with what the parent allowed by email. */
export const parentalVerificationExpiredTemplate: MailTemplate = {
  id: 'parental-verification-expired',
  locales: {
    en: (p, site) => ({
      subject: `The features that make ${String(p.childUsername)}’s information visible stay off`,
      greeting: 'Hello,',
      paragraphs: [
        `We did not receive a signed form or a request for a call in time, so these features of your child’s account “${String(p.childUsername)}” on ${site.siteName} stay off: ${featureList(p, 'none')}.`,
        `Your consent to the account stands, with the features that share nothing: ${((p.permissions as string[] | undefined) ?? []).join(', ') || 'none'}. You will receive a confirmation with a link to revoke it.`,
        'You can ask for these features again later through the parent dashboard or our privacy team.',
      ],
    }),
    de: (p, site) => ({
      subject: `Die Funktionen, die Daten von ${String(p.childUsername)} sichtbar machen, bleiben aus`,
      greeting: 'Guten Tag,',
      paragraphs: [
        `Wir haben kein unterschriebenes Formular und keine Bitte um einen Anruf rechtzeitig erhalten. Daher bleiben diese Funktionen des Kontos „${String(p.childUsername)}“ bei ${site.siteName} aus: ${featureList(p, 'keine')}.`,
        `Ihre Einwilligung in das Konto bleibt bestehen, mit den Funktionen, die nichts weitergeben: ${((p.permissions as string[] | undefined) ?? []).join(', ') || 'keine'}. Sie erhalten eine Bestätigung mit einem Link zum Widerruf.`,
        'Sie können diese Funktionen später über das Eltern-Dashboard oder unser Datenschutzteam erneut anfragen.',
      ],
    }),
  },
};

export const PARENTAL_CONSENT_LINKS: Record<string, Record<Locale, LinkTexts>> = {
  [PARENTAL_VERIFICATION_LINK]: {
    en: {
      title: 'Verify yourself for the features you allowed',
      explain: 'Print and sign the consent form below, then upload a scan or photo of it; or ask us for a phone or video call. Nothing changes until you press a button.',
      button: 'Send',
      done: 'Thank you: we have received it. Our privacy team will check it and tell you by email.',
    },
    de: {
      title: 'Bestätigen Sie sich für die erlaubten Funktionen',
      explain: 'Drucken und unterschreiben Sie das Formular unten und laden Sie einen Scan oder ein Foto davon hoch; oder bitten Sie uns um einen Telefon- oder Videoanruf. Es ändert sich nichts, bis Sie eine Schaltfläche drücken.',
      button: 'Senden',
      done: 'Danke: Wir haben es erhalten. Unser Datenschutzteam prüft es und meldet sich per E-Mail.',
    },
  },
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
