import { Entity, PrimaryColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';
import { declarePersonalData, personal, subjectLink } from './personal-data';

/** The policy's profile data of a subject: username, picture, bio, interests, professional credentials. */
@Entity('profile')
export class Profile {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  subjectId!: string;

  /** Unique, case-insensitive (stored lower-cased). */
  @StringColumn(32, { nullable: true, unique: true })
  username!: string | null;

  @StringColumn(2048, { nullable: true })
  pictureUrl!: string | null;

  @TextColumn({ nullable: true })
  bio!: string | null;

  /** JSON array of strings. */
  @TextColumn()
  interests!: string;

  /** JSON array of strings. */
  @TextColumn()
  professionalCredentials!: string;

  @TimeColumn()
  updatedAt!: Date;
}

export const profilePersonalData = declarePersonalData(Profile, {
  description: 'The public profile a person builds for community features.',
  columns: {
    subjectId: subjectLink,
    username: personal('profile'),
    pictureUrl: personal('profile'),
    bio: personal('profile'),
    interests: personal('profile'),
    professionalCredentials: personal('profile'),
    updatedAt: personal('profile'),
  },
  subjectRows: { column: 'subjectId' },
  erasure: { strategy: 'delete' },
});
