// The SDR review page. Every action is a correction POSTed to the local server, which appends it
// to <name>.review.json, re-applies the log to the draft and answers with the new state: the page
// keeps no review data of its own and simply redraws from that state.
'use strict';

const app = {
  call: null, // GET /api/call: transcript, field tables, requirements (fixed while reviewing)
  state: null, // GET /api/state: the corrected handoff, rejected items, what is missing
  selected: null, // id of the item under the cursor
  editing: null, // id of the item whose edit form is open
  pendingAdd: null, // transcript words selected for a new item
  stopAt: null, // seconds at which playback of an item's part stops
};

const $ = (selector) => document.querySelector(selector);

// Builds an element; children are nodes or text (never parsed as HTML).
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

function clock(ms) {
  const seconds = Math.floor(ms / 1000);
  const pad = (n) => String(n).padStart(2, '0');
  const hours = Math.floor(seconds / 3600);
  const rest = `${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return hours ? `${hours}:${rest}` : rest;
}

function humanize(value) {
  return String(value).replaceAll('_', ' ');
}

let toastTimer = null;
function toast(message, kind = 'info') {
  const box = $('#toast');
  box.textContent = message;
  box.className = kind;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, kind === 'error' ? 8000 : 3000);
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  if (!response.ok) {
    if (data.state) setState(data.state);
    throw new Error(data.error || response.statusText);
  }
  return data;
}

async function send(request, done) {
  try {
    setState(await api('POST', '/api/corrections', request));
    toast(done);
    return true;
  } catch (error) {
    toast(error.message, 'error');
    return false;
  }
}

// ---- Items ---------------------------------------------------------------------------------

function spec(category) {
  return app.call.categories.find((entry) => entry.category === category);
}

// Items in the order the page lists them: by category, then the rejected ones.
function allItems() {
  const items = [];
  for (const category of app.call.categories) {
    for (const item of app.state.handoff[category.list] || []) {
      items.push({ ...item, state: item.review ? item.review.state : 'pending' });
    }
  }
  for (const item of app.state.rejected) items.push({ ...item, state: 'rejected' });
  return items;
}

function findItem(id) {
  return allItems().find((item) => item.id === id);
}

function keyFields(item) {
  return spec(item.category).fields
    .filter((field) => item[field.name] !== null && item[field.name] !== undefined && item[field.name] !== '')
    .map((field) => [field.label, field.kind === 'flag' ? (item[field.name] ? 'yes' : 'no') : humanize(item[field.name])]);
}

function act(action, id = app.selected) {
  const item = id && findItem(id);
  if (!item) return;
  if (action === 'edit') {
    app.editing = id;
    renderItems();
    return;
  }
  // Accepting what is already reviewed, or rejecting twice, would only add noise to the log.
  if (action === 'reject' ? item.state === 'rejected' : !['pending', 'rejected'].includes(item.state)) return;
  const done = action === 'accept' ? (item.state === 'rejected' ? 'Brought back' : 'Accepted') : 'Rejected';
  send({ action, item_id: id }, done);
}

// ---- Forms built from the server's field tables ------------------------------------------------

function input(field, value, prefix) {
  const name = field.name;
  const id = `${prefix}-${name}`;
  let control;
  switch (field.kind) {
    case 'flag':
      control = el('input', { type: 'checkbox', id, name, checked: Boolean(value) });
      break;
    case 'choice':
      control = el('select', { id, name },
        field.options.map((option) => el('option', { value: option, selected: option === value }, humanize(option))));
      break;
    case 'suggest':
      control = el('span', {},
        el('input', { type: 'text', id, name, value: value ?? '', list: `${id}-options` }),
        el('datalist', { id: `${id}-options` }, field.options.map((option) => el('option', { value: option }))));
      break;
    case 'optional_number':
      control = el('input', { type: 'number', step: 'any', id, name, value: value ?? '' });
      break;
    case 'optional_date':
      // Its value is always YYYY-MM-DD or empty, the only dates the server takes.
      control = el('input', { type: 'date', id, name, value: value ?? '' });
      break;
    default:
      control = el('input', { type: 'text', id, name, value: value ?? '' });
  }
  return el('label', { class: `field field-${field.kind}`, for: id }, el('span', {}, field.label), control);
}

function readField(form, field) {
  const control = form.querySelector(`[name="${field.name}"]`);
  switch (field.kind) {
    case 'flag': return control.checked;
    case 'optional_text':
    case 'optional_date': return control.value.trim() === '' ? null : control.value.trim();
    case 'optional_number': return control.value.trim() === '' ? null : Number(control.value);
    default: return control.value.trim();
  }
}

function quoteInput(value, prefix) {
  return el('label', { class: 'field field-quote', for: `${prefix}-quote` }, el('span', {}, 'Quote'),
    el('textarea', { id: `${prefix}-quote`, name: 'quote', rows: 2 }, value));
}

// Enter saves, Shift+Enter is a new line in the quote, Esc cancels: the keyboard-first promise.
function formKeys(form, cancel) {
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      cancel();
    } else if (event.key === 'Enter' && !event.shiftKey && event.target.tagName !== 'BUTTON') {
      event.preventDefault();
      event.stopPropagation();
      form.requestSubmit();
    }
  });
}

function editForm(item) {
  const prefix = `edit-${item.id}`;
  const details = el('div', { class: 'details' });
  const category = el('select', { name: 'category', id: `${prefix}-category` },
    app.call.categories.map((entry) => el('option', { value: entry.category, selected: entry.category === item.category }, entry.singular)));
  const speaker = app.call.common_fields.find((field) => field.name === 'speaker');
  const showDetails = () => {
    // Values typed so far carry over to a field of the same name in the new category.
    const typed = {};
    for (const field of spec(category.dataset.shown || item.category).fields) {
      if (details.querySelector(`[name="${field.name}"]`)) typed[field.name] = readField(details, field);
    }
    category.dataset.shown = category.value;
    details.replaceChildren(...spec(category.value).fields.map((field) =>
      input(field, field.name in typed ? typed[field.name] : (item[field.name] ?? field.default), prefix)));
  };
  category.addEventListener('change', showDetails);
  const form = el('form', { class: 'item-form', dataset: { id: item.id } },
    quoteInput(item.quote, prefix),
    el('div', { class: 'row' },
      el('label', { class: 'field', for: `${prefix}-category` }, el('span', {}, 'Category'), category),
      input(speaker, item.speaker, prefix)),
    details,
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'primary', 'data-action': 'save' }, 'Save ', el('kbd', {}, 'Enter')),
      el('button', { type: 'button', onclick: cancelEdit }, 'Cancel ', el('kbd', {}, 'Esc'))));
  showDetails();
  formKeys(form, cancelEdit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saveEdit(form, item);
  });
  return form;
}

async function saveEdit(form, item) {
  const target = form.querySelector('[name="category"]').value;
  const moved = target !== item.category;
  const after = {};
  const quote = form.querySelector('[name="quote"]').value.trim();
  if (quote !== item.quote) after.quote = quote;
  const speaker = form.querySelector('[name="speaker"]').value;
  if (speaker !== item.speaker) after.speaker = speaker;
  if (moved) after.category = target;
  for (const field of spec(target).fields) {
    const value = readField(form, field);
    // A moved item needs every field of its new kind; otherwise only what changed is recorded.
    if (moved || JSON.stringify(value) !== JSON.stringify(item[field.name] ?? null)) after[field.name] = value;
  }
  if (Object.keys(after).length === 0) {
    cancelEdit();
    toast('Nothing changed');
    return;
  }
  if (await send({ action: 'edit', item_id: item.id, after }, 'Saved')) {
    app.editing = null;
    renderItems();
  }
}

function cancelEdit() {
  app.editing = null;
  renderItems();
  focusSelected();
}

// ---- Adding an item from the transcript --------------------------------------------------------

function segmentOf(node) {
  const element = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
  return element && element.closest('.segment');
}

// What the reviewer selected in the transcript, with the time and speaker of its segments.
function transcriptSelection() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  const first = segmentOf(range.startContainer);
  const last = segmentOf(range.endContainer);
  const quote = selection.toString().replace(/\s+/g, ' ').trim();
  if (!first || !last || !quote) return null;
  const segments = app.call.transcript.segments;
  const start = segments[Number(first.dataset.index)];
  const end = segments[Number(last.dataset.index)];
  return { quote, start_ms: start.start_ms, end_ms: Math.max(start.end_ms, end.end_ms), speaker: start.speaker, rect: range.getBoundingClientRect() };
}

function showSelectionMenu() {
  const menu = $('#selection-menu');
  const selected = transcriptSelection();
  if (!selected || app.editing || !$('#add-dialog').hidden) {
    menu.hidden = true;
    return;
  }
  app.pendingAdd = selected;
  menu.hidden = false;
  const { rect } = selected;
  const width = menu.offsetWidth;
  menu.style.left = `${Math.max(8, Math.min(window.innerWidth - width - 8, rect.left + rect.width / 2 - width / 2))}px`;
  menu.style.top = `${rect.bottom + 8}px`;
}

function openAdd(category) {
  const selected = app.pendingAdd;
  $('#selection-menu').hidden = true;
  if (!selected) return;
  const entry = spec(category);
  const prefix = 'add';
  const speaker = app.call.common_fields.find((field) => field.name === 'speaker');
  const form = $('#add-form');
  form.replaceChildren(
    el('h2', {}, `Add ${entry.singular.toLowerCase()}`, el('span', { class: 'muted' }, ` at ${clock(selected.start_ms)}`)),
    quoteInput(selected.quote, prefix),
    input(speaker, selected.speaker, prefix),
    el('div', { class: 'details' }, entry.fields.map((field) => input(field, field.default, prefix))),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'primary', 'data-action': 'save' }, 'Add ', el('kbd', {}, 'Enter')),
      el('button', { type: 'button', onclick: closeAdd }, 'Cancel ', el('kbd', {}, 'Esc'))));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const after = {
      quote: form.querySelector('[name="quote"]').value.trim(),
      speaker: form.querySelector('[name="speaker"]').value,
      start_ms: selected.start_ms,
      end_ms: selected.end_ms,
    };
    for (const field of entry.fields) after[field.name] = readField(form, field);
    if (await send({ action: 'add', category, after }, `Added ${entry.singular.toLowerCase()}`)) {
      closeAdd();
      window.getSelection().removeAllRanges();
    }
  };
  $('#add-dialog').hidden = false;
  const first = form.querySelector('.details input, .details select') || form.querySelector('textarea');
  first.focus();
}

function closeAdd() {
  $('#add-dialog').hidden = true;
  app.pendingAdd = null;
}

// ---- Rendering -----------------------------------------------------------------------------------

function setState(state) {
  app.state = state;
  render();
}

function render() {
  const { handoff, missing } = app.state;
  const ready = handoff.status === 'ready';
  const status = $('#status');
  status.textContent = ready ? 'ready for AE' : 'draft';
  status.className = `badge ${ready ? 'ready' : 'draft'}`;
  const items = allItems();
  const reviewed = items.filter((item) => item.state !== 'pending').length;
  $('#progress').textContent = `${reviewed} of ${items.length} items reviewed`;
  const finalize = $('#finalize');
  finalize.disabled = missing.length > 0 || ready;
  finalize.textContent = ready ? 'Finalized ✓' : 'Finalize';
  finalize.title = missing.length ? `Still missing: ${missing.map((m) => m.label).join('; ')}` : 'Mark the handoff ready for the AE';
  renderRequirements();
  renderOrphans();
  renderAccount();
  renderItems();
  renderTranscript();
}

function renderRequirements() {
  const missing = new Set(app.state.missing.map((entry) => entry.id));
  $('#requirements').replaceChildren(...app.call.requirements.map((requirement) => {
    const met = !missing.has(requirement.id);
    const fix = !met && requirement.field
      ? el('button', { type: 'button', class: 'link', onclick: () => focusAccount(requirement.field) }, 'fill in')
      : null;
    return el('li', { class: met ? 'met' : 'missing', dataset: { requirement: requirement.id } },
      el('span', { class: 'check', 'aria-hidden': 'true' }, met ? '✓' : '✗'), requirement.label, fix);
  }));
  $('#readiness').classList.toggle('all-met', missing.size === 0);
}

function renderOrphans() {
  const { orphans } = app.state;
  $('#orphans').hidden = orphans.length === 0;
  $('#orphan-list').replaceChildren(...orphans.map((orphan) => {
    const correction = orphan.correction;
    const what = correction.anchor ? `“${correction.anchor.quote}”` : correction.item_id || 'account';
    return el('li', {}, el('strong', {}, correction.action), ` ${what} — ${orphan.reason}`);
  }));
}

function accountValue(name) {
  const { summary, account } = app.state.handoff;
  // The summary holds what the call said, already overridden by what the reviewer set.
  return name in summary && summary[name] !== null ? summary[name] : account[name];
}

function renderAccount() {
  const form = $('#account-form');
  if (form.contains(document.activeElement)) return; // don't overwrite what is being typed
  form.replaceChildren(...app.call.account_fields.map((field) => {
    const label = input(field, accountValue(field.name), 'account');
    const control = label.querySelector('input');
    control.addEventListener('change', () => saveAccount(field, control));
    control.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); control.blur(); }
      if (event.key === 'Escape') { event.preventDefault(); control.value = accountValue(field.name) ?? ''; control.blur(); }
    });
    return label;
  }));
  form.onsubmit = (event) => event.preventDefault();
}

function saveAccount(field, control) {
  const value = field.kind === 'flag' ? control.checked : (control.value.trim() || null);
  if (JSON.stringify(value) === JSON.stringify(accountValue(field.name) ?? (field.kind === 'flag' ? false : null))) return;
  send({ action: 'set_field', after: { [field.name]: value } }, `${field.label} saved`);
}

function focusAccount(name) {
  const control = $(`#account-form [name="${name}"]`);
  control.scrollIntoView({ block: 'center' });
  control.focus();
}

