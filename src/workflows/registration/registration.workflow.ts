import type { MailTemplate } from '../../mail/mail-template';
import type { WorkflowDefinition } from '../runtime/workflow-registry';
import { REGISTRATION_LINK, registrationMachine } from './registration.machine';

/** A UTC time as people read it in the mail. */
const until = (iso: unknown) => String(iso).slice(0, 16).replace('T', ' ') + ' UTC';

export const registrationConfirmTemplate: MailTemplate = {
  id: 'registration-confirm',
  locales: {
    en: (p, site) => ({
      subject: `Confirm your email address to finish signing up for ${site.siteName}`,
      greeting: `Hello ${String(p.displayName)},`,
      paragraphs: [`Someone, probably you, signed up for ${site.siteName} with this email address. To finish, open the link below and enter the password you chose. Until then there is no account.`],
      action: { label: 'Finish signing up', url: String(p.link) },
      after: [`The link works until ${until(p.linkExpiresAt)}, once.`, 'If this was not you, ignore this email: no account is created.'],
    }),
    de: (p, site) => ({
      subject: `Bestätigen Sie Ihre E-Mail-Adresse, um die Anmeldung bei ${site.siteName} abzuschließen`,
      greeting: `Hallo ${String(p.displayName)},`,
      paragraphs: [`Jemand, wahrscheinlich Sie, hat sich mit dieser E-Mail-Adresse bei ${site.siteName} angemeldet. Öffnen Sie zum Abschluss den Link unten und geben Sie das gewählte Passwort ein. Bis dahin gibt es kein Konto.`],
      action: { label: 'Anmeldung abschließen', url: String(p.link) },
      after: [`Der Link gilt bis ${until(p.linkExpiresAt)}, einmal.`, 'Wenn Sie das nicht waren, ignorieren Sie diese E-Mail: Es wird kein Konto angelegt.'],
    }),
  },
};

/** To an address that already has an account, instead of a second registration (the caller was told the same as for any address). */
export const accountExistsTemplate: MailTemplate = {
  id: 'account-exists',
  locales: {
    en: (_p, site) => ({
      subject: `You already have an account at ${site.siteName}`,
      greeting: 'Hello,',
      paragraphs: [`Someone, probably you, tried to sign up for ${site.siteName} with this email address. You already have an account with it, so no second one was created: sign in with this address instead.`],
      after: ['If this was not you, you need not do anything: nothing about your account changed.'],
    }),
    de: (_p, site) => ({
      subject: `Sie haben bereits ein Konto bei ${site.siteName}`,
      greeting: 'Hallo,',
      paragraphs: [`Jemand, wahrscheinlich Sie, wollte sich mit dieser E-Mail-Adresse bei ${site.siteName} anmelden. Sie haben damit bereits ein Konto, daher wurde kein zweites angelegt: Melden Sie sich stattdessen mit dieser Adresse an.`],
      after: ['Wenn Sie das nicht waren, müssen Sie nichts tun: An Ihrem Konto hat sich nichts geändert.'],
    }),
  },
};

export const registrationV1: WorkflowDefinition = {
  machine: registrationMachine,
  version: 1,
  description: 'Registration confirmed from the address: a single-use link; the account exists only once it is used (with the password chosen), before it expires. An address that already has an account gets a mail saying so instead, and no workflow.',
  templates: [registrationConfirmTemplate, accountExistsTemplate],
  links: {
    [REGISTRATION_LINK]: {
      en: { title: 'Finish signing up', explain: 'Enter the password you chose when you signed up: your account is then created, and you can sign in.', button: 'Create my account', done: 'Done: your account is ready. Sign in with your email address and password.' },
      de: { title: 'Anmeldung abschließen', explain: 'Geben Sie das Passwort ein, das Sie bei der Anmeldung gewählt haben: Dann wird Ihr Konto angelegt, und Sie können sich anmelden.', button: 'Konto anlegen', done: 'Fertig: Ihr Konto ist bereit. Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an.' },
    },
  },
};
