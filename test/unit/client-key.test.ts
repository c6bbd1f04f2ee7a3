import { ipGroup } from '../../src/util/ip-group';

describe('the client a per-client limit counts', () => {
  it('is an IPv4 address as it is, also when written as IPv4-mapped IPv6', () => {
    expect(ipGroup('203.0.113.9')).toBe('203.0.113.9');
    expect(ipGroup('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('is the /64 network of an IPv6 address, however it is written', () => {
    const net = '2001:db8:1:2::/64';
    expect(ipGroup('2001:db8:1:2:3:4:5:6')).toBe(net);
    expect(ipGroup('2001:DB8:1:2::7')).toBe(net);
    expect(ipGroup('2001:0db8:0001:0002:ffff:0000:0000:0001')).toBe(net);
    expect(ipGroup('2001:db8:1:2:ffff::203.0.113.9')).toBe(net);
    expect(ipGroup('2001:db8:1:3::1')).not.toBe(net);
    expect(ipGroup('::1')).toBe('0:0:0:0::/64');
    expect(ipGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('is "unknown" without an address', () => {
    expect(ipGroup(undefined)).toBe('unknown');
    expect(ipGroup('')).toBe('unknown');
  });
});
