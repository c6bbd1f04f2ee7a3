import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Links a subject to the site’s own user id (or unlinks it with externalId: null).' })
export class SetSubjectExternalIdInput {
  @Field(() => ID)
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'subjectId must be a subject id' })
  subjectId!: string;

  // The format is checked by the service (InvalidExternalIdError); this only bounds junk.
  @Field(() => String, { nullable: true, description: 'The site’s user id: 1–128 characters, a letter or digit first, then letters, digits and . _ : @ | / + = -. null unlinks.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  externalId!: string | null;
}
