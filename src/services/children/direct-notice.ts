import type { Policy } from '../../policy';

/**
 * The direct notice to a parent (COPPA 16 CFR 312.4(c)(1)), built from the policy data so it always
 * says what the service really does. The same content goes into the consent mail and onto the
 * consent page. Items of the policy (categories, uses, features) are in the policy's language;
 * the frame is translated.
 */

export type NoticeLocale = 'en' | 'de';

export interface NoticeSection {
  /** Which element of §312.4(c)(1) this section satisfies (i)–(vii). */
  element: string;
  heading: string;
  paragraphs: string[];
  items: string[];
}

export interface DirectNotice {
  subject: string;
  sections: NoticeSection[];
}

export interface DirectNoticeInput {
  childUsername: string;
  /** When the request and the contact data are deleted if nobody consents. */
  deleteBy: Date;
  locale: NoticeLocale;
  /**
   * Where the child consents jointly with a parent (France under 15, GDPR Art 8(1) as implemented by
   * Loi Informatique et Libertés art. 45) and the child has agreed: the age and the legal source.
   */
  jointConsent?: { under: number; source: string };
}

const dateText = (d: Date, locale: NoticeLocale) => d.toLocaleDateString(locale === 'de' ? 'de-DE' : 'en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

const TEXT = {
  en: {
    subject: (site: string) => `Your consent is needed for your child’s account on ${site}`,
    collectedHeading: 'Why you are receiving this',
    collected: (child: string, site: string) =>
      `Your child, who signed up as “${child}” on ${site}, gave us your email address. We collected it only to ask for your consent.`,
    requiredHeading: 'Nothing happens without your consent',
    required: 'Your consent is required. Until you give it, we do not collect, use or disclose any more information about your child, and the account cannot be used.',
    itemsHeading: 'What we would collect and how we would use it',
    items: 'With your consent we collect only the items listed below.',
    uses: (uses: string) => `We use them for: ${uses}.`,
    noDisclosure: 'We do not give your child’s information to third parties.',
    disclosureHeading: 'Sharing and features that make information visible',
    disclosure: 'These would disclose your child’s information. You decide on each separately, and you can consent to the account without allowing any of them:',
    thirdParty: (recipient: string, purpose: string) => `${recipient}: ${purpose}`,
    noticeHeading: 'Our full privacy notice',
    notice: (url: string) => `Our online notice explains all our practices, including how long we keep each kind of information: ${url}`,
    retention: 'How long we keep information:',
    howHeading: 'How to give or refuse consent',
    how: 'Open the link in this email. The page shows this notice again and lets you consent, choose features, or decline. Opening the page changes nothing until you press a button.',
    jointHeading: 'Your child has agreed: this consent is joint',
    joint: (child: string, under: number, source: string) =>
      `Under ${source}, a child under ${under} consents jointly with a holder of parental authority. Your child “${child}” has already agreed; your consent completes the joint consent. Without yours, nothing happens.`,
    deleteHeading: 'If you do not answer',
    delete: (date: string) => `If we do not receive your consent by ${date}, we delete your email address and everything your child gave us.`,
  },
  de: {
    subject: (site: string) => `Ihre Einwilligung für das Konto Ihres Kindes bei ${site}`,
    collectedHeading: 'Warum Sie diese Nachricht erhalten',
    collected: (child: string, site: string) =>
      `Ihr Kind hat sich bei ${site} als „${child}“ angemeldet und uns Ihre E-Mail-Adresse genannt. Wir haben sie nur erhoben, um Sie um Ihre Einwilligung zu bitten.`,
    requiredHeading: 'Ohne Ihre Einwilligung geschieht nichts',
    required: 'Ihre Einwilligung ist erforderlich. Bis Sie sie geben, erheben, nutzen und teilen wir keine weiteren Daten Ihres Kindes, und das Konto kann nicht genutzt werden.',
    itemsHeading: 'Was wir erheben würden und wofür',
    items: 'Mit Ihrer Einwilligung erheben wir nur die unten aufgeführten Angaben.',
    uses: (uses: string) => `Wir nutzen sie für: ${uses}.`,
    noDisclosure: 'Wir geben die Daten Ihres Kindes nicht an Dritte weiter.',
    disclosureHeading: 'Weitergabe und Funktionen, die Daten sichtbar machen',
    disclosure: 'Diese würden Daten Ihres Kindes offenlegen. Sie entscheiden über jede einzeln und können dem Konto zustimmen, ohne eine davon zu erlauben:',
    thirdParty: (recipient: string, purpose: string) => `${recipient}: ${purpose}`,
    noticeHeading: 'Unsere vollständigen Datenschutzhinweise',
    notice: (url: string) => `Unsere Online-Hinweise erklären alle Verfahren, auch wie lange wir welche Daten aufbewahren: ${url}`,
    retention: 'Wie lange wir Daten aufbewahren:',
    howHeading: 'So willigen Sie ein oder lehnen ab',
    how: 'Öffnen Sie den Link in dieser E-Mail. Die Seite zeigt diese Hinweise noch einmal; dort können Sie einwilligen, Funktionen wählen oder ablehnen. Das Öffnen der Seite ändert nichts, erst ein Klick auf eine Schaltfläche.',
    jointHeading: 'Ihr Kind hat zugestimmt: die Einwilligung ist gemeinsam',
    joint: (child: string, under: number, source: string) =>
      `Nach ${source} willigt ein Kind unter ${under} Jahren gemeinsam mit einem Träger der elterlichen Sorge ein. Ihr Kind „${child}“ hat bereits zugestimmt; Ihre Einwilligung vervollständigt die gemeinsame Einwilligung. Ohne sie geschieht nichts.`,
    deleteHeading: 'Wenn Sie nicht antworten',
    delete: (date: string) => `Wenn uns Ihre Einwilligung bis zum ${date} nicht vorliegt, löschen wir Ihre E-Mail-Adresse und alles, was Ihr Kind uns mitgeteilt hat.`,
  },
} as const;

export function directNotice(policy: Policy, input: DirectNoticeInput): DirectNotice {
  const t = TEXT[input.locale];
  const site = policy.site.name;
  const categoryName = (key: string) => policy.dataCategories.find((c) => c.key === key)?.name ?? key;
  const disclosing = [
    ...policy.children.features.filter((f) => f.disclosure).map((f) => `${f.name}: ${f.description}`),
    ...policy.disclosures.map((d) => t.thirdParty(d.recipient, d.purpose)),
  ];
  return {
    subject: t.subject(site),
    sections: [
      { element: '312.4(c)(1)(i)', heading: t.collectedHeading, paragraphs: [t.collected(input.childUsername, site)], items: [] },
      { element: '312.4(c)(1)(ii)', heading: t.requiredHeading, paragraphs: [t.required], items: [] },
      ...(input.jointConsent
        ? [{ element: 'GDPR Art 8(1), joint consent', heading: t.jointHeading, paragraphs: [t.joint(input.childUsername, input.jointConsent.under, input.jointConsent.source)], items: [] }]
        : []),
      {
        element: '312.4(c)(1)(iii)',
        heading: t.itemsHeading,
        paragraphs: [t.items, t.uses(policy.children.uses.join('; ')), ...(disclosing.length ? [] : [t.noDisclosure])],
        items: policy.children.collected.map((c) => `${categoryName(c.category)}: ${c.items.join(', ')}`),
      },
      ...(disclosing.length ? [{ element: '312.4(c)(1)(iv)', heading: t.disclosureHeading, paragraphs: [t.disclosure], items: disclosing }] : []),
      {
        element: '312.4(c)(1)(v)',
        heading: t.noticeHeading,
        paragraphs: [t.notice(policy.site.policyUrl), t.retention],
        items: policy.dataCategories
          .filter((c) => policy.children.collected.some((k) => k.category === c.key))
          .map((c) => `${c.name}: ${c.retention.description}`),
      },
      { element: '312.4(c)(1)(vi)', heading: t.howHeading, paragraphs: [t.how], items: [] },
      { element: '312.4(c)(1)(vii)', heading: t.deleteHeading, paragraphs: [t.delete(dateText(input.deleteBy, input.locale))], items: [] },
    ],
  };
}