function itemCard(item) {
  if (app.editing === item.id) return el('article', { class: `item cat-${item.category} editing`, dataset: { id: item.id } }, editForm(item));
  const rejected = item.state === 'rejected';
  return el('article', {
    class: `item cat-${item.category} is-${item.state}${app.selected === item.id ? ' selected' : ''}`,
    dataset: { id: item.id }, tabindex: '-1',
    onclick: (event) => { if (!event.target.closest('button')) { select(item.id); play(item); } },
  },
  el('div', { class: 'item-head' },
    el('button', { type: 'button', class: 'time', title: 'Play this part', onclick: () => { select(item.id); play(item); } }, `▶ ${clock(item.start_ms)}`),
    el('span', { class: `speaker sp-${item.speaker}` }, item.speaker),
    el('span', { class: `state state-${item.state}` }, item.state),
    item.rule === 'human' ? el('span', { class: 'muted' }, 'added by hand') : el('span', { class: 'muted', title: item.rule }, `${Math.round(item.confidence * 100)}%`)),
  el('blockquote', {}, item.quote),
  el('dl', { class: 'fields' }, keyFields(item).map(([label, value]) => [el('dt', {}, label), el('dd', {}, value)])),
  el('div', { class: 'actions' },
    el('button', { type: 'button', 'data-action': 'accept', onclick: () => act('accept', item.id), disabled: item.state === 'accepted' }, rejected ? 'Undo reject ' : 'Accept ', el('kbd', {}, 'a')),
    rejected ? null : el('button', { type: 'button', 'data-action': 'reject', onclick: () => act('reject', item.id) }, 'Reject ', el('kbd', {}, 'r')),
    rejected ? null : el('button', { type: 'button', 'data-action': 'edit', onclick: () => act('edit', item.id) }, 'Edit ', el('kbd', {}, 'e'))));
}

