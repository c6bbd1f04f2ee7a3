import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config';
import {
  assuranceAtLeast,
  BusinessCalendar,
  requestClockSpec,
  requestDueDate,
  stepsFor,
  VERIFICATION_STEP_CATALOGUE,
  VERIFICATION_STEP_KEYS,
  type Right,
} from '../../src/policy';
import { canonicalJson } from '../../src/util/canonical-json';
import { loadPolicy, mExePolicyForTests } from '../helpers/policy-fixtures';

/** Rights as the policy lists them: deadline, verification steps with their assurance, who may ask, how. */
describe('rights in the m-exe.com policy', () => {
  const policy = loadPolicy();
  const rights = Object.fromEntries(policy.rights.map((r) => [r.key, r])) as Record<string, Right>;
  const steps = (key: string) => rights[key].verificationSteps.map((s) => s.step);

  it('has the GDPR, CCPA and COPPA requests of the issue, each with its kind', () => {
    expect(policy.rights.map((r) => [r.key, r.kind])).toEqual([
      ['access', 'access'],
      ['rectification', 'rectification'],
      ['erasure', 'erasure'],
      ['restriction', 'restriction'],
      ['portability', 'portability'],
      ['objection', 'objection'],
      ['ccpa_know_categories', 'know_categories'],
      ['ccpa_know_specific', 'know_specific'],
      ['ccpa_delete', 'delete'],
      ['ccpa_correct', 'correct'],
      ['ccpa_opt_out', 'opt_out'],
      ['ccpa_non_discrimination', 'non_discrimination'],
      ['coppa_parental_review', 'parental_review'],
    ]);
  });

  it('gives every right people can ask for a deadline, an assurance level, verification steps, requesters and channels', () => {
    const receivedAt = new Date('2026-03-02T10:00:00Z');
    for (const right of policy.rights.filter((r) => r.requesters.length)) {
      expect([right.key, right.assurance]).toEqual([right.key, expect.stringMatching(/^(none|reasonable|reasonably_high)$/)]);
      expect(right.assuranceBasis).toBeTruthy();
      expect(right.verificationSteps.length).toBeGreaterThan(0);
      expect(right.channels.length).toBeGreaterThan(0);
      const due = requestDueDate(requestClockSpec({ right, calendar: new BusinessCalendar('us-federal'), inquiryResponse: policy.contact.inquiryResponse }), receivedAt);
      expect(due.getTime()).toBeGreaterThan(receivedAt.getTime());
    }
    // Non-discrimination is a protection, not a request.
    expect(rights.ccpa_non_discrimination).toMatchObject({ requesters: [], verificationSteps: [] });
  });

  it('verifies an account holder through the account, documents only without one or on doubt (EDPB 01/2022 §3.3)', () => {
    expect(rights.access.verificationSteps.slice(0, 4)).toEqual([
      expect.objectContaining({ step: 'account_verification', required: true, when: ['account_holder'], assurance: 'reasonably_high' }),
      expect.objectContaining({ step: 'second_factor', required: true, when: ['second_factor_enabled'] }),
      expect.objectContaining({ step: 'government_id', required: true, when: ['no_account', 'reasonable_doubt'] }),
      expect.objectContaining({ step: 'proof_of_address', required: true, when: ['no_account', 'reasonable_doubt'] }),
    ]);
    expect(stepsFor(rights.access, ['account_holder']).required.map((s) => s.step)).toEqual(['account_verification']);
    expect(stepsFor(rights.access, ['account_holder', 'second_factor_enabled']).required.map((s) => s.step)).toEqual(['account_verification', 'second_factor']);
    expect(stepsFor(rights.access, ['no_account']).required.map((s) => s.step)).toEqual(['government_id', 'proof_of_address']);
    expect(stepsFor(rights.access, ['no_account', 'agent']).required.map((s) => s.step)).toEqual(['government_id', 'proof_of_address', 'agent_permission']);
    expect(stepsFor(rights.access, ['parent']).required.map((s) => s.step)).toEqual(['guardian_verification']);
    // A restriction asks less: an ID only if staff doubt the account holder.
    expect(stepsFor(rights.restriction, ['account_holder']).required.map((s) => s.step)).toEqual(['account_verification', 'restriction_parameters', 'processing_activity']);
    expect(stepsFor(rights.restriction, ['account_holder', 'reasonable_doubt']).optional.map((s) => s.step)).toEqual(['government_id']);
    expect(stepsFor(rights.restriction, ['no_account']).required.map((s) => s.step)).toContain('data_points_2');
  });

  it('follows the policy’s table for rectification, erasure, restriction and portability', () => {
    expect(steps('rectification')).toEqual(expect.arrayContaining(['account_verification', 'correction_details', 'supporting_documentation']));
    expect(rights.rectification.verificationSteps.find((s) => s.step === 'supporting_documentation')).toMatchObject({ required: false });
    expect(steps('erasure')).toEqual(expect.arrayContaining(['account_verification', 'explicit_confirmation']));
    expect(steps('restriction')).toEqual(expect.arrayContaining(['account_verification', 'restriction_parameters', 'processing_activity']));
    // Portability: the second factor for everyone (TOTP, or a mailed code), from the person's own account only.
    expect(stepsFor(rights.portability, ['account_holder']).required.map((s) => s.step)).toEqual(['account_verification', 'second_factor', 'format_choice']);
    expect(rights.portability).toMatchObject({ requesters: ['self_signed_in'], channels: ['api'] });
  });

  it('asks no more than the CCPA’s levels (11 CCR 7060–7062)', () => {
    expect(rights.ccpa_opt_out).toMatchObject({ assurance: 'none', verificationSteps: [expect.objectContaining({ step: 'agent_permission', when: ['agent'] })] });
    expect(rights.ccpa_opt_out.requesters).toContain('device');
    expect(rights.ccpa_opt_out.channels).toContain('gpc');
    expect(rights.ccpa_know_categories.assurance).toBe('reasonable');
    expect(stepsFor(rights.ccpa_know_categories, ['no_account']).required.map((s) => s.step)).toEqual(['data_points_2']);
    for (const key of ['ccpa_know_specific', 'ccpa_delete', 'ccpa_correct']) {
      expect(rights[key].assurance).toBe('reasonably_high');
      expect(stepsFor(rights[key], ['no_account']).required.map((s) => s.step)).toEqual(expect.arrayContaining(['data_points_3', 'signed_declaration']));
    }
    expect(rights.ccpa_correct).toMatchObject({ inferred: true });
  });

  it('keeps the policy’s own words for the public view', () => {
    expect(rights.access.verification).toEqual(['government_id', 'proof_of_address', 'account_verification']);
    expect(rights.portability.verification).toEqual(['two_factor_authentication', 'format_specification', 'destination_details']);
  });

  it('fits the policy_version.document column (MySQL TEXT, 65,535 bytes) with room to spare', () => {
    expect(Buffer.byteLength(canonicalJson(policy))).toBeLessThan(48_000);
  });
});

