// Slack's Block Kit limits (api.slack.com/reference/block-kit), checked independently of the app's own
// LIMITS so a view that trims wrongly is caught. Returns what Slack would refuse.
type Json = Record<string, unknown>;

const textOf = (t: unknown) => (t && typeof t === 'object' ? String((t as Json).text ?? '') : '');

export function checkBlocks(blocks: unknown, where: 'message' | 'view'): string[] {
  const out: string[] = [];
  if (!Array.isArray(blocks)) return out;
  const max = where === 'message' ? 50 : 100;
  if (blocks.length > max) out.push(`${blocks.length} blocks in a ${where} (max ${max})`);
  let chars = 0;
  const ids = new Set<string>();
  for (const b of blocks as Json[]) {
    if (b.block_id) {
      if (String(b.block_id).length > 255) out.push('block_id over 255');
      if (ids.has(String(b.block_id))) out.push(`duplicate block_id ${String(b.block_id)}`);
      ids.add(String(b.block_id));
    }
    const text = textOf(b.text);
    chars += text.length;
    if (b.type === 'header' && text.length > 150) out.push(`header text ${text.length} > 150`);
    if (b.type === 'section' && text.length > 3000) out.push(`section text ${text.length} > 3000`);
    if (Array.isArray(b.fields)) {
      if (b.fields.length > 10) out.push('more than 10 fields');
      for (const f of b.fields) {
        chars += textOf(f).length;
        if (textOf(f).length > 2000) out.push('field text over 2000');
      }
    }
    const elements = (b.type === 'actions' || b.type === 'context' ? (b.elements as Json[]) : []) ?? [];
    if (b.type === 'actions' && elements.length > 25) out.push('more than 25 elements in actions');
    if (b.type === 'context' && elements.length > 10) out.push('more than 10 elements in context');
    for (const e of b.type === 'context' ? elements : []) chars += String(e.text ?? '').length;
    const interactive = [...(b.type === 'actions' ? elements : []), ...(b.accessory ? [b.accessory as Json] : []), ...(b.element ? [b.element as Json] : [])];
    for (const e of interactive) out.push(...checkElement(e));
    if (b.type === 'input' && textOf(b.label).length > 2000) out.push('input label over 2000');
  }
  if (where === 'message' && chars > 10_000) out.push(`${chars} characters of text in a message (keep under 10,000)`);
  return out;
}

function checkElement(e: Json): string[] {
  const out: string[] = [];
  if (e.action_id && String(e.action_id).length > 255) out.push('action_id over 255');
  if (e.type === 'button') {
    if (textOf(e.text).length > 75) out.push(`button text ${textOf(e.text).length} > 75`);
    if (e.value && String(e.value).length > 2000) out.push('button value over 2000');
  }
  const options = (e.options as Json[] | undefined) ?? [];
  const cap = e.type === 'overflow' ? 5 : e.type === 'checkboxes' || e.type === 'radio_buttons' ? 10 : 100;
  if (options.length > cap) out.push(`${options.length} options in ${String(e.type)} (max ${cap})`);
  for (const o of options) {
    if (textOf(o.text).length > 75) out.push(`option text ${textOf(o.text).length} > 75`);
    if (String(o.value ?? '').length > 150) out.push('option value over 150');
    if (o.description && textOf(o.description).length > 75) out.push('option description over 75');
  }
  if (e.placeholder && textOf(e.placeholder).length > 150) out.push('placeholder over 150');
  return out;
}

export function checkView(view: Json): string[] {
  const out = checkBlocks(view.blocks, 'view');
  for (const key of ['title', 'submit', 'close'] as const) {
    if (view[key] && textOf(view[key]).length > 24) out.push(`view ${key} ${textOf(view[key]).length} > 24`);
  }
  if (view.private_metadata && String(view.private_metadata).length > 3000) out.push('private_metadata over 3000');
  if (view.callback_id && String(view.callback_id).length > 255) out.push('callback_id over 255');
  if (JSON.stringify(view).length > 250_000) out.push('view JSON over 250 kB');
  const hasInput = Array.isArray(view.blocks) && (view.blocks as Json[]).some((b) => b.type === 'input');
  if (view.type === 'modal' && hasInput && !view.submit) out.push('modal with an input block has no submit');
  return out;
}
