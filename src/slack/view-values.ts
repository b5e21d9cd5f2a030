// Reading a submitted modal's inputs: one accessor for every form.
import { VALUE } from '../../views/ids.ts';

type Field = { value?: string | null; selected_option?: { value: string } | null; selected_options?: { value: string }[] };
export type ViewValues = Record<string, Record<string, Field>>;

/** A text input's text or a select's chosen value; null when empty. */
export function inputValue(values: ViewValues, block: string, action: string = VALUE): string | null {
  const field = values[block]?.[action];
  return field?.selected_option?.value ?? field?.value ?? null;
}

/** The ticked values of checkboxes. */
export function checkedValues(values: ViewValues, block: string, action: string = VALUE): string[] {
  return (values[block]?.[action]?.selected_options ?? []).map((o) => o.value);
}
