import { createHash, randomUUID } from 'node:crypto';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { ParentalEvidence, ParentalEvidencePart } from '../../entities';
import { DomainError, ErrorCode } from '../../errors';
import { html } from '../../util/html';
import type { Locale } from '../../util/locale';
import type { SecretBox } from '../../util/secret-box';
import {
  PARENTAL_VERIFICATION_LINK,
  type ParentalConsentContext,
  type ParentVerificationMethod,
  type StoreParentalEvidenceParams,
} from '../../workflows/parental-consent/parental-consent.machine';
import type { EffectHandler, LinkForm, LinkFormRefusal, UploadedFile } from '../../workflows/runtime/workflow-registry';
import type { WorkflowRuntime } from '../../workflows/runtime/workflow-runtime';
import type { ActionLinkService } from '../action-link/action-link.service';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, staffRole, type CallContext } from '../call-context';
import type { PolicyService } from '../policy.service';

/** Pieces of the sealed form stay under MySQL's BLOB limit (65,535 bytes). */
const PART_BYTES = 60_000;
const FILE_FIELD = 'signedForm';

/** The types a signed form may have, told by their first bytes (never by the client's content type or file name). */
export function sniffDocumentType(bytes: Buffer): string | undefined {
  const at = (offset: number, text: string) => bytes.subarray(offset, offset + text.length).toString('latin1') === text;
  if (at(0, '%PDF-')) return 'application/pdf';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return 'image/webp';
  if (at(4, 'ftyp') && ['heic', 'heix', 'heif', 'mif1', 'hevc'].some((brand) => at(8, brand))) return 'image/heic';
  return undefined;
}

/** Phone numbers as people write them: digits with spaces, dashes, dots, brackets, an optional leading +. */
const PHONE = /^\+?[0-9][0-9 ()./-]{5,28}[0-9]$/;
/** A video contact: an address or handle of the parent's video service, printable, no control characters. */
const VIDEO_CONTACT = /^[^\p{C}<>]{3,254}$/u;
const PREFERRED_TIME = /^[^\p{C}<>]{0,200}$/u;

export interface SignedFormInput {
  bytes: Buffer;
}

export interface CallRequestInput {
  channel: 'phone_call' | 'video_call';
  contact: string;
  preferredTime: string;
}

/** A signed form as staff read it. */
export interface EvidenceDocument {
  evidenceId: string;
  workflowId: string;
  childId: string;
  contentType: string;
  byteSize: number;
  sha256: string;
  content: Buffer;
}

/**
 * Evidence for a stronger verification of a parent (COPPA §312.5(b)(2)(i), (iii), (iv)): the
 * verification page (a printable consent form, upload of the signed form, or a request for a call
 * or video check), the checks a submission passes before the workflow sees it, the encrypted
 * storage (the workflow's `storeParentalEvidence` effect, in the same transaction as the step), and
 * staff's audited reading of a form.
 */
export class ParentalEvidenceService {
  constructor(
    private readonly db: Database,
    private readonly config: Config,
    private readonly policy: PolicyService,
    private readonly audit: AuditService,
    private readonly runtime: WorkflowRuntime,
    /** AES-256-GCM with a key derived from APP_SECRET for this purpose only. */
    private readonly box: SecretBox,
    private readonly links: ActionLinkService,
  ) {}

  install(): this {
    this.runtime.registry.registerEffect('storeParentalEvidence', this.storeEffect);
    this.runtime.registry.registerForm(PARENTAL_VERIFICATION_LINK, this.verificationForm());
    return this;
  }

  /** The checks every signed form passes, from the page or from an app: not empty, within the limit, a document type we accept. */
  checkSignedForm(bytes: Buffer): { contentType: string } | DomainError {
    if (!bytes.length) return new DomainError(ErrorCode.EVIDENCE_EMPTY, 'The file is empty. Please choose the scan or photo of the signed form.');
    if (bytes.length > this.config.PARENTAL_EVIDENCE_MAX_BYTES) return this.tooLarge();
    const contentType = sniffDocumentType(bytes);
    if (!contentType) return new DomainError(ErrorCode.EVIDENCE_TYPE, 'This file is not a PDF, JPEG, PNG, WebP or HEIC image. Please upload a scan (PDF) or a photo of the signed form.');
    return { contentType };
  }

  tooLarge(): DomainError {
    const mb = (this.config.PARENTAL_EVIDENCE_MAX_BYTES / 1024 / 1024).toFixed(1).replace(/\.0$/, '');
    return new DomainError(ErrorCode.EVIDENCE_TOO_LARGE, `The file is larger than ${mb} MB. Please upload a smaller scan or photo.`);
  }

