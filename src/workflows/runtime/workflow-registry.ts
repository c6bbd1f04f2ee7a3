import type { EntityManager } from 'typeorm';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { Workflow } from '../../entities';
import type { DomainError } from '../../errors';
import type { MailTemplate } from '../../mail/mail-template';
import type { SafeHtml } from '../../util/html';
import type { Locale } from '../../util/locale';
import { BUILT_IN_ACTIONS } from './actions';

/** What a link page says about one purpose, per language. */
export interface LinkTexts {
  /** Heading of the page, e.g. "Confirm your new email address". */
  title: string;
  /** What pressing the button will do. */
  explain: string;
  button: string;
  /** Shown after it worked. */
  done: string;
}

/** What a link page shows beyond its fixed texts, computed when the page is opened (e.g. what an erasure will delete and keep). */
export interface LinkDetails {
  sections: { heading: string; items: string[] }[];
  /** Plain paragraphs after the sections (dates, what to do next). */
  notes?: string[];
}

/** Reads (never writes) what a link page of one purpose should show for its workflow. */
export type LinkDetailsProvider = (em: EntityManager, at: { workflowId: string; locale: Locale; now: Date }) => Promise<LinkDetails | undefined>;
/** What a link page's form is rendered and parsed for: the recipient's language and the workflow's context. */
export interface LinkFormView {
  locale: Locale;
  context: Record<string, unknown>;
}

/** A file uploaded through a link form that declares `upload` (multipart), read whole within its limit. */
export interface UploadedFile {
  field: string;
  bytes: Buffer;
}

/** A submission the form refuses with its own message and HTTP status (e.g. a file of the wrong type); nothing happens. */
export interface LinkFormRefusal {
  refused: string;
  status: number;
}

export const isLinkFormRefusal = (v: unknown): v is LinkFormRefusal => typeof v === 'object' && v !== null && typeof (v as LinkFormRefusal).refused === 'string';

/** One input of a link form, described for apps that render their own page (GraphQL `actionLink { choices }`). */
export interface LinkChoice {
  /** The field name to send back (several choices may share one, like checkboxes). */
  name: string;
  value: string;
  label: string;
  hint: string;
  /** Preselected on the page. */
  checked: boolean;
}

/**
 * A link page that asks more than "press the button": its content and inputs, and how the submitted
 * fields become the payload of the link's event. Registered per link purpose (by the service that
 * owns the data it shows); a purpose without a form gets the single confirm button.
 */
export interface LinkForm {
  /** Content, inputs and named submit buttons, placed inside the page's POST form (which carries the CSRF field). */
  render(view: LinkFormView): SafeHtml | Promise<SafeHtml>;
  /**
   * The event payload from the submitted fields (and the uploaded file, for a form with `upload`), or
   * undefined when the submission is incomplete, or a refusal with its own message (nothing happens).
   */
  parse(fields: Record<string, string | string[] | undefined>, view: LinkFormView, files?: UploadedFile[]): Record<string, unknown> | LinkFormRefusal | undefined;
  /**
   * The page takes one file (multipart/form-data) in this field, at most `maxBytes`: the limit is
   * enforced while the body streams, and a bigger file is refused with `tooLarge` before parse runs.
   * Only forms that declare it accept multipart at all.
   */
  upload?: { field: string; maxBytes: number; tooLarge(locale: Locale): string };
  /** What the done page says after this payload was delivered (default: the purpose's `done` text). */
  done?(payload: Record<string, unknown>, locale: Locale): string;
  /**
   * A check of a parsed submission that needs more than the fields (e.g. a password against the hash
   * in the workflow's context): a message refuses it (the form again, with that message), counts as
   * a wrong attempt against the link (locked at LINK_MAX_WRONG_ATTEMPTS), and nothing happens.
   */
  check?(fields: Record<string, string | string[] | undefined>, view: LinkFormView): Promise<string | undefined>;
  /** What the page says when parse refused the submission. */
  incomplete(locale: Locale): string;
  /** The form's inputs as data, for apps (GraphQL) that render their own page and submit the same fields. */
  choices?(view: LinkFormView): LinkChoice[];
}

/** A machine the runtime can run, with what its actions need: mail templates and link page texts. */
export interface WorkflowDefinition {
  /** The machine; its `id` names the workflow. Pure: no delays, no invoked promises, effects by name. */
  machine: AnyStateMachine;
  /** Bumped whenever states or events change; old versions stay registered until their workflows end. */
  version: number;
  description: string;
  templates?: MailTemplate[];
  links?: Record<string, Record<Locale, LinkTexts>>;
}

export interface Caller {
  actorId?: string | null;
  /** subject, guardian, staff, admin, system, anonymous */
  actorRole: string;
  requestId?: string | null;
  ip?: string | null;
  /** The GraphQL operation, page or worker that delivered the event. */
  operation?: string | null;
}

export interface EffectContext {
  workflow: Workflow;
  now: Date;
  by: Caller;
}

/**
 * A domain write that a machine names as an action; runs inside the delivery's transaction. It may
 * refuse with a DomainError (e.g. the new email address was taken meanwhile): the whole delivery
 * then rolls back and the caller gets EffectRefusedError.
 */
export type EffectHandler = (em: EntityManager, params: Record<string, unknown>, ctx: EffectContext) => Promise<void | true | DomainError>;

