import { checkGoals, formatTable, median, ratios, rssDrift, summarise, TABLE_HEADER, tableRows, type Round } from '../../bench/lib/stats';

const round = (target: string, r: number, ok: number, cpuUs: number, p50Ms = 1, p99Ms = 5, errors = 0): Round => ({ target, round: r, ok, errors, durationS: 2, cpuUs, p50Ms, p99Ms });

describe('bench arithmetic', () => {
  const rounds = [
    round('service', 0, 2_000, 400_000, 10, 40),
    round('peer', 0, 8_000, 400_000, 2, 8),
    round('service', 1, 2_400, 440_000, 12, 50),
    round('peer', 1, 8_000, 480_000, 3, 9),
    round('service', 2, 1_600, 360_000, 11, 60),
    round('peer', 2, 8_000, 320_000, 4, 10, 3),
  ];

  it('sums rounds into throughput and CPU per request, latencies as the median round', () => {
    const [service, peer] = summarise(rounds, { service: 150, peer: 90 });
    expect(service).toEqual({ target: 'service', rounds: 3, ok: 6_000, errors: 0, rps: 1_000, p50Ms: 11, p99Ms: 50, cpuPerReqUs: 200, peakRssMb: 150 });
    expect(peer).toMatchObject({ ok: 24_000, errors: 3, rps: 4_000, cpuPerReqUs: 50, p50Ms: 3 });
  });

  it('compares the service with each baseline and checks the goals', () => {
    const rs = ratios(summarise(rounds), 'service');
    expect(rs).toEqual([{ baseline: 'peer', cpu: 4, rps: 0.25 }]);
    expect(checkGoals([{ baseline: 'peer', metric: 'cpu', max: 2 }, { baseline: 'peer', metric: 'rps', min: 0.2 }, { baseline: 'absent', metric: 'rps', min: 1 }], rs)).toEqual([
      { goal: 'CPU/req ≤ 2× peer', value: 4, met: false },
      { goal: 'req/s ≥ 0.2× peer', value: 0.25, met: true },
      { goal: 'req/s ≥ 1× absent', value: NaN, met: false },
    ]);
  });

  it('calls RSS flat within ±10 %', () => {
    expect(rssDrift([100, 104, 109])).toMatchObject({ first: 100, last: 109, flat: true });
    expect(rssDrift([100, 130, 120]).flat).toBe(false);
    // A sawtooth of heap cycles is flat (its floor stays); a rising floor is not.
    expect(rssDrift([185, 226, 268, 307, 185, 196, 220, 249, 271, 294, 187, 205, 224, 245, 265, 283, 185, 197, 217, 247, 274])).toMatchObject({ first: 185, last: 185, min: 185, max: 307, flat: true });
    expect(rssDrift([200, 205, 210, 230, 240, 250, 260, 270, 280])).toMatchObject({ first: 200, last: 260, flat: false });
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });

  it('prints one aligned table with the ratios', () => {
    const [service, peer] = summarise(rounds, { service: 150, peer: 90 });
    const text = formatTable(TABLE_HEADER, tableRows([
      { scenario: 's', target: 'service', summary: service, cpuVsLimit: 4 },
      { scenario: 's', target: 'peer', summary: peer, vsService: { baseline: 'peer', cpu: 4, rps: 0.25 }, cpuVsLimit: 1 },
    ]));
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[2]).toContain('(service)');
    expect(lines[3]).toMatch(/\| peer +\| +4,000 \| +3\.0 \| +9\.0 \| +50 \| +90 \| +1\.00× \| +4\.00× \| +0\.25× \| +3 \|/);
  });
});
