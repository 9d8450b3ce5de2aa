import { Sessions, SESSION_HOURS } from '../../cli/web/session';

describe('sessions of sandboxkit serve', () => {
  it('gives each session its own CSRF token, valid for it alone', () => {
    const s = new Sessions();
    const a = s.create();
    const b = s.create();
    expect(s.csrfValid(a, s.csrfToken(a))).toBe(true);
    expect(s.csrfValid(b, s.csrfToken(a))).toBe(false);
    expect(s.csrfValid(a, undefined)).toBe(false);
    expect(s.csrfValid('unknown', s.csrfToken('unknown'))).toBe(false);
  });

  it('moves a signed-in session to a new id, so that the id known before the sign-in is worthless', () => {
    const s = new Sessions();
    const before = s.create();
    s.get(before)!.user = { name: 'carol', groups: [] };
    const after = s.rotate(before);
    expect(after).not.toBe(before);
    expect(s.get(before)).toBeUndefined();
    expect(s.get(after)?.user?.name).toBe('carol');
  });

  it('forgets a session after its hours', () => {
    let now = 0;
    const s = new Sessions(() => now);
    const id = s.create();
    now = SESSION_HOURS * 3_600_000 + 1;
    expect(s.get(id)).toBeUndefined();
  });
});
