import { IsString, MaxLength } from 'class-validator';
import { ArgsType, Field, ObjectType } from 'type-graphql';
import type { LinkView } from '../../services/action-link/action-link.service';
import { ErrorResult } from '../common/error-result';

@ArgsType()
export class ActionLinkArgs {
  @Field({ description: 'The token: the last part of the link (…/l/<token>).' })
  @IsString()
  @MaxLength(200)
  token!: string;
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

  static from(view: LinkView, done: boolean): ActionLinkView {
    return Object.assign(new ActionLinkView(), {
      purpose: view.purpose,
      locale: view.locale,
      title: view.texts.title,
      message: done ? view.texts.done : view.texts.explain,
      button: view.texts.button,
      expiresAt: view.expiresAt,
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