  /** The event payload of a verified signed form (bytes as base64; only the evidence id enters the workflow's context). */
  signedFormPayload(bytes: Buffer): Record<string, unknown> | DomainError {
    const checked = this.checkSignedForm(bytes);
    if (checked instanceof DomainError) return checked;
    return {
      method: 'signed_form' satisfies ParentVerificationMethod,
      evidenceId: randomUUID(),
      contentType: checked.contentType,
      byteSize: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      content: bytes.toString('base64'),
    };
  }

  /** The event payload of a call or video request, or why it cannot be taken. */
  callRequestPayload(input: CallRequestInput): Record<string, unknown> | DomainError {
    const contact = input.contact.trim();
    const preferredTime = input.preferredTime.trim();
    const valid = input.channel === 'phone_call' ? PHONE.test(contact) : input.channel === 'video_call' ? VIDEO_CONTACT.test(contact) : false;
    if (!valid || !PREFERRED_TIME.test(preferredTime)) {
      return new DomainError(ErrorCode.CALL_REQUEST_INVALID, 'Please choose phone or video, and give a phone number (for a phone call) or the address we should call (for a video call).');
    }
    return { method: input.channel, evidenceId: randomUUID(), contact, preferredTime };
  }

  /**
   * The verification page for apps: the link's token with a signed form (base64) or a call request,
   * checked exactly like the page's submission, then delivered through the link (once). Nothing is
   * written when anything is refused.
   */
  async submitWithToken(ctx: CallContext, token: string, input: { signedFormBase64?: string; callRequest?: CallRequestInput }): Promise<true | DomainError> {
    if ((input.signedFormBase64 === undefined) === (input.callRequest === undefined)) {
      return new DomainError(ErrorCode.CALL_REQUEST_INVALID, 'Send either the signed form or a call request, not both or neither.');
    }
    const view = await this.links.preview(token, ctx.ip ?? 'unknown');
    if (view instanceof DomainError) return view;
    if (view.purpose !== PARENTAL_VERIFICATION_LINK) return new DomainError(ErrorCode.ACTION_TOKEN_INVALID, 'This link is not a verification link.', { reason: 'unknown' });
    let payload: Record<string, unknown> | DomainError;
    if (input.signedFormBase64 !== undefined) {
      const base64 = input.signedFormBase64.replace(/\s+/g, '');
      // Too big is told from the text's length before decoding (base64: 4 characters per 3 bytes).
      if (Math.floor((base64.length * 3) / 4) > this.config.PARENTAL_EVIDENCE_MAX_BYTES + 2) return this.tooLarge();
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return new DomainError(ErrorCode.EVIDENCE_TYPE, 'The signed form must be sent as base64.');
      payload = this.signedFormPayload(Buffer.from(base64, 'base64'));
    } else {
      payload = this.callRequestPayload(input.callRequest!);
    }
    if (payload instanceof DomainError) return payload;
    const used = await this.links.confirm(token, ctx.ip ?? 'unknown', { actorRole: 'anonymous', operation: 'submitParentalVerification', requestId: ctx.requestId, ip: ctx.ip }, payload);
    return used instanceof DomainError ? used : true;
  }

  /** A signed form for staff, decrypted; each read is an audit event. */
  async read(ctx: CallContext, evidenceId: string): Promise<EvidenceDocument | DomainError> {
    return this.db.transaction(async (em) => {
      const row = await em.findOneBy(ParentalEvidence, { id: evidenceId, method: 'signed_form' });
      if (!row) return new DomainError(ErrorCode.NOT_FOUND, 'No uploaded consent form with this id exists.');
      const parts = await em.find(ParentalEvidencePart, { where: { evidenceId }, order: { seq: 'ASC' } });
      const content = this.box.openBytes(Buffer.concat(parts.map((p) => Buffer.from(p.data))), sealContext(row.id, row.workflowId));
      if (!content) throw new Error(`Parental evidence ${row.id} does not open with this APP_SECRET`);
      await this.audit.append(em, {
        ...auditOrigin(ctx, staffRole(ctx.actor)),
        action: 'parental_evidence.read',
        subjectId: row.childId,
        categories: ['account'],
        fields: ['signedForm'],
        operation: 'parentalVerificationEvidence',
        details: { evidenceId: row.id, workflowId: row.workflowId },
      });
      return { evidenceId: row.id, workflowId: row.workflowId, childId: row.childId, contentType: row.contentType!, byteSize: row.byteSize!, sha256: row.sha256!, content };
    });
  }