function renderItems() {
  const items = allItems();
  const groups = [];
  const empty = [];
  for (const category of app.call.categories) {
    const members = items.filter((item) => item.category === category.category && item.state !== 'rejected');
    if (members.length === 0) { empty.push(category.label); continue; }
    groups.push(el('section', { class: 'group' },
      el('h2', {}, el('span', { class: `dot cat-${category.category}` }), category.label, el('span', { class: 'count' }, members.length)),
      members.map(itemCard)));
  }
  const rejected = items.filter((item) => item.state === 'rejected');
  if (rejected.length) {
    groups.push(el('section', { class: 'group rejected' }, el('h2', {}, 'Rejected', el('span', { class: 'count' }, rejected.length)), rejected.map(itemCard)));
  }
  if (empty.length) groups.push(el('p', { class: 'muted not-found' }, `Not found on this call: ${empty.join(', ')}. Select words in the transcript to add one.`));
  $('#items').replaceChildren(...groups);
  const form = app.editing && $(`#items form[data-id="${CSS.escape(app.editing)}"]`);
  if (form) form.querySelector('textarea').focus();
}

// Character ranges of each item's quote in the transcript, found by time and then by text, so a
// quote that spans two segments is marked in both.
function highlightRanges(segments) {
  const ranges = segments.map(() => []);
  const items = allItems().filter((item) => item.state !== 'rejected');
  for (const item of items) {
    const overlapping = [];
    segments.forEach((segment, index) => {
      if (segment.start_ms <= item.end_ms && segment.end_ms >= item.start_ms) overlapping.push(index);
    });
    if (overlapping.length === 0) continue;
    let joined = '';
    const starts = [];
    for (const index of overlapping) {
      starts.push(joined.length);
      joined += `${segments[index].text} `;
    }
    const at = joined.toLowerCase().indexOf(item.quote.toLowerCase().trim());
    const [from, to] = at >= 0 ? [at, at + item.quote.trim().length] : [0, joined.length - 1];
    overlapping.forEach((index, position) => {
      const offset = starts[position];
      const start = Math.max(from - offset, 0);
      const end = Math.min(to - offset, segments[index].text.length);
      if (start < end) ranges[index].push({ start, end, item, exact: at >= 0 });
    });
  }
  return ranges;
}

