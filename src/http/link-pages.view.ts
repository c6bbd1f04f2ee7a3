import { createHash } from 'node:crypto';
import { html, SafeHtml } from '../util/html';
import type { Locale } from '../util/locale';
import type { SiteInfo } from '../mail/mail-template';
import type { LinkDetails } from '../workflows/runtime/workflow-registry';

/**
 * The server-rendered pages behind email links: plain HTML, no script, no outside assets, one
 * constant stylesheet allowed by its hash in the CSP, readable on a phone.
 */
const CSS = `*{box-sizing:border-box}body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#f4f5f7}
main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem}.card{background:#fff;border-radius:10px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.4rem;line-height:1.25;margin:0 0 1rem}p{margin:0 0 1rem}button{display:block;width:100%;font:inherit;font-weight:600;padding:.9rem 1rem;border:0;border-radius:8px;background:#1f4fd8;color:#fff;cursor:pointer}
button:focus{outline:3px solid #f5a623;outline-offset:2px}button.secondary{background:#fff;color:#1f4fd8;border:2px solid #1f4fd8;margin-top:.75rem}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}ul{margin:0 0 1rem;padding-left:1.25rem}fieldset{border:1px solid #ccd;border-radius:8px;margin:0 0 1rem;padding:.75rem 1rem}legend{font-weight:600;padding:0 .25rem}
label{display:flex;gap:.6rem;align-items:flex-start;margin:.5rem 0}input[type=checkbox]{width:1.3rem;height:1.3rem;flex:none;margin-top:.15rem}.error{color:#a4000f;font-weight:600}.muted{color:#555;font-size:.9rem}footer{max-width:34rem;margin:0 auto;padding:0 1rem 2rem;color:#555;font-size:.85rem}a{color:#1f4fd8}`;

/** The stylesheet is a constant of ours, not input: inserted as is, and pinned by its hash in the CSP. */
const STYLE = new SafeHtml(CSS);

export const LINK_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

type Kind = 'unknown' | 'locked' | 'expired' | 'used' | 'notPossible' | 'csrf' | 'tooMany';

interface Texts {
  title: string;
  body: string;
  next: string;
}

/** What the error pages say: what happened and what to do next. */
const ERROR_TEXTS: Record<Locale, Record<Kind, Texts>> = {
  en: {
    unknown: { title: 'This link does not work', body: 'We could not find this link. It may be incomplete: some email programs split long links.', next: 'Open the link again straight from the email, or ask for a new email where you started.' },
    locked: { title: 'This link is locked', body: 'It was locked after too many failed attempts, to protect you.', next: 'Please ask for a new email where you started. Nothing was changed.' },
    expired: { title: 'This link has expired', body: 'Links in our emails work for a limited time only. Nothing was changed.', next: 'Please ask for a new email where you started.' },
    used: { title: 'This link was already used', body: 'The step it was for has been done. You do not need to do anything else.', next: 'If you did not do this yourself, contact us.' },
    notPossible: { title: 'This can no longer be done', body: 'The request this link belongs to has already ended or changed. Nothing was changed.', next: 'If you still want to do this, please start again where you started.' },
    csrf: { title: 'Please open the link again', body: 'We could not check that this confirmation came from our page. Nothing was changed.', next: 'Open the link from the email again in this browser, then press the button.' },
    tooMany: { title: 'Too many attempts', body: 'Too many links were tried from your network.', next: 'Please wait a few minutes and try again.' },
  },
  de: {
    unknown: { title: 'Dieser Link funktioniert nicht', body: 'Wir konnten diesen Link nicht finden. Vielleicht ist er unvollständig: Manche E-Mail-Programme teilen lange Links.', next: 'Öffnen Sie den Link noch einmal direkt aus der E-Mail oder fordern Sie dort, wo Sie begonnen haben, eine neue E-Mail an.' },
    locked: { title: 'Dieser Link ist gesperrt', body: 'Er wurde zu Ihrem Schutz nach zu vielen fehlgeschlagenen Versuchen gesperrt.', next: 'Bitte fordern Sie dort, wo Sie begonnen haben, eine neue E-Mail an. Es wurde nichts geändert.' },
    expired: { title: 'Dieser Link ist abgelaufen', body: 'Links in unseren E-Mails gelten nur für begrenzte Zeit. Es wurde nichts geändert.', next: 'Bitte fordern Sie dort, wo Sie begonnen haben, eine neue E-Mail an.' },
    used: { title: 'Dieser Link wurde bereits verwendet', body: 'Der Schritt, für den er gedacht war, ist erledigt. Sie müssen nichts weiter tun.', next: 'Wenn Sie das nicht selbst waren, kontaktieren Sie uns.' },
    notPossible: { title: 'Das ist nicht mehr möglich', body: 'Die Anfrage, zu der dieser Link gehört, ist bereits beendet oder hat sich geändert. Es wurde nichts geändert.', next: 'Wenn Sie das weiterhin möchten, beginnen Sie bitte noch einmal von vorn.' },
    csrf: { title: 'Bitte öffnen Sie den Link erneut', body: 'Wir konnten nicht prüfen, ob diese Bestätigung von unserer Seite kam. Es wurde nichts geändert.', next: 'Öffnen Sie den Link aus der E-Mail noch einmal in diesem Browser und drücken Sie dann den Knopf.' },
    tooMany: { title: 'Zu viele Versuche', body: 'Aus Ihrem Netzwerk wurden zu viele Links ausprobiert.', next: 'Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.' },
  },
};

