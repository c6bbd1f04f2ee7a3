import { domainToASCII } from 'node:url';
import { RequestError } from '../errors';

/**
 * Email addresses used as keys (accounts, sign-in, rate limits, parent addresses, opt-out by email,
 * the parent dashboard, email changes, the age gate's identifier binding).
 *
 * One mailbox can be written many ways: `X@D`, `x@d`, `"x"@d`, `"\x"@d`, `x@bücher.de` and
 * `x@xn--bcher-kva.de`. If each spelling counted as its own address, per-address limits (notices
 * to a parent, registrations) could be multiplied and one mailbox could hold several accounts. So:
 *
 * - the API refuses quoted local parts outright (`isPlainAddress`, a BAD_USER_INPUT): nobody needs
 *   them, and refusing is simpler than explaining what they mean;
 * - `canonicalEmail` turns every spelling into one key: surrounding blanks trimmed, a quoted local
 *   part unquoted when that is equivalent to a plain one (`"x"@d`, `"\x"@d` → `x@d`), the local part
 *   in Unicode NFC, the domain as lower-case ASCII (IDNA, `bücher.de` → `xn--bcher-kva.de`), and the
 *   local part lower-cased.
 *
 * Lower-casing the local part is what the service has always stored (every address was
 * `trim().toLowerCase()`), and what practically every mail provider does; RFC 5321 lets a server
 * tell `X` from `x`, but keeping two accounts for them would be the very duplicate this prevents.
 * `+tags` and dots are kept (`x+news@d` is a different account from `x@d`): `mailboxKey` drops the
 * tag only where a limit must count the mailbox, not the address.
 */

const ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\uFFFF";
const DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`, 'u');

/** The canonical form of an address, or null when it has none (not an address, or a quoted local part that is not equivalent to a plain one). */
export function canonicalEmail(raw: string): string | null {
  const address = raw.trim();
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1) return null;
  let local = address.slice(0, at);
  if (local.length >= 2 && local.startsWith('"') && local.endsWith('"')) local = local.slice(1, -1).replace(/\\([\s\S])/g, '$1');
  local = local.normalize('NFC');
  if (!DOT_ATOM.test(local)) return null;
  const domain = domainToASCII(address.slice(at + 1).normalize('NFC').toLowerCase());
  if (!domain) return null;
  return `${local.toLowerCase()}@${domain}`;
}

/** True for an address the API accepts: no quoted local part, and a canonical form exists. */
export function isPlainAddress(raw: string): boolean {
  return !raw.includes('"') && !raw.includes('\\') && canonicalEmail(raw) !== null;
}

/**
 * The mailbox an address delivers to, for limits on mail sent to it: the canonical address without
 * its `+tag` (`x+1@d`, `x+2@d` → `x@d`), so tags cannot multiply a per-address limit.
 */
export function mailboxKey(canonical: string): string {
  const at = canonical.lastIndexOf('@');
  const local = canonical.slice(0, at);
  const plus = local.indexOf('+');
  return plus > 0 ? `${local.slice(0, plus)}${canonical.slice(at)}` : canonical;
}

/** The key an address from a caller is stored and looked up as; throws BAD_USER_INPUT when it has none (the API refuses such input before it gets here). */
export function normalizeEmail(raw: string): string {
  const canonical = canonicalEmail(raw);
  if (!canonical) throw new RequestError('BAD_USER_INPUT', 'The email address must be a plain address such as name@example.com.');
  return canonical;
}
