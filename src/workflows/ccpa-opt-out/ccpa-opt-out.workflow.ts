import type { MailTemplate } from '../../mail/mail-template';
import type { WorkflowDefinition } from '../runtime/workflow-registry';
import { ccpaOptOutMachine } from './ccpa-opt-out.machine';

/** The notice to the address an opt-out by email came from (11 CCR 7026(f)(3): the consumer learns it was honoured). */
export const ccpaOptOutNoticeTemplate: MailTemplate = {
  id: 'ccpa-opt-out-notice',
  locales: {
    en: (_p, site) => ({
      subject: `${site.siteName}: you opted out of the sale and sharing of your personal information`,
      paragraphs: [
        `We received a request to opt out of the sale and sharing of the personal information of the ${site.siteName} account that uses this address. It is in effect now, and the companies we share data with are being told.`,
        'You did not need to prove who you are for this, and you do not need to do anything. We will not ask you to opt back in for at least 12 months.',
        'If you did not ask for this and want sale or sharing back on, sign in and opt in from your privacy settings.',
      ],
    }),
    de: (_p, site) => ({
      subject: `${site.siteName}: Sie haben dem Verkauf und der Weitergabe Ihrer Daten widersprochen`,
      paragraphs: [
        `Für das ${site.siteName}-Konto mit dieser Adresse ist ein Widerspruch gegen den Verkauf und die Weitergabe personenbezogener Daten eingegangen. Er gilt ab sofort; die Unternehmen, an die wir Daten weitergeben, werden informiert.`,
        'Dafür mussten Sie sich nicht ausweisen, und Sie müssen nichts weiter tun. Wir bitten Sie frühestens in 12 Monaten, dem wieder zuzustimmen.',
        'Wenn Sie das nicht veranlasst haben und den Verkauf oder die Weitergabe wieder erlauben möchten, melden Sie sich an und stimmen Sie in Ihren Datenschutzeinstellungen zu.',
      ],
    }),
  },
};

export const ccpaOptOutV1: WorkflowDefinition = {
  machine: ccpaOptOutMachine,
  version: 1,
  description: 'CCPA opt-out of sale/sharing: signed notices to every downstream recipient, tracked to delivery, within 15 business days (11 CCR 7026(f))',
  templates: [ccpaOptOutNoticeTemplate],
};
