import { canonicalEmail, isPlainAddress, mailboxKey, normalizeEmail } from '../../src/util/email';

describe('email addresses as keys (issue 11 §8)', () => {
  it('gives every spelling of one mailbox one key', () => {
    const key = 'x@example.com';
    for (const spelling of ['x@example.com', 'X@EXAMPLE.COM', '  x@Example.com ', '"x"@example.com', '"\\x"@example.com', '"\\X"@example.com']) {
      expect(canonicalEmail(spelling)).toBe(key);
    }
    // The domain as IDNA ASCII, the local part in NFC.
    expect(canonicalEmail('x@Bücher.de')).toBe('x@xn--bcher-kva.de');
    expect(canonicalEmail('x@xn--bcher-kva.de')).toBe('x@xn--bcher-kva.de');
    expect(canonicalEmail('jose\u0301@example.com')).toBe(canonicalEmail('jos\u00e9@example.com'));
    // Dots and +tags are the address's own (another account).
    expect(canonicalEmail('x.y+news@example.com')).toBe('x.y+news@example.com');
  });

  it('has no key for what is not a plain address', () => {
    for (const bad of ['"x y"@example.com', '"a@b"@example.com', 'x@', '@example.com', 'x', 'x..y@example.com', '.x@example.com', 'x@[1.2.3.4]']) {
      expect(canonicalEmail(bad)).toBeNull();
    }
    expect(() => normalizeEmail('"x y"@example.com')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('lets the API accept only unquoted addresses', () => {
    expect(isPlainAddress('x@example.com')).toBe(true);
    expect(isPlainAddress('x@bücher.de')).toBe(true);
    expect(isPlainAddress('"x"@example.com')).toBe(false);
    expect(isPlainAddress('"\\x"@example.com')).toBe(false);
  });

  it('counts a mailbox without its +tag for limits on mail to it', () => {
    expect(mailboxKey('x+1@example.com')).toBe('x@example.com');
    expect(mailboxKey('x+a+b@example.com')).toBe('x@example.com');
    expect(mailboxKey('x@example.com')).toBe('x@example.com');
    expect(mailboxKey('+x@example.com')).toBe('+x@example.com');
  });
});
