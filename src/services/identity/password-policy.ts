import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * Password rules a person understands (NIST SP 800-63B §3.1.1.2): a minimum length, a maximum
 * generous enough for passphrases, and no password from the list of the ~49,000 most common ones
 * (bundled with @zxcvbn-ts/language-common, checked offline), nor one built from the person's own
 * email, name or username. No composition rules (they make passwords harder to remember, not stronger).
 */
export const PASSWORD_MAX_LENGTH = 128;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

export interface PasswordContext {
  email?: string;
  displayName?: string;
  username?: string | null;
}

/** The reasons a password is refused, in words for the person choosing it; empty when it is fine. */
export function passwordProblems(password: string, minLength: number, context: PasswordContext = {}): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < minLength) problems.push(`Use at least ${minLength} characters (a few words make a good password).`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`Use at most ${PASSWORD_MAX_LENGTH} characters.`);
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) problems.push('This is one of the most commonly used passwords; choose one that is harder to guess.');
  else if (/^(.)\1*$/u.test(password)) problems.push('Do not repeat a single character.');
  // The email's local part, the username, and each word of the name (4+ characters).
  const personal = [context.email?.split('@')[0], context.username ?? undefined, ...(context.displayName?.split(/[\s.,'’-]+/u) ?? [])]
    .filter((v): v is string => !!v && [...v].length >= 4)
    .map((v) => v.toLowerCase());
  if (personal.some((v) => lower.includes(v))) problems.push('Do not use your name, username or email address in your password.');
  return problems;
}
