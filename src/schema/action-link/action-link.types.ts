import { ArrayMaxSize, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ArgsType, Field, InputType, ObjectType } from 'type-graphql';
import type { LinkView } from '../../services/action-link/action-link.service';
import { ErrorResult } from '../common/error-result';

@ArgsType()
export class ActionLinkArgs {
  @Field({ description: 'The token: the last part of the link (…/l/<token>).' })
  @IsString()
  @MaxLength(200)
  token!: string;
}

@InputType('ActionLinkFieldInput', { description: 'One field of a link form, as its page would post it: a name (from ActionLink.choices) and the chosen values.' })
export class ActionLinkFieldInput {
  @Field()
  @Matches(/^[a-z][a-zA-Z0-9_]{0,31}$/, { message: 'name must be a field name such as feature' })
  name!: string;

  @Field(() => [String])
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  values!: string[];
}

@InputType('ConfirmActionLinkInput', { description: 'The link to use, and for a form link the submitted answers.' })
export class ConfirmActionLinkInput {
  @Field({ description: 'The token: the last part of the link (…/l/<token>).' })
  @IsString()
  @MaxLength(200)
  token!: string;

  @Field(() => [ActionLinkFieldInput], { nullable: true, description: 'For a link whose page is a form (ActionLink.choices not empty): the submitted fields.' })
  @IsOptional()
  @ArrayMaxSize(32)
  @ValidateNested({ each: true })
  fields?: ActionLinkFieldInput[];
}

@ObjectType('ActionLinkChoice', { simpleResolvers: true, description: 'One input of a link form (e.g. a checkbox): send the chosen values back by name in confirmActionLink(input.fields).' })
export class ActionLinkChoice {
  @Field() name!: string;
  @Field() value!: string;
  @Field() label!: string;
  @Field() hint!: string;
  @Field({ description: 'Preselected (e.g. the setting as it stands).' }) checked!: boolean;
}

@ObjectType('ActionLink', { description: "What an email link does, in its recipient's language, for apps that render their own page." })
export class ActionLinkView {
  @Field({ description: 'What the link is for, e.g. email-change.' })
  purpose!: string;

  @Field({ description: 'Language of the texts (en, de).' })
  locale!: string;

  @Field()
  title!: string;

  @Field({ description: 'What confirming does (preview) or did (after confirming).' })
  message!: string;

  @Field({ description: 'Label for the confirm button.' })
  button!: string;

  @Field()
  expiresAt!: Date;

  @Field(() => [ActionLinkChoice], { description: 'The inputs of the page’s form (empty for a single-button link).' })
  choices!: ActionLinkChoice[];

  static from(view: LinkView, done: boolean, choices: ActionLinkChoice[] = []): ActionLinkView {
    return Object.assign(new ActionLinkView(), {
      purpose: view.purpose,
      locale: view.locale,
      title: view.texts.title,
      message: done ? (view.done ?? view.texts.done) : view.texts.explain,
      button: view.texts.button,
      expiresAt: view.expiresAt,
      choices,
    });
  }
}

@ObjectType('ActionTokenInvalidError', { implements: ErrorResult, simpleResolvers: true, description: 'Unknown, incomplete or locked link: ask for a new one.' })
export class ActionTokenInvalidError extends ErrorResult {}

@ObjectType('ActionTokenExpiredError', { implements: ErrorResult, simpleResolvers: true, description: 'The link expired: ask for a new one.' })
export class ActionTokenExpiredError extends ErrorResult {}

@ObjectType('ActionTokenUsedError', { implements: ErrorResult, simpleResolvers: true, description: 'The link was already used.' })
export class ActionTokenUsedError extends ErrorResult {}

@ObjectType('WorkflowEventNotAcceptedError', { implements: ErrorResult, simpleResolvers: true, description: 'The request this belongs to has ended or changed: the step is not possible now.' })
export class WorkflowEventNotAcceptedError extends ErrorResult {}

@ObjectType('ActionLinkIncompleteError', { implements: ErrorResult, simpleResolvers: true, description: 'The fields do not make a complete answer to the link’s form: nothing was changed, the link still works.' })
export class ActionLinkIncompleteError extends ErrorResult {}
