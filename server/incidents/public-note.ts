/**
 * The public note of a resolution (issue 23): the sentence a worker or the command centre leaves for the
 * reporter when resolving or closing a case, shown on the citizens' page /report/{id} and as Open311
 * `status_notes`. Stored apart from the internal note (incident_timeline.public_note, migration 0039).
 *
 * Whatever is typed here is published, so the check refuses what must never be public: anyone's phone number,
 * an ID-card number, an e-mail address, a worker code (W + 20 digits, internal) or a web address (no links on a
 * public page). Control characters are refused before this by server/http/text-sanitation.ts. The same check
 * runs in the browser before a step is queued (validation in two places with the same reason codes).
 *
 * Pure, no imports: the browser bundle takes it as it is.
 */

export const PUBLIC_NOTE_MAX = 500;

export type PublicNoteProblem = 'too_short' | 'too_long' | 'phone_number' | 'id_number' | 'email_address' | 'worker_code' | 'web_address';

const PATTERNS: readonly [PublicNoteProblem, RegExp][] = [
  ['worker_code', /W\d{20}/i],
  // 18-digit resident ID (the last may be X), or the old 15-digit one.
  ['id_number', /(?<!\d)(\d{17}[\dXx]|\d{15})(?![\dXx])/],
  // A mainland mobile (1[3-9] + 9 digits) or a landline with its area code, spaces and dashes allowed between groups.
  ['phone_number', /(?<!\d)(\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)|(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)/],
  ['email_address', /[^\s@]+@[^\s@]+\.[^\s@]+/],
  ['web_address', /https?:\/\/|www\./i],
];

/** The trimmed note, and why it may not be published (null: it may). */
export function checkPublicNote(text: string): { note: string; problem: PublicNoteProblem | null } {
  const note = text.trim().replace(/\s+/g, ' ');
  if (note.length < 2) return { note, problem: 'too_short' };
  if (note.length > PUBLIC_NOTE_MAX) return { note, problem: 'too_long' };
  for (const [problem, pattern] of PATTERNS) if (pattern.test(note)) return { note, problem };
  return { note, problem: null };
}
