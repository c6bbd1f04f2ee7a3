import type { MailContent, MailTemplate, TemplateParams } from '../../mail/mail-template';
import type { DirectNotice } from '../../services/children/direct-notice';
import type { LinkTexts } from '../runtime/workflow-registry';
import type { Locale } from '../../util/locale';
import { PARENT_DASHBOARD_LINK, PARENTAL_CONSENT_LINK, PARENTAL_REVOKE_LINK, PARENTAL_VERIFICATION_LINK, TEEN_HANDOVER_LINK } from './parental-consent.machine';

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

const dateText = (iso: unknown, locale: Locale) =>
  new Date(String(iso)).toLocaleDateString(locale === 'de' ? 'de-DE' : 'en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

/**
 * At the local age of digital consent. Version 2 mails a one-use handover link that the parent
 * passes on to the teen (the child has no email of ours); version 1 mailed none. In France the
 * threshold (15) also ends the joint consent of child and parent, so the text says that instead.
 */
export const parentalConsentAgeUpTemplate: MailTemplate = {
  id: 'parental-consent-age-up',
  locales: {
    en: (p, site) => ({
      subject: `${String(p.childUsername)} now decides about their account on ${site.siteName}`,
      greeting: 'Hello,',
      paragraphs: [
        p.jointConsent
          ? `Your child “${String(p.childUsername)}” has turned ${String(p.threshold)}. Until now you and your child consented together; from this age the law lets your child decide about their own data alone. The consents given so far are now theirs to keep or change.`
          : `Your child “${String(p.childUsername)}” has turned ${String(p.threshold)}, the age at which the law lets them decide about their own data. The consents you gave are now theirs to keep or change.`,
        ...(p.link
          ? [
              `Please give the link below to ${String(p.childUsername)}. It opens a page that shows, in plain words, each setting you chose, and lets them keep or change each one. The link works once, until ${dateText(p.linkExpiresAt, 'en')}; if it is not used by then, the settings simply stay as they are.`,
            ]
          : ['We ask them to confirm their settings.']),
        'You no longer manage this account through us. We have not changed or shared anything because of this.',
      ],
      ...(p.link ? { action: { label: `Settings page for ${String(p.childUsername)}`, url: String(p.link) } } : {}),
    }),
    de: (p, site) => ({
      subject: `${String(p.childUsername)} entscheidet jetzt selbst über das Konto bei ${site.siteName}`,
      greeting: 'Guten Tag,',
      paragraphs: [
        p.jointConsent
          ? `Ihr Kind „${String(p.childUsername)}“ ist ${String(p.threshold)} Jahre alt geworden. Bisher haben Sie und Ihr Kind gemeinsam eingewilligt; ab diesem Alter entscheidet Ihr Kind nach dem Gesetz allein über seine Daten. Die bisherigen Einwilligungen gehen auf Ihr Kind über.`
          : `Ihr Kind „${String(p.childUsername)}“ ist ${String(p.threshold)} Jahre alt geworden – das Alter, ab dem es nach dem Gesetz selbst über seine Daten entscheidet. Ihre Einwilligungen gehen auf Ihr Kind über.`,
        ...(p.link
          ? [
              `Bitte geben Sie den Link unten an ${String(p.childUsername)} weiter. Er öffnet eine Seite, die in einfachen Worten jede von Ihnen gewählte Einstellung zeigt; Ihr Kind kann jede behalten oder ändern. Der Link gilt einmal, bis ${dateText(p.linkExpiresAt, 'de')}; wird er bis dahin nicht genutzt, bleiben die Einstellungen, wie sie sind.`,
            ]
          : ['Wir bitten es, seine Einstellungen zu bestätigen.']),
        'Sie verwalten dieses Konto nun nicht mehr über uns. Dadurch wurde nichts geändert oder weitergegeben.',
      ],
      ...(p.link ? { action: { label: `Einstellungsseite für ${String(p.childUsername)}`, url: String(p.link) } } : {}),
    }),
  },
};

/** After a revocation: the account is restricted, and the date the data will be erased (COPPA §312.10) unless the parent deletes it sooner. */
export const parentalConsentRevokedTemplate: MailTemplate = {
  id: 'parental-consent-revoked',
  locales: {
    en: (p, site) => ({
      subject: `You revoked your consent for ${String(p.childUsername)} on ${site.siteName}`,
      greeting: 'Hello,',
      paragraphs: [
        `Your consent for your child’s account “${String(p.childUsername)}” is withdrawn. The account is restricted and collects nothing more.`,
        `We keep what we hold about your child until ${dateText(p.deleteAt, 'en')} so that you can still review it, and then delete it together with your email address. You can have it deleted sooner at any time: ask for the parent dashboard link on ${site.siteName} and choose “Delete”.`,
        'To consent again later, your child needs to register again.',
      ],
    }),
    de: (p, site) => ({
      subject: `Sie haben Ihre Einwilligung für ${String(p.childUsername)} bei ${site.siteName} widerrufen`,
      greeting: 'Guten Tag,',
      paragraphs: [
        `Ihre Einwilligung für das Konto Ihres Kindes „${String(p.childUsername)}“ ist widerrufen. Das Konto ist eingeschränkt und erhebt nichts mehr.`,
        `Wir bewahren, was wir über Ihr Kind speichern, bis zum ${dateText(p.deleteAt, 'de')} auf, damit Sie es noch ansehen können, und löschen es dann zusammen mit Ihrer E-Mail-Adresse. Sie können es jederzeit früher löschen lassen: Fordern Sie bei ${site.siteName} den Link zur Elternübersicht an und wählen Sie „Löschen“.`,
        'Um später erneut einzuwilligen, muss sich Ihr Kind neu registrieren.',
      ],
    }),
  },
};

const keptLines = (p: TemplateParams, label: string) => (Array.isArray(p.kept) ? (p.kept as string[]).map((k) => `${label}: ${k}`) : []);

/**
 * The parent's deletion confirmation (ChildErasureService), after a deletion they asked for or the
 * end of the retention after their revocation: the last mail to the address, which is forgotten
 * once it is sent. With `held`: a legal hold keeps the data for now (the reason, never staff's
 * note); the confirmation follows when the hold ends (`afterHold`).
 */
export const parentalDataDeletedTemplate: MailTemplate = {
  id: 'parental-data-deleted',
  locales: {
    en: (p, site) => {
      const child = `your child’s account “${String(p.childUsername)}” on ${site.siteName}`;
      if (p.held) {
        return {
          subject: `Your child’s data on ${site.siteName} is kept for now`,
          greeting: 'Hello,',
          paragraphs: [
            p.reason === 'retention_ended'
              ? `The date on which we were to delete everything we hold about ${child} has come, but we cannot delete it yet: a legal hold is in force on it.`
              : `You asked us to delete everything we hold about ${child}. We cannot delete it yet: a legal hold is in force on it.`,
            ...keptLines(p, 'Kept'),
            'Until the hold ends the account stays restricted: we use the data for nothing else and collect nothing more. Then we delete it together with your email address, and tell you.',
          ],
          after: ['If you have questions, contact our privacy team.'],
        };
      }
      const address = p.addressKept ? '' : ', and your email address with it';
      return {
        subject: `We deleted your child’s data on ${site.siteName}`,
        greeting: 'Hello,',
        paragraphs: [
          p.afterHold
            ? `The legal hold that kept it has ended: we have now deleted everything we held about ${child}${address}.`
            : p.reason === 'retention_ended'
              ? `You revoked your consent for ${child}. As we told you then, we have now deleted everything we held about it${address}.`
              : `As you asked, we deleted everything we held about ${child}${address}.`,
          ...(p.addressKept ? ['We keep your email address only for your other child’s account.'] : []),
          ...(p.signedOut ? ['Your sign-in to the parent dashboard has ended too.'] : []),
          'We keep only a record that the deletion happened, without your child’s name or your address.',
        ],
        after: [p.addressKept ? 'If you have questions, contact our privacy team.' : 'This is the last mail we send to this address; we do not keep it.'],
      };
    },
    de: (p, site) => {
      const child = `das Konto Ihres Kindes „${String(p.childUsername)}“ bei ${site.siteName}`;
      if (p.held) {
        return {
          subject: `Die Daten Ihres Kindes bei ${site.siteName} bleiben vorerst gespeichert`,
          greeting: 'Guten Tag,',
          paragraphs: [
            p.reason === 'retention_ended'
              ? `Der Tag, an dem wir alles löschen wollten, was wir über ${child} speichern, ist gekommen, aber wir können es noch nicht löschen: Es unterliegt einer gesetzlichen Aufbewahrung.`
              : `Sie haben uns gebeten, alles zu löschen, was wir über ${child} speichern. Wir können es noch nicht löschen: Es unterliegt einer gesetzlichen Aufbewahrung.`,
            ...keptLines(p, 'Aufbewahrt'),
            'Solange die Aufbewahrung besteht, bleibt das Konto eingeschränkt: Wir nutzen die Daten für nichts anderes und erheben nichts mehr. Danach löschen wir sie zusammen mit Ihrer E-Mail-Adresse und sagen es Ihnen.',
          ],
          after: ['Bei Fragen wenden Sie sich an unser Datenschutzteam.'],
        };
      }
      const address = p.addressKept ? '' : ', und Ihre E-Mail-Adresse dazu';
      return {
        subject: `Wir haben die Daten Ihres Kindes bei ${site.siteName} gelöscht`,
        greeting: 'Guten Tag,',
        paragraphs: [
          p.afterHold
            ? `Die gesetzliche Aufbewahrung ist beendet: Wir haben jetzt alles gelöscht, was wir über ${child} gespeichert hatten${address}.`
            : p.reason === 'retention_ended'
              ? `Sie haben Ihre Einwilligung für ${child} widerrufen. Wie angekündigt haben wir jetzt alles gelöscht, was wir darüber gespeichert hatten${address}.`
              : `Wie gewünscht haben wir alles gelöscht, was wir über ${child} gespeichert hatten${address}.`,
          ...(p.addressKept ? ['Ihre E-Mail-Adresse bewahren wir nur noch für das Konto Ihres anderen Kindes auf.'] : []),
          ...(p.signedOut ? ['Ihre Anmeldung in der Elternübersicht ist ebenfalls beendet.'] : []),
          'Wir bewahren nur einen Vermerk auf, dass gelöscht wurde, ohne den Namen Ihres Kindes und ohne Ihre Adresse.',
        ],
        after: [p.addressKept ? 'Bei Fragen wenden Sie sich an unser Datenschutzteam.' : 'Dies ist die letzte E-Mail an diese Adresse; wir bewahren sie nicht auf.'],
      };
    },
  },
};

export const parentDashboardTemplate: MailTemplate = {
  id: 'parent-dashboard',
  locales: {
    en: (p, site) => ({
      subject: `Your child’s account on ${site.siteName}: review and decide`,
      greeting: 'Hello,',
      paragraphs: [
        p.revoked
          ? `You asked to see what we hold about “${String(p.childUsername)}”. You revoked your consent earlier: the link opens a page where you can review the data and have everything deleted.`
          : `You asked to see what we hold about “${String(p.childUsername)}” and to decide about it. The link opens a page where you can review the data, change the features you allowed, revoke your consent, or have everything deleted.`,
      ],
      action: { label: 'Open the page', url: String(p.link) },
      after: [`The link works once, until ${String(p.linkExpiresAt)}. If you did not ask for it, ignore this email.`],
    }),
    de: (p, site) => ({
      subject: `Das Konto Ihres Kindes bei ${site.siteName}: ansehen und entscheiden`,
      greeting: 'Guten Tag,',
      paragraphs: [
        p.revoked
          ? `Sie möchten sehen, was wir über „${String(p.childUsername)}“ speichern. Sie haben Ihre Einwilligung bereits widerrufen: Der Link öffnet eine Seite, auf der Sie die Daten ansehen und alles löschen lassen können.`
          : `Sie möchten sehen, was wir über „${String(p.childUsername)}“ speichern, und darüber entscheiden. Der Link öffnet eine Seite, auf der Sie die Daten ansehen, erlaubte Funktionen ändern, Ihre Einwilligung widerrufen oder alles löschen lassen können.`,
      ],
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
  [TEEN_HANDOVER_LINK]: {
    en: {
      title: 'Your settings are now your own',
      explain: 'Keep or change each setting. Nothing changes until you press the button.',
      button: 'Save my settings',
      done: 'Your settings are saved. They are now your own choices.',
    },
    de: {
      title: 'Deine Einstellungen gehören jetzt dir',
      explain: 'Behalte oder ändere jede Einstellung. Es ändert sich nichts, bis du auf den Knopf drückst.',
      button: 'Meine Einstellungen speichern',
      done: 'Deine Einstellungen sind gespeichert. Es sind jetzt deine eigenen Entscheidungen.',
    },
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
