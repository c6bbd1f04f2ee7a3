import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';

/** The paging of staff queues (privacy requests, outbox): up to 200 rows a page, cursor = the last row's id. */
@ArgsType()
export class StaffPageArgs {
  @Field(() => Int, { defaultValue: 50 })
  @IsInt()
  @Min(1)
  @Max(200)
  first!: number;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  @IsOptional()
  @IsUUID()
  after?: string;
}
