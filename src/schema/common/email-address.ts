import { isEmail, ValidateBy, type ValidationOptions } from 'class-validator';
import { isPlainAddress } from '../../util/email';

/**
 * An email address the service can use as a key: a valid address without a quoted local part
 * (`"x"@example.com` is refused; see src/util/email.ts). Replaces `@IsEmail()` on every input.
 */
export function IsEmailAddress(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEmailAddress',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isEmail(value) && isPlainAddress(value),
        defaultMessage: (args) => `${args?.property ?? "email"} must be a plain email address such as name@example.com (no quotes)`,
      },
    },
    validationOptions,
  );
}