  /** The `storeParentalEvidence` effect: the row (and a form's sealed pieces), in the step's transaction; checked again here. */
  private readonly storeEffect: EffectHandler = async (em, params, { workflow, now }) => {
    const p = params as unknown as StoreParentalEvidenceParams;
    const row: ParentalEvidence = Object.assign(new ParentalEvidence(), {
      id: p.evidenceId,
      workflowId: workflow.id,
      childId: p.childId,
      method: p.method,
      contentType: null,
      byteSize: null,
      sha256: null,
      contact: null,
      preferredTime: null,
      createdAt: now,
    });
    if (p.method === 'signed_form') {
      const bytes = Buffer.from(p.content ?? '', 'base64');
      const checked = this.checkSignedForm(bytes);
      if (checked instanceof DomainError) return checked;
      Object.assign(row, { contentType: checked.contentType, byteSize: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
      await em.insert(ParentalEvidence, row);
      const sealed = this.box.sealBytes(bytes, sealContext(row.id, workflow.id));
      for (let seq = 0; seq * PART_BYTES < sealed.length; seq++) {
        await em.insert(ParentalEvidencePart, { id: randomUUID(), evidenceId: row.id, childId: p.childId, seq, data: sealed.subarray(seq * PART_BYTES, (seq + 1) * PART_BYTES) });
      }
      return;
    }
    const checked = this.callRequestPayload({ channel: p.method, contact: p.contact ?? '', preferredTime: p.preferredTime ?? '' });
    if (checked instanceof DomainError) return checked;
    await em.insert(ParentalEvidence, { ...row, contact: checked.contact as string, preferredTime: checked.preferredTime as string });
  };

  /**
   * The verification page: a printable consent form built from the policy (the child, the disclosing
   * features asked for, to whom they disclose, lines for the parent's name, signature and date), an
   * upload of the signed form, or a request for a call or video check.
   */
  private verificationForm(): LinkForm {
    const policy = this.policy.policy;
    const T = VERIFY_TEXT;
    return {
      upload: { field: FILE_FIELD, maxBytes: this.config.PARENTAL_EVIDENCE_MAX_BYTES, tooLarge: () => this.tooLarge().message },
      render: ({ locale, context }) => {
        const t = T[locale];
        const c = context as unknown as ParentalConsentContext;
        const asked = policy.children.features.filter((f) => (c.requested ?? []).includes(f.key));
        const recipients = [t.otherUsers(policy.site.name), ...policy.disclosures.filter((d) => !d.integralToService).map((d) => `${d.recipient} (${d.purpose})`)];
        return html`<section class="consent-form">
<h2>${t.formHeading}</h2>
<p>${t.formIntro(policy.site.name, c.childUsername)}</p>
<ul>${asked.map((f) => html`<li><strong>${f.name}</strong>: ${f.description}</li>`)}</ul>
<p>${t.disclosedTo}</p>
<ul>${recipients.map((r) => html`<li>${r}</li>`)}</ul>
<p>${t.statement}</p>
<p>${t.nameLine}: ______________________________</p>
<p>${t.signatureLine}: ______________________________</p>
<p>${t.dateLine}: ______________________________</p>
</section>
<fieldset><legend>${t.uploadLegend}</legend>
<p class="muted">${t.uploadHint}</p>
<label><span>${t.fileLabel}</span> <input type="file" name="${FILE_FIELD}" accept="application/pdf,image/jpeg,image/png,image/webp,image/heic"></label>
<button type="submit" name="method" value="signed_form">${t.upload}</button>
</fieldset>
<fieldset><legend>${t.callLegend}</legend>
<label><input type="radio" name="channel" value="phone_call"><span>${t.phone}</span></label>
<label><input type="radio" name="channel" value="video_call"><span>${t.video}</span></label>
<label><span>${t.contactLabel}</span> <input type="text" name="contact" maxlength="254" autocomplete="tel"></label>
<label><span>${t.timeLabel}</span> <input type="text" name="preferredTime" maxlength="200"></label>
<button type="submit" name="method" value="call" class="secondary">${t.call}</button>
</fieldset>`;
      },
      parse: (fields, _view, files) => {
        const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);
        const refuse = (error: DomainError, status: number): LinkFormRefusal => ({ refused: error.message, status });
        if (fields.method === 'signed_form') {
          const file = (files ?? []).find((f: UploadedFile) => f.field === FILE_FIELD);
          const payload = this.signedFormPayload(file?.bytes ?? Buffer.alloc(0));
          if (payload instanceof DomainError) return refuse(payload, payload.errorCode === ErrorCode.EVIDENCE_TYPE ? 415 : payload.errorCode === ErrorCode.EVIDENCE_TOO_LARGE ? 413 : 400);
          return payload;
        }
        if (fields.method === 'call') {
          const channel = one(fields.channel);
          if (channel !== 'phone_call' && channel !== 'video_call') return undefined;
          const payload = this.callRequestPayload({ channel, contact: one(fields.contact) ?? '', preferredTime: one(fields.preferredTime) ?? '' });
          return payload instanceof DomainError ? refuse(payload, 400) : payload;
        }
        return undefined;
      },
      done: (payload, locale) => (payload.method === 'signed_form' ? T[locale].doneForm : T[locale].doneCall),
      incomplete: (locale) => T[locale].incomplete,
    };
  }
}

/** Binds a sealed form to its row and workflow: pieces copied under another evidence id do not open. */
const sealContext = (evidenceId: string, workflowId: string) => `parental-evidence:${evidenceId}:${workflowId}`;

const VERIFY_TEXT: Record<Locale, {
  formHeading: string;
  formIntro: (site: string, child: string) => string;
  disclosedTo: string;
  otherUsers: (site: string) => string;
  statement: string;
  nameLine: string;
  signatureLine: string;
  dateLine: string;
  uploadLegend: string;
  uploadHint: string;
  fileLabel: string;
  upload: string;
  callLegend: string;
  phone: string;
  video: string;
  contactLabel: string;
  timeLabel: string;
  call: string;
  incomplete: string;
  doneForm: string;
  doneCall: string;
}> = {
  en: {
    formHeading: 'Parental consent form',
    formIntro: (site, child) => `I am the parent or legal guardian of the child with the username “${child}” on ${site}. I consent to these features of my child’s account:`,
    disclosedTo: 'I understand that with them my child’s information becomes visible to:',
    otherUsers: (site) => `other users of ${site}`,
    statement: 'I can withdraw this consent at any time; the features are then switched off.',
    nameLine: 'Parent’s name (printed)',
    signatureLine: 'Signature',
    dateLine: 'Date',
    uploadLegend: 'Send the signed form',
    uploadHint: 'Print this page, sign the form, and upload a scan (PDF) or a photo (JPEG, PNG). It is stored encrypted and only our privacy team reads it.',
    fileLabel: 'Scan or photo of the signed form',
    upload: 'Upload the signed form',
    callLegend: 'Or: ask for a phone or video call',
    phone: 'Phone call',
    video: 'Video call',
    contactLabel: 'Phone number, or the address for the video call',
    timeLabel: 'When suits you (optional)',
    call: 'Ask for a call',
    incomplete: 'Please choose a file and press “Upload the signed form”, or choose phone or video and press “Ask for a call”. Nothing was changed.',
    doneForm: 'Thank you: we have received your signed form. Our privacy team will check it and tell you by email.',
    doneCall: 'Thank you: our privacy team will call you as you asked, and tell you by email what they decided.',
  },
  de: {
    formHeading: 'Einwilligungsformular der Eltern',
    formIntro: (site, child) => `Ich bin Elternteil oder Sorgeberechtigte(r) des Kindes mit dem Benutzernamen „${child}“ bei ${site}. Ich willige in diese Funktionen des Kontos meines Kindes ein:`,
    disclosedTo: 'Mir ist bewusst, dass die Daten meines Kindes damit sichtbar werden für:',
    otherUsers: (site) => `andere Nutzer von ${site}`,
    statement: 'Ich kann diese Einwilligung jederzeit widerrufen; die Funktionen werden dann abgeschaltet.',
    nameLine: 'Name des Elternteils (in Druckbuchstaben)',
    signatureLine: 'Unterschrift',
    dateLine: 'Datum',
    uploadLegend: 'Unterschriebenes Formular senden',
    uploadHint: 'Drucken Sie diese Seite, unterschreiben Sie das Formular und laden Sie einen Scan (PDF) oder ein Foto (JPEG, PNG) hoch. Es wird verschlüsselt gespeichert und nur von unserem Datenschutzteam gelesen.',
    fileLabel: 'Scan oder Foto des unterschriebenen Formulars',
    upload: 'Unterschriebenes Formular hochladen',
    callLegend: 'Oder: um einen Telefon- oder Videoanruf bitten',
    phone: 'Telefonanruf',
    video: 'Videoanruf',
    contactLabel: 'Telefonnummer oder Adresse für den Videoanruf',
    timeLabel: 'Wann es Ihnen passt (freiwillig)',
    call: 'Um einen Anruf bitten',
    incomplete: 'Bitte wählen Sie eine Datei und drücken Sie „Unterschriebenes Formular hochladen“, oder wählen Sie Telefon oder Video und drücken Sie „Um einen Anruf bitten“. Es wurde nichts geändert.',
    doneForm: 'Danke: Wir haben Ihr unterschriebenes Formular erhalten. Unser Datenschutzteam prüft es und meldet sich per E-Mail.',
    doneCall: 'Danke: Unser Datenschutzteam ruft Sie wie gewünscht an und teilt Ihnen die Entscheidung per E-Mail mit.',
  },
};