function renderTranscript() {
  const segments = app.call.transcript.segments;
  const ranges = highlightRanges(segments);
  $('#transcript').replaceChildren(...segments.map((segment, index) => {
    // Split the text at every range boundary; each piece knows which items cover it.
    const cuts = new Set([0, segment.text.length]);
    for (const range of ranges[index]) { cuts.add(range.start); cuts.add(range.end); }
    const points = [...cuts].sort((a, b) => a - b);
    const pieces = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const [start, end] = [points[i], points[i + 1]];
      const text = segment.text.slice(start, end);
      const covering = ranges[index].filter((range) => range.start <= start && range.end >= end);
      if (covering.length === 0) { pieces.push(text); continue; }
      const ids = covering.map((range) => range.item.id);
      const first = covering[0].item;
      pieces.push(el('mark', {
        class: `cat-${first.category}${covering.length > 1 ? ' multi' : ''}${covering.every((r) => r.exact) ? '' : ' approx'}${ids.includes(app.selected) ? ' current' : ''}`,
        title: covering.map((range) => spec(range.item.category).singular).join(', '),
        dataset: { ids: ids.join(' ') },
      }, text));
    }
    return el('div', { class: 'segment', dataset: { index, start: segment.start_ms } },
      el('button', { type: 'button', class: 'time', title: 'Play from here', onclick: () => playFrom(segment.start_ms) }, clock(segment.start_ms)),
      el('span', { class: `speaker sp-${segment.speaker}` }, segment.speaker),
      el('p', { class: 'text' }, pieces));
  }));
}

