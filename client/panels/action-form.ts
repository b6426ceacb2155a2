/**
 * The small form some actions need before they are sent: a reason, a note, a satisfaction score, or a
 * department to summon. Shown inline in the detail panel; Enter confirms, Esc (or Cancel) closes.
 */
import type { Department } from '../api/api-types.js';
import { el } from '../app/dom.js';
import { currentLanguage, t } from '../i18n.js';
import { PUBLIC_NOTE_MAX } from '../../server/incidents/public-note.js';

export type ActionFields = { reason?: string; note?: string; satisfaction?: number; departmentCode?: string; publicNote?: string };
/** publicNote: an optional reply to the reporter, published on /report/{id} (server/incidents/public-note.ts). */
export type FieldKind = 'reason' | 'note' | 'satisfaction' | 'department' | 'publicNote';

export function createActionForm(options: {
  title: string;
  fields: FieldKind[];
  departments: Department[];
  onSubmit(values: ActionFields): void;
  onCancel(): void;
}): HTMLFormElement {
  const inputs: Partial<Record<FieldKind, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>> = {};
  const rows = options.fields.map((kind) => {
    let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (kind === 'department') {
      input = el(
        'select',
        { attrs: { name: 'departmentCode', required: true } },
        options.departments.map((d) => el('option', { attrs: { value: d.code } }, [departmentName(d)])),
      );
    } else if (kind === 'satisfaction') {
      input = el('input', { attrs: { name: 'satisfaction', type: 'number', min: 1, max: 5, step: 1, value: 5, required: true } });
    } else if (kind === 'publicNote') {
      input = el('textarea', { attrs: { name: kind, rows: 2, maxlength: PUBLIC_NOTE_MAX, placeholder: t('publicNoteHint') } });
    } else {
      input = el('textarea', { attrs: { name: kind, rows: 2, minlength: 2, maxlength: kind === 'note' ? 1000 : 500, required: true } });
    }
    inputs[kind] = input;
    const label = {
      reason: 'reasonPrompt',
      note: 'notePrompt',
      satisfaction: 'satisfactionPrompt',
      department: 'department',
      publicNote: 'publicNotePrompt',
    }[kind];
    return el('label', {}, [el('span', {}, [t(label)]), input]);
  });
  const form = el(
    'form',
    {
      className: 'action-form',
      testId: 'action-form',
      on: {
        submit: (event) => {
          event.preventDefault();
          options.onSubmit({
            reason: inputs.reason?.value.trim(),
            note: inputs.note?.value.trim(),
            satisfaction: inputs.satisfaction ? Number(inputs.satisfaction.value) : undefined,
            departmentCode: inputs.department?.value,
            publicNote: inputs.publicNote?.value.trim() || undefined,
          });
        },
        keydown: (event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            options.onCancel();
          }
        },
      },
    },
    [
      el('h3', {}, [options.title]),
      ...rows,
      el('div', { className: 'button-row' }, [
        el('button', { attrs: { type: 'submit' }, className: 'primary' }, [t('confirm')]),
        el('button', { attrs: { type: 'button' }, on: { click: () => options.onCancel() } }, [t('cancel')]),
      ]),
    ],
  );
  queueMicrotask(() => (form.querySelector('select, textarea, input') as HTMLElement | null)?.focus());
  return form;
}

export function departmentName(d: Department): string {
  return currentLanguage() === 'en' ? d.name_en : d.name_zh;
}
