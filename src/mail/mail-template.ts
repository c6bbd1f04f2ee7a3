import { html, SafeHtml } from '../util/html';
import type { Locale } from '../util/locale';

/** What every mail may mention about the sender: from config (product) and the policy (site, policy link). */
export interface SiteInfo {
  productName: string;
  siteName: string;
  siteUrl: string;
  policyUrl: string;
}

/** The content of one mail in one language; `renderMail` turns it into text and escaped HTML. */
export interface MailContent {
  subject: string;
  greeting?: string;
  paragraphs: string[];
  /** The one action of the mail (a link page), shown as a button and as a plain URL. */
  action?: { label: string; url: string };
  /** Shown under the action, e.g. when the link expires and what to do if it was not you. */
  after?: string[];
}

export type TemplateParams = Record<string, unknown>;

/** A mail template: one content function per locale, all of them required. */
export interface MailTemplate {
  id: string;
  locales: Record<Locale, (params: TemplateParams, site: SiteInfo) => MailContent>;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const FOOTER: Record<Locale, (site: SiteInfo) => string> = {
  en: (s) => `This message was sent by ${s.productName} for ${s.siteName}. How we handle your data: ${s.policyUrl}`,
  de: (s) => `Diese Nachricht hat ${s.productName} für ${s.siteName} gesendet. Wie wir mit Ihren Daten umgehen: ${s.policyUrl}`,
};

const STYLE = 'font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a';

/** Text and HTML of a mail; every value is escaped in the HTML. */
export function renderMail(template: MailTemplate, locale: Locale, params: TemplateParams, site: SiteInfo): RenderedMail {
  const content = template.locales[locale](params, site);
  const footer = FOOTER[locale](site);
  const text = [
    ...(content.greeting ? [content.greeting, ''] : []),
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(content.action ? [`${content.action.label}:`, content.action.url, ''] : []),
    ...(content.after ?? []).flatMap((p) => [p, '']),
    '-- ',
    footer,
    '',
  ].join('\n');
  const body: SafeHtml = html`<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${content.subject}</title></head>
<body style="margin:0;padding:16px;background:#f6f6f6"><div style="max-width:560px;margin:0 auto;background:#fff;padding:24px;border-radius:8px;${STYLE}">
${content.greeting ? html`<p>${content.greeting}</p>` : ''}
${content.paragraphs.map((p) => html`<p>${p}</p>\n`)}
${
  content.action
    ? html`<p style="margin:24px 0"><a href="${content.action.url}" style="display:inline-block;background:#1f4fd8;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none">${content.action.label}</a></p>
<p style="font-size:13px;color:#555;word-break:break-all">${content.action.url}</p>`
    : ''
}
${(content.after ?? []).map((p) => html`<p style="font-size:14px;color:#444">${p}</p>\n`)}
<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 12px"><p style="font-size:12px;color:#666">${footer}</p>
</div></body></html>
`;
  return { subject: content.subject, text, html: body.value };
}