// ---- Selection, scrolling and playback -------------------------------------------------------

function select(id, scrollCard = false) {
  app.selected = id;
  for (const card of document.querySelectorAll('#items .item')) card.classList.toggle('selected', card.dataset.id === id);
  for (const mark of document.querySelectorAll('#transcript mark')) mark.classList.toggle('current', mark.dataset.ids.split(' ').includes(id));
  const mark = [...document.querySelectorAll('#transcript mark')].find((m) => m.dataset.ids.split(' ').includes(id));
  if (mark) mark.scrollIntoView({ block: 'center', behavior: 'smooth' });
  else {
    // No highlight to show (the quote was not found in the text): the segment the quote starts in.
    const item = findItem(id);
    const segment = item && [...document.querySelectorAll('#transcript .segment')].findLast((s) => Number(s.dataset.start) <= item.start_ms);
    if (segment) segment.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }
  if (scrollCard) focusSelected();
}

function focusSelected() {
  const card = app.selected && $(`#items .item[data-id="${CSS.escape(app.selected)}"]`);
  if (card) {
    card.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    card.focus({ preventScroll: true });
  }
}

function move(step) {
  const cards = [...document.querySelectorAll('#items .item')];
  if (cards.length === 0) return;
  const at = cards.findIndex((card) => card.dataset.id === app.selected);
  const next = at < 0 ? (step > 0 ? 0 : cards.length - 1) : Math.min(cards.length - 1, Math.max(0, at + step));
  select(cards[next].dataset.id, true);
}