/** A domain effect refused the step: thrown so the delivery's transaction rolls back; carries why. */
export class EffectRefusedError extends Error {
  constructor(
    readonly effect: string,
    readonly refusal: DomainError,
  ) {
    super(`The ${effect} step was refused: ${refusal.message}`);
    this.name = 'EffectRefusedError';
  }
}

/**
 * Refuses what does not survive a restore: `after` delays (timers live in rows) and invoked actors
 * (a restore would run them again). Time comes in as an event from a stored timer.
 */
function assertDurable(machine: AnyStateMachine): void {
  const walk = (node: AnyStateNode) => {
    const where = `${machine.id}${node.path.length ? `.${node.path.join('.')}` : ''}`;
    if ((node.config as { after?: unknown }).after) throw new Error(`Workflow ${where} uses an 'after' delay: use a startTimer action instead`);
    if (node.invoke.length) throw new Error(`Workflow ${where} invokes an actor: durable workflows take results as events instead`);
    for (const child of Object.values(node.states) as AnyStateNode[]) walk(child);
  };
  walk(machine.root);
}

export class UnknownMachineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownMachineError';
  }
}

/** The machines (by id and version), their mail templates and link texts, and the domain effect handlers. */
export class WorkflowRegistry {
  private readonly machines = new Map<string, Map<number, WorkflowDefinition>>();
  private readonly templates = new Map<string, MailTemplate>();
  private readonly links = new Map<string, Record<Locale, LinkTexts>>();
  private readonly effects = new Map<string, EffectHandler>();
  private readonly details = new Map<string, LinkDetailsProvider>();
  private readonly forms = new Map<string, LinkForm>();

  register(def: WorkflowDefinition): this {
    const id = def.machine.id;
    assertDurable(def.machine);
    if (!Number.isInteger(def.version) || def.version < 1) throw new Error(`Workflow ${id}: version must be a positive whole number`);
    const versions = this.machines.get(id) ?? new Map<number, WorkflowDefinition>();
    if (versions.has(def.version)) throw new Error(`Workflow ${id}@${def.version} is registered twice`);
    versions.set(def.version, def);
    this.machines.set(id, versions);
    for (const t of def.templates ?? []) {
      const known = this.templates.get(t.id);
      if (known && known !== t) throw new Error(`Mail template ${t.id} is registered twice`);
      this.templates.set(t.id, t);
    }
    for (const [purpose, texts] of Object.entries(def.links ?? {})) {
      const known = this.links.get(purpose);
      if (known && known !== texts) throw new Error(`Link purpose ${purpose} is registered twice`);
      this.links.set(purpose, texts);
    }
    return this;
  }

  registerEffect(name: string, handler: EffectHandler): this {
    if ((BUILT_IN_ACTIONS as readonly string[]).includes(name)) throw new Error(`${name} is a built-in action`);
    if (this.effects.has(name)) throw new Error(`Effect ${name} is registered twice`);
    this.effects.set(name, handler);
    return this;
  }

  /** Adds workflow-specific content to the pages of one link purpose (read-only: pages are opened by mail scanners too). */
  registerLinkDetails(purpose: string, provider: LinkDetailsProvider): this {
    if (this.details.has(purpose)) throw new Error(`Link details for ${purpose} are registered twice`);
    this.details.set(purpose, provider);
    return this;
  }

  linkDetails(purpose: string): LinkDetailsProvider | undefined {
    return this.details.get(purpose);
  }

  registerForm(purpose: string, form: LinkForm): this {
    if (!this.links.has(purpose)) throw new Error(`Link purpose ${purpose} has no page texts: register its workflow first`);
    if (this.forms.has(purpose)) throw new Error(`The form of link purpose ${purpose} is registered twice`);
    this.forms.set(purpose, form);
    return this;
  }

  form(purpose: string): LinkForm | undefined {
    return this.forms.get(purpose);
  }

  /** The definition of a machine version; refuses an unknown one (e.g. a row written by a newer or retired release). */
  machine(id: string, version: number): WorkflowDefinition {
    const versions = this.machines.get(id);
    if (!versions) throw new UnknownMachineError(`Unknown workflow machine "${id}": it is not registered in this release`);
    const def = versions.get(version);
    if (!def) {
      throw new UnknownMachineError(`Unknown version ${version} of workflow machine "${id}": this release has versions ${[...versions.keys()].sort((a, b) => a - b).join(', ')}`);
    }
    return def;
  }

  latest(id: string): WorkflowDefinition {
    const versions = this.machines.get(id);
    if (!versions) throw new UnknownMachineError(`Unknown workflow machine "${id}": it is not registered in this release`);
    return versions.get(Math.max(...versions.keys()))!;
  }

  /** Every registered definition, by machine id then version. */
  list(): WorkflowDefinition[] {
    return [...this.machines.keys()].sort().flatMap((id) => [...this.machines.get(id)!.values()].sort((a, b) => a.version - b.version));
  }

  template(id: string): MailTemplate | undefined {
    return this.templates.get(id);
  }

  linkTexts(purpose: string): Record<Locale, LinkTexts> | undefined {
    return this.links.get(purpose);
  }

  effect(name: string): EffectHandler | undefined {
    return this.effects.get(name);
  }
}