const FOOTER: Record<Locale, (s: SiteInfo) => SafeHtml> = {
  en: (s) => html`${s.productName} for ${s.siteName} · <a href="${s.policyUrl}">Privacy policy</a>`,
  de: (s) => html`${s.productName} für ${s.siteName} · <a href="${s.policyUrl}">Datenschutzerklärung</a>`,
};

const EXPIRES: Record<Locale, (at: Date) => string> = {
  en: (at) => `This link works until ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  de: (at) => `Dieser Link gilt bis ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
};

function layout(locale: Locale, site: SiteInfo, title: string, content: SafeHtml): string {
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title} – ${site.productName}</title>
<style>${STYLE}</style>
</head>
<body>
<main><div class="card">
${content}
</div></main>
<footer>${FOOTER[locale](site)}</footer>
</body>
</html>
`.value;
}

/** The page a link opens: what pressing the button will do, and the button (a plain form POST). */
export function confirmPage(p: { locale: Locale; site: SiteInfo; title: string; explain: string; button: string; expiresAt: Date; csrf: string; details?: LinkDetails }): string {
  const sections = (p.details?.sections ?? []).map((s) => html`<h2>${s.heading}</h2>\n<ul>${s.items.map((i) => html`<li>${i}</li>`)}</ul>\n`);
  const notes = (p.details?.notes ?? []).map((n) => html`<p>${n}</p>\n`);
  return layout(
    p.locale,
    p.site,
    p.title,
    html`<h1>${p.title}</h1>
<p>${p.explain}</p>
${sections}${notes}<form method="post">
<input type="hidden" name="csrf" value="${p.csrf}">
<button type="submit">${p.button}</button>
</form>
<p class="muted">${EXPIRES[p.locale](p.expiresAt)}</p>`,
  );
}

/** A link page with its own form content (LinkForm): the content and named buttons inside one POST form. */
export function formPage(p: { locale: Locale; site: SiteInfo; title: string; explain: string; body: SafeHtml; expiresAt: Date; csrf: string; problem?: string; multipart?: boolean }): string {
  return layout(
    p.locale,
    p.site,
    p.title,
    html`<h1>${p.title}</h1>
${p.problem ? html`<p class="error" role="alert">${p.problem}</p>
` : ''}<p>${p.explain}</p>
<form method="post"${p.multipart ? new SafeHtml(' enctype="multipart/form-data"') : ''}>
<input type="hidden" name="csrf" value="${p.csrf}">
${p.body}
</form>
<p class="muted">${EXPIRES[p.locale](p.expiresAt)}</p>`,
  );
}

export function donePage(p: { locale: Locale; site: SiteInfo; title: string; done: string }): string {
  return layout(p.locale, p.site, p.title, html`<h1>${p.title}</h1>\n<p>${p.done}</p>`);
}

export function errorPage(kind: Kind, locale: Locale, site: SiteInfo): string {
  const t = ERROR_TEXTS[locale][kind];
  return layout(locale, site, t.title, html`<h1>${t.title}</h1>\n<p>${t.body}</p>\n<p>${t.next}</p>`);
}

export type ErrorPageKind = Kind;