function play(item) {
  playFrom(item.start_ms, item.end_ms);
}

function playFrom(startMs, endMs = null) {
  const audio = $('#audio');
  if (!app.call.recording.available) return;
  audio.currentTime = startMs / 1000;
  app.stopAt = endMs === null ? null : endMs / 1000;
  audio.play().catch(() => {}); // no audio device, or autoplay refused: the seek still shows where
}

function followPlayback() {
  const audio = $('#audio');
  if (app.stopAt !== null && audio.currentTime >= app.stopAt) {
    audio.pause();
    app.stopAt = null;
  }
  const ms = audio.currentTime * 1000;
  const segments = app.call.transcript.segments;
  document.querySelectorAll('#transcript .segment').forEach((node, index) => {
    node.classList.toggle('playing', !audio.paused && segments[index].start_ms <= ms && ms < segments[index].end_ms);
  });
}

// ---- Keyboard ------------------------------------------------------------------------------------

function onKey(event) {
  const help = $('#help');
  const typing = event.target.closest('input, textarea, select');
  if (event.key === 'Escape') {
    if (!help.hidden) help.hidden = true;
    else if (!$('#add-dialog').hidden) closeAdd();
    else if (!$('#selection-menu').hidden) { $('#selection-menu').hidden = true; window.getSelection().removeAllRanges(); }
    else if (app.editing) cancelEdit();
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey || !$('#add-dialog').hidden) return;
  if (!$('#selection-menu').hidden && /^[0-9]$/.test(event.key)) {
    const index = (Number(event.key) + 9) % 10; // 1..9 then 0 for the tenth
    const category = app.call.categories[index];
    if (category) { event.preventDefault(); openAdd(category.category); }
    return;
  }
  const keys = {
    j: () => move(1),
    k: () => move(-1),
    a: () => act('accept'),
    r: () => act('reject'),
    e: () => act('edit'),
    p: () => { const item = app.selected && findItem(app.selected); if (item) play(item); },
    '?': () => { help.hidden = !help.hidden; },
  };
  const handler = keys[event.key];
  if (handler && !app.editing) {
    event.preventDefault();
    handler();
  }
}

// ---- Start ---------------------------------------------------------------------------------------

async function finalize() {
  try {
    // An empty JSON body: the server takes changes only as application/json (see server.rs).
    setState(await api('POST', '/api/finalize', {}));
    toast('Ready for the AE: final files written');
  } catch (error) {
    toast(error.message, 'error');
  }
}

async function start() {
  try {
    const [call, state] = await Promise.all([api('GET', '/api/call'), api('GET', '/api/state')]);
    app.call = call;
    document.title = `Review · ${call.name}`;
    $('#call-name').textContent = call.name;
    $('#reviewer').textContent = `Reviewing as ${call.reviewer}`;
    const audio = $('#audio');
    if (call.recording.available) audio.src = '/audio';
    else {
      audio.hidden = true;
      $('#audio-problem').hidden = false;
      $('#audio-problem').textContent = call.recording.problem;
    }
    $('#selection-buttons').replaceChildren(...call.categories.map((category, index) =>
      el('button', { type: 'button', dataset: { category: category.category }, onclick: () => openAdd(category.category) },
        el('kbd', {}, String((index + 1) % 10)), ` ${category.singular}`)));
    setState(state);
  } catch (error) {
    $('#call-name').textContent = 'Could not load the review';
    toast(error.message, 'error');
  }
}

document.addEventListener('keydown', onKey);
document.addEventListener('selectionchange', () => requestAnimationFrame(showSelectionMenu));
// Keeps the transcript selection when a menu button is pressed.
$('#selection-menu').addEventListener('mousedown', (event) => event.preventDefault());
formKeys($('#add-form'), closeAdd);
$('#transcript').addEventListener('click', (event) => {
  const mark = event.target.closest('mark');
  if (mark && window.getSelection().isCollapsed) select(mark.dataset.ids.split(' ')[0], true);
});
$('#audio').addEventListener('timeupdate', followPlayback);
$('#finalize').addEventListener('click', finalize);
$('#help-button').addEventListener('click', () => { $('#help').hidden = !$('#help').hidden; });
$('#help').addEventListener('click', (event) => { if (event.target.id === 'help') $('#help').hidden = true; });
start();
