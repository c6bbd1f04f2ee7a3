import { ipGroup } from '../../src/util/ip-group';

describe('ipGroup: the client a per-IP limit counts', () => {
  it.each([
    ['192.0.2.17', '192.0.2.17'],
    [' 192.0.2.17 ', '192.0.2.17'],
    ['::ffff:192.0.2.17', '192.0.2.17'],
    ['::FFFF:c000:0211', '192.0.2.17'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:a:b:c:d', '2001:db8:1:2::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.17', '64:ff9b:0:0::/64'],
    [undefined, 'unknown'],
    ['', 'unknown'],
    ['unknown', 'unknown'],
  ])('%j counts as %j', (ip, group) => {
    expect(ipGroup(ip)).toBe(group);
  });

  it('puts every address of one /64 in one group and neighbouring /64s in others', () => {
    expect(new Set(['2001:db8:1:2::a', '2001:db8:1:2:1::b', '2001:db8:1:2:ffff:ffff:ffff:fffe'].map(ipGroup)).size).toBe(1);
    expect(new Set(['2001:db8:1:2::a', '2001:db8:1:3::a', '2001:db8:2:2::a'].map(ipGroup)).size).toBe(3);
  });
});
