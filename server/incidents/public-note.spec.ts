import { describe, expect, it } from 'vitest';
import { checkPublicNote, PUBLIC_NOTE_MAX } from './public-note.js';

describe('checkPublicNote', () => {
  it('accepts an ordinary resolution note and normalises its whitespace', () => {
    expect(checkPublicNote('  井盖已更换，\n  警示标志已撤除  ')).toEqual({ note: '井盖已更换， 警示标志已撤除', problem: null });
    expect(checkPublicNote('Replaced the cover on 2026-11-23 at 14:05, 3 bolts')).toEqual({
      note: 'Replaced the cover on 2026-11-23 at 14:05, 3 bolts',
      problem: null,
    });
    // A case number is public already.
    expect(checkPublicNote('见 NJ20261123-0000042').problem).toBeNull();
  });

  it('refuses personal details and internal codes, each with its own reason', () => {
    expect(checkPublicNote('已联系张先生 13800138000').problem).toBe('phone_number');
    expect(checkPublicNote('call 138-0013-8000').problem).toBe('phone_number');
    expect(checkPublicNote('物业电话 025-84561234').problem).toBe('phone_number');
    expect(checkPublicNote('+86 13800138000').problem).toBe('phone_number');
    expect(checkPublicNote('身份证 32010219800101123X').problem).toBe('id_number');
    expect(checkPublicNote('mail me: a.b@example.cn').problem).toBe('email_address');
    expect(checkPublicNote('handled by W32011300700100000001').problem).toBe('worker_code');
    expect(checkPublicNote('see https://evil.example').problem).toBe('web_address');
    expect(checkPublicNote('see www.example.com').problem).toBe('web_address');
  });

  it('refuses an empty or an over-long note', () => {
    expect(checkPublicNote(' 好 ').problem).toBe('too_short');
    expect(checkPublicNote('好'.repeat(PUBLIC_NOTE_MAX + 1)).problem).toBe('too_long');
    expect(checkPublicNote('好'.repeat(PUBLIC_NOTE_MAX)).problem).toBeNull();
  });
});