describe('verification step catalogue', () => {
  it.each([
    ['reasonably_high', 'reasonable', true],
    ['reasonable', 'reasonable', true],
    ['reasonable', 'reasonably_high', false],
    ['none', 'reasonable', false],
    ['none', 'none', true],
  ] as const)('%s reaches %s: %s', (reached, needed, result) => {
    expect(assuranceAtLeast(reached, needed)).toBe(result);
  });

  it('describes every step; documents are checked by staff and kept sealed until the request closes', () => {
    expect(Object.keys(VERIFICATION_STEP_CATALOGUE).sort()).toEqual([...VERIFICATION_STEP_KEYS].sort());
    const documents = Object.entries(VERIFICATION_STEP_CATALOGUE).filter(([, s]) => s.document).map(([k]) => k).sort();
    expect(documents).toEqual(['agent_permission', 'government_id', 'proof_of_address', 'signed_declaration', 'supporting_documentation']);
    for (const key of documents) expect(VERIFICATION_STEP_CATALOGUE[key as keyof typeof VERIFICATION_STEP_CATALOGUE].checkedBy).toBe('staff');
  });
});

describe('POLICY_FILE with verification data', () => {
  const base = mExePolicyForTests;
  const withRight = (key: string, change: (r: any) => any) => ({ ...base, rights: base.rights.map((r: any) => (r.key === key ? change({ ...r }) : r)) });
  const step = (name: string, assurance: string, required = true, when: string[] = []) => ({ step: name, assurance, required, when });

  it('loads the built-in policy written out as JSON', () => {
    expect(loadPolicy(writePolicy(base)).rights.find((r) => r.key === 'access')?.verificationSteps.length).toBe(rights(base).access.verificationSteps.length);
  });

  it('loads an older file without the new fields, taking the kind from the built-in keys', () => {
    const old = {
      ...base,
      rights: base.rights.map(({ kind, assurance, assuranceBasis, verificationSteps, requesters, channels, inferred, ...rest }: any) => rest),
    };
    const loaded = loadPolicy(writePolicy(old));
    expect(loaded.rights.find((r) => r.key === 'ccpa_opt_out')).toMatchObject({ kind: 'opt_out', verificationSteps: [], requesters: [], channels: [] });
    expect(loaded.rights.find((r) => r.key === 'access')?.kind).toBe('access');
  });

  it('takes a site’s own right with its own kind', () => {
    const own = { ...base, rights: [...base.rights, { ...rights(base).ccpa_know_specific, key: 'my_know', kind: 'know_specific' }] };
    expect(loadPolicy(writePolicy(own)).rights.find((r) => r.key === 'my_know')?.kind).toBe('know_specific');
  });

  it.each([
    ['an opt-out that asks for identity', withRight('ccpa_opt_out', (r) => ({ ...r, verificationSteps: [...r.verificationSteps, step('data_points_2', 'reasonable')] })), /rights\.10\.verificationSteps\.1\.step: .*11 CCR 7060\(b\)/],
    ['an ID copy from everyone', withRight('access', (r) => ({ ...r, verificationSteps: [step('government_id', 'reasonably_high'), ...r.verificationSteps.filter((s: any) => s.step !== 'government_id')] })), /rights\.0\.verificationSteps\.0\.when: .*EDPB/],
    ['more than the right needs', withRight('ccpa_know_categories', (r) => ({ ...r, verificationSteps: [...r.verificationSteps, step('data_points_3', 'reasonably_high', true, ['no_account']), step('signed_declaration', 'none', true, ['no_account'])] })), /asks for more than the right needs \(reasonable\)/],
    ['three data points without a declaration', withRight('ccpa_know_specific', (r) => ({ ...r, verificationSteps: r.verificationSteps.filter((s: any) => s.step !== 'signed_declaration') })), /signed_declaration .*7062\(c\)/],
    ['an agent without permission', withRight('access', (r) => ({ ...r, verificationSteps: r.verificationSteps.filter((s: any) => s.step !== 'agent_permission') })), /agent_permission .*7063/],
    ['a parent without the guardian check', withRight('access', (r) => ({ ...r, verificationSteps: r.verificationSteps.filter((s: any) => s.step !== 'guardian_verification') })), /guardian_verification/],
    ['a level no step reaches', withRight('restriction', (r) => ({ ...r, assurance: 'reasonably_high', verificationSteps: r.verificationSteps.filter((s: any) => !['account_verification', 'government_id', 'guardian_verification'].includes(s.step)) })), /no step reaches the assurance the right needs \(reasonably_high\)/],
    ['a step twice', withRight('erasure', (r) => ({ ...r, verificationSteps: [...r.verificationSteps, r.verificationSteps[0]] })), /duplicate step "account_verification"/],
    ['an unknown step', withRight('erasure', (r) => ({ ...r, verificationSteps: [step('retina_scan', 'reasonably_high')] })), /rights\.2\.verificationSteps\.0\.step/],
    ['an unknown condition', withRight('erasure', (r) => ({ ...r, verificationSteps: [{ ...r.verificationSteps[0], when: ['full_moon'] }] })), /rights\.2\.verificationSteps\.0\.when\.0/],
    ['an unknown requester', withRight('erasure', (r) => ({ ...r, requesters: ['neighbour'] })), /rights\.2\.requesters\.0/],
    ['requesters and no channel', withRight('erasure', (r) => ({ ...r, channels: [] })), /rights\.2\.channels: .*channel/],
    ['requesters and no level', withRight('erasure', ({ assurance, ...r }) => r), /rights\.2\.assurance/],
    ['an unknown kind', withRight('erasure', (r) => ({ ...r, kind: 'forget_me' })), /rights\.2\.kind/],
  ])('refuses %s, naming the field', (_, doc, message) => {
    const file = writePolicy(doc);
    expect(() => loadPolicy(file)).toThrow(ConfigError);
    expect(() => loadPolicy(file)).toThrow(message);
  });
});

function rights(doc: any): Record<string, any> {
  return Object.fromEntries(doc.rights.map((r: any) => [r.key, r]));
}

function writePolicy(doc: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}
