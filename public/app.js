// The dashboard's page script (mcp-sampling ui), an ES module served by the dashboard itself (no build step,
// no inline script: the CSP allows only 'self'). The approvals page follows the live event stream (SSE) and
// renders each pending request with the DOM (text only, never HTML from a prompt); the usage page renders
// the audit log, totals, budgets, rate limits and uPlot charts from /api/usage, again on each audit change.

const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
const page = document.body.dataset.page;

/** Creates an element with attributes and children (strings become text nodes). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  const answer = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }));
  if (!response.ok || answer.ok !== true) throw new Error(answer.error ?? `HTTP ${response.status}`);
  return answer;
}

const money = (usd) => `$${usd > 0 && usd < 0.01 ? usd.toFixed(4) : usd.toFixed(2)}`;
const number = (n) => n.toLocaleString('en-US');
const clock = (ms) => {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

/** The blocks of a message's content (one block or an array). */
const blocksOf = (message) => (Array.isArray(message.content) ? message.content : [message.content]);

const IMAGE_TYPES = /^image\/(png|jpeg|gif|webp)$/;

function renderBlock(block) {
  if (block === null || typeof block !== 'object') return h('pre', { text: String(block) });
  switch (block.type) {
    case 'text':
      return h('pre', { class: 'text', text: block.text });
    case 'image':
      if (IMAGE_TYPES.test(block.mimeType) && typeof block.data === 'string' && /^[A-Za-z0-9+/=]*$/.test(block.data)) {
        return h('img', { src: `data:${block.mimeType};base64,${block.data}`, alt: `image (${block.mimeType})` });
      }
      return h('p', { text: `[image ${block.mimeType}]` });
    case 'audio':
      return h('p', { text: `[audio ${block.mimeType}]` });
    case 'tool_use':
      return h(
        'div',
        { class: 'tool' },
        h('strong', { text: `tool call ${block.name}` }),
        h('pre', { text: JSON.stringify(block.input, null, 2) }),
      );
    case 'tool_result':
      return h(
        'div',
        { class: 'tool' },
        h('strong', { text: `tool result for ${block.toolUseId}${block.isError ? ' (error)' : ''}` }),
        ...(block.content ?? []).map(renderBlock),
      );
    default:
      return h('pre', { text: JSON.stringify(block) });
  }
}

/** The text of the last user message (what an edit replaces). */
function lastUserText(messages) {
  const message = [...messages].reverse().find((m) => m.role === 'user');
  if (!message) return '';
  return blocksOf(message)
    .filter((b) => b && b.type === 'text')
    .map((b) => b.text)
    .join('\n');
}

// ---- approvals page ----

let notifyOn = false;
const seen = new Set();
const cards = new Map();

function notifyIfHidden(pending) {
  for (const entry of pending) {
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    if (notifyOn && document.hidden && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      new Notification('mcp-sampling: a request waits for you', {
        body: `${entry.view.server} (${entry.stage === 'request' ? 'prompt' : 'completion'}) through ${entry.process}`,
        tag: entry.id,
      });
    }
  }
}

function field(label, value, rows = 6) {
  const id = `f${Math.random().toString(36).slice(2)}`;
  const area = h('textarea', { id, rows });
  area.value = value;
  return { element: h('p', { class: 'field' }, h('label', { for: id, text: label }), area), area };
}

/** A card's three buttons: Approve, Edit (opens the editor; Approve then sends the edit), and Deny or Reject. */
function decisionButtons({ approve, edit, refuse }) {
  return h(
    'p',
    { class: 'actions' },
    h('button', { type: 'button', class: 'primary', text: 'Approve', onclick: approve }),
    h('button', { type: 'button', text: 'Edit', onclick: edit }),
    h('button', { type: 'button', class: 'danger', text: refuse.text, onclick: refuse.onclick }),
  );
}

function policyControls(entry, status) {
  const box = h('div', { class: 'policy' });
  const ask = (approval) => async () => {
    box.replaceChildren();
    try {
      const plan = await post('/api/policy/preview', { id: entry.id, approval });
      box.append(
        h('p', {
          text: `${plan.exists ? 'Change' : 'Create'} ${plan.file}: ${approval === 'auto' ? 'always approve' : 'always deny'} server '${plan.server}'`,
        }),
        h(
          'pre',
          { class: 'diff', 'aria-label': 'config diff' },
          ...plan.diff.map((line) =>
            h('span', { class: line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : '', text: `${line}\n` }),
          ),
        ),
        h('button', {
          type: 'button',
          text: 'Confirm',
          onclick: async () => {
            try {
              await post('/api/policy/apply', { id: plan.planId });
              status.textContent = `written to ${plan.file}`;
            } catch (error) {
              status.textContent = error.message;
            }
          },
        }),
        h('button', { type: 'button', text: 'Cancel', onclick: () => box.replaceChildren() }),
      );
    } catch (error) {
      status.textContent = error.message;
    }
  };
  return h(
    'p',
    { class: 'actions secondary' },
    h('button', { type: 'button', text: 'Always for this server', onclick: ask('auto') }),
    h('button', { type: 'button', text: 'Never for this server', onclick: ask('deny') }),
    box,
  );
}

function requestCard(entry) {
  const { view } = entry;
  const status = h('p', { class: 'status', role: 'status' });
  const countdown = h('span', { class: 'countdown', 'data-deadline': entry.deadline });
  const decide = async (decision) => {
    for (const button of card.querySelectorAll('button')) button.disabled = true;
    try {
      await post('/api/decide', { id: entry.id, decision });
      status.textContent = 'sent';
    } catch (error) {
      status.textContent = error.message;
      for (const button of card.querySelectorAll('button')) button.disabled = false;
    }
  };
  const editor = h('div', { class: 'editor', hidden: true });
  let edits;
  const facts = h(
    'dl',
    {},
    h('dt', { text: 'server' }),
    h('dd', { text: view.server }),
    h('dt', { text: 'process' }),
    h('dd', { text: entry.process }),
    h('dt', { text: 'model' }),
    h('dd', { text: `${view.model.provider}/${view.model.id}` }),
    h('dt', { text: 'why' }),
    h('dd', { text: view.model.reason }),
    h('dt', { text: 'max tokens' }),
    h('dd', { text: String(view.maxTokens) }),
    h('dt', { text: 'temperature' }),
    h('dd', { text: view.temperature === undefined ? '(not set)' : String(view.temperature) }),
  );
  const body = [];
  let buttons;
  if (entry.stage === 'request') {
    body.push(
      h('h3', { text: 'System prompt' }),
      view.systemPrompt === undefined
        ? h('p', { text: '(none)' })
        : h('pre', { class: 'text', text: view.systemPrompt }),
      h('h3', { text: 'Messages' }),
      ...view.messages.map((message, index) =>
        h(
          'div',
          { class: `message ${message.role}` },
          h('h4', { text: `${index + 1}. ${message.role}` }),
          ...blocksOf(message).map(renderBlock),
        ),
      ),
    );
    if (view.tools && view.tools.length > 0) {
      body.push(
        h('h3', { text: `Tools offered (tool choice ${view.toolChoice ?? 'auto'})` }),
        h(
          'ul',
          {},
          ...view.tools.map((tool) =>
            h(
              'li',
              {},
              h('strong', { text: tool.name }),
              tool.description ? ` – ${tool.description}` : '',
              tool.inputSchema ? h('pre', { text: JSON.stringify(tool.inputSchema, null, 2) }) : '',
            ),
          ),
        ),
      );
    }
    buttons = decisionButtons({
      approve: () => {
        if (!edits) return decide({ action: 'approve' });
        // Only what was changed is sent: an untouched empty field must not become an empty system prompt.
        const decision = { action: 'edit' };
        if (edits.system.value !== (view.systemPrompt ?? '')) decision.systemPrompt = edits.system.value;
        if (edits.user && edits.user.value !== lastUserText(view.messages)) decision.lastUserText = edits.user.value;
        return decide(Object.keys(decision).length === 1 ? { action: 'approve' } : decision);
      },
      edit: () => {
        if (edits) return;
        const system = field('System prompt', view.systemPrompt ?? '');
        const last = [...view.messages].reverse().find((m) => m.role === 'user');
        const hasText = last !== undefined && blocksOf(last).some((b) => b && b.type === 'text');
        const user = hasText ? field('Last user message', lastUserText(view.messages), 10) : undefined;
        edits = { system: system.area, user: user?.area };
        editor.append(
          h('p', { text: 'Edit the prompt, then Approve sends the edited request.' }),
          system.element,
          user?.element,
        );
        editor.hidden = false;
        (user ?? system).area.focus();
      },
      refuse: { text: 'Deny', onclick: () => decide({ action: 'deny', reason: 'denied in the dashboard' }) },
    });
  } else {
    const calls = view.toolCalls ?? [];
    body.push(
      h('h3', { text: 'Completion' }),
      h('pre', { class: 'text completion', text: view.completion === '' ? '(no text)' : view.completion }),
    );
    if (calls.length > 0) {
      body.push(
        h('h3', { text: 'Tool calls' }),
        ...calls.map((call) =>
          h(
            'div',
            { class: 'tool' },
            h('strong', { text: `${call.name} (${call.id})` }),
            h('pre', { text: JSON.stringify(call.input, null, 2) }),
          ),
        ),
      );
    }
    buttons = decisionButtons({
      approve: () => {
        if (!edits) return decide({ action: 'approve' });
        const toolInputs = {};
        for (const [id, area] of edits.inputs) {
          try {
            const value = JSON.parse(area.value);
            if (typeof value !== 'object' || value === null || Array.isArray(value))
              throw new Error('must be a JSON object');
            toolInputs[id] = value;
          } catch (error) {
            status.textContent = `tool input ${id}: ${error.message}`;
            return undefined;
          }
        }
        return decide(
          calls.length > 0
            ? { action: 'edit', text: edits.text.value, toolInputs }
            : { action: 'edit', text: edits.text.value },
        );
      },
      edit: () => {
        if (edits) return;
        const text = field('Completion', view.completion, 10);
        const inputs = calls.map((call) => [
          call.id,
          field(`Input of ${call.name} (${call.id}), JSON`, JSON.stringify(call.input, null, 2)),
        ]);
        edits = { text: text.area, inputs: inputs.map(([id, f]) => [id, f.area]) };
        editor.append(
          h('p', { text: 'Edit the completion, then Approve returns the edited one.' }),
          text.element,
          ...inputs.map(([, f]) => f.element),
        );
        editor.hidden = false;
        text.area.focus();
      },
      refuse: { text: 'Reject', onclick: () => decide({ action: 'reject', reason: 'rejected in the dashboard' }) },
    });
  }
  const title =
    entry.stage === 'request' ? `${view.server} asks for a completion` : `Review the completion for ${view.server}`;
  const card = h(
    'article',
    { class: `card ${entry.stage}`, 'aria-label': title, 'data-id': entry.id },
    h('header', {}, h('h2', { text: title }), h('span', {}, 'expires in ', countdown)),
    facts,
    ...body,
    editor,
    buttons,
    entry.stage === 'request' ? policyControls(entry, status) : null,
    status,
  );
  return card;
}

function renderPending(pending) {
  const region = document.getElementById('pending');
  const ids = new Set(pending.map((p) => p.id));
  for (const [id, card] of cards) {
    if (!ids.has(id)) {
      card.remove();
      cards.delete(id);
    }
  }
  for (const entry of pending) {
    if (cards.has(entry.id)) continue;
    const card = requestCard(entry);
    cards.set(entry.id, card);
    region.append(card);
  }
  document.getElementById('pending-empty').hidden = pending.length > 0;
  document.title = pending.length > 0 ? `(${pending.length}) Approvals · mcp-sampling` : 'Approvals · mcp-sampling';
  notifyIfHidden(pending);
  tick();
}

function renderProcesses(processes) {
  const table = document.getElementById('processes');
  table.hidden = processes.length === 0;
  document.getElementById('processes-empty').hidden = processes.length > 0;
  table.tBodies[0].replaceChildren(
    ...processes.map((p) =>
      h(
        'tr',
        {},
        h('td', { text: p.label }),
        h('td', { text: String(p.pid) }),
        h('td', { text: new Date(p.startedAt).toLocaleTimeString() }),
        h('td', { text: p.configFile ?? '(defaults)' }),
      ),
    ),
  );
}

function tick() {
  for (const span of document.querySelectorAll('.countdown'))
    span.textContent = clock(Number(span.dataset.deadline) - Date.now());
}

function follow(onEvent) {
  const status = document.getElementById('connection');
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => (status.textContent = 'live'));
  source.addEventListener('error', () => (status.textContent = 'reconnecting…'));
  for (const type of ['processes', 'pending', 'audit'])
    source.addEventListener(type, (event) => onEvent(type, JSON.parse(event.data)));
}

function startApprovals() {
  const button = document.getElementById('notify');
  if (typeof Notification === 'undefined') button.hidden = true;
  else {
    notifyOn = Notification.permission === 'granted';
    if (notifyOn) button.hidden = true;
    button.addEventListener('click', async () => {
      notifyOn = (await Notification.requestPermission()) === 'granted';
      button.hidden = notifyOn;
    });
  }
  setInterval(tick, 1000);
  follow((type, data) => {
    if (type === 'pending') renderPending(data);
    if (type === 'processes') renderProcesses(data);
  });
}

// ---- usage page ----

let report;
const sort = { key: 'time', descending: true };
let charts = [];

function cells(values) {
  return values.map((v) => h('td', { text: v }));
}

function renderAudit() {
  const server = document.getElementById('filter-server').value.trim().toLowerCase();
  const model = document.getElementById('filter-model').value.trim().toLowerCase();
  const outcome = document.getElementById('filter-outcome').value;
  const rows = report.rows
    .filter(
      (r) =>
        (server === '' || r.server.toLowerCase().includes(server)) &&
        (model === '' || r.model.toLowerCase().includes(model)) &&
        (outcome === '' || r.outcome === outcome),
    )
    .sort((a, b) => {
      const x = a[sort.key];
      const y = b[sort.key];
      const order = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.descending ? -order : order;
    });
  document
    .getElementById('audit')
    .tBodies[0].replaceChildren(
      ...rows.map((r) =>
        h(
          'tr',
          {},
          cells([
            new Date(r.time).toLocaleString(),
            r.server,
            r.model,
            r.outcome,
            number(r.tokens),
            money(r.costUsd),
            `${Math.round(r.latencyMs)} ms`,
          ]),
        ),
      ),
    );
  document.getElementById('audit-empty').hidden = report.rows.length > 0;
  for (const button of document.querySelectorAll('[data-sort]')) {
    const th = button.parentElement;
    th.setAttribute(
      'aria-sort',
      button.dataset.sort === sort.key ? (sort.descending ? 'descending' : 'ascending') : 'none',
    );
  }
}

function renderTotals(id, totals) {
  document
    .getElementById(id)
    .tBodies[0].replaceChildren(
      ...totals.map(([key, t]) =>
        h('tr', {}, cells([key, number(t.requests), number(t.ok), number(t.tokens), money(t.costUsd)])),
      ),
    );
}

async function renderCharts() {
  const { default: uPlot } = await import('/assets/uPlot.esm.js');
  for (const chart of charts) chart.destroy();
  const perHour = document.getElementById('bucket').value === 'hour';
  const points = perHour ? report.perHour : report.perDay;
  // An empty bucket either side, so that a single day (or hour) is a bar, not a dot lost in a year-wide axis.
  const step = perHour ? 3600 : 86400;
  const xs = points.length === 0 ? [] : [points[0].t - step, ...points.map((p) => p.t), points.at(-1).t + step];
  const pad = (values) => (points.length === 0 ? [] : [null, ...values, null]);
  const width = Math.max(280, Math.min(560, document.querySelector('.charts').clientWidth / 2 - 24));
  const make = (id, label, ys, format) =>
    new uPlot(
      {
        width,
        height: 220,
        scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        series: [
          {},
          {
            label,
            stroke: '#2563eb',
            fill: 'rgba(37,99,235,0.35)',
            paths: uPlot.paths.bars({ size: [0.6, 48] }),
            points: { show: false },
            value: (_u, v) => (v === null ? '-' : format(v)),
          },
        ],
        axes: [{}, { values: (_u, ticks) => ticks.map(format) }],
      },
      [xs, pad(ys)],
      document.getElementById(id),
    );
  for (const figure of ['chart-tokens', 'chart-cost'])
    for (const old of document.getElementById(figure).querySelectorAll('.uplot')) old.remove();
  charts = [
    make(
      'chart-tokens',
      'tokens',
      points.map((p) => p.tokens),
      (v) => number(Math.round(v)),
    ),
    make(
      'chart-cost',
      'dollars',
      points.map((p) => p.costUsd),
      (v) => money(v),
    ),
  ];
}

function renderBudgets() {
  const rows = report.budgets.map((b) => {
    const show = b.unit === 'tokens' ? number : money;
    const share = b.limit > 0 ? Math.min(1, b.used / b.limit) : 0;
    const meter = h('meter', { min: 0, max: 1, value: share, 'aria-label': `${b.server} ${b.window} ${b.unit}` });
    return h(
      'tr',
      {},
      cells([b.server, `${b.window} ${b.unit === 'tokens' ? 'tokens' : 'dollars'}`, show(b.used), show(b.limit)]),
      h('td', {}, meter, ` ${Math.round(share * 100)} %`),
    );
  });
  document.getElementById('budgets').tBodies[0].replaceChildren(...rows);
  document.getElementById('budgets-empty').hidden = rows.length > 0;
  const error = document.getElementById('budget-error');
  error.hidden = !report.budgetError;
  error.textContent = report.budgetError ?? '';
  const rates = report.rateLimits.map((r) =>
    h(
      'tr',
      {},
      cells([
        r.server,
        r.requestsPerMinute === undefined
          ? `${r.requestsLastMinute} (no limit)`
          : `${r.requestsLastMinute} of ${r.requestsPerMinute}`,
        r.tokensPerMinute === undefined
          ? `${number(r.tokensLastMinute)} (no limit)`
          : `${number(r.tokensLastMinute)} of ${number(r.tokensPerMinute)}`,
        r.onLimit,
      ]),
    ),
  );
  document.getElementById('rates').tBodies[0].replaceChildren(...rates);
  document.getElementById('rates-empty').hidden = rates.length > 0;
}

async function loadUsage() {
  const response = await fetch('/api/usage', { credentials: 'same-origin' });
  if (!response.ok) return;
  report = await response.json();
  document.getElementById('audit-source').textContent =
    `${number(report.total)} requests in ${report.auditPath}${report.skipped > 0 ? ` (${report.skipped} malformed lines skipped)` : ''}` +
    (report.rows.length < report.total ? `; the table shows the newest ${number(report.rows.length)}` : '');
  const select = document.getElementById('filter-outcome');
  const chosen = select.value;
  select.replaceChildren(
    h('option', { value: '', text: 'any' }),
    ...[...new Set(report.rows.map((r) => r.outcome))].sort().map((o) => h('option', { value: o, text: o })),
  );
  select.value = chosen;
  renderAudit();
  renderTotals('by-server', report.byServer);
  renderTotals('by-model', report.byModel);
  renderBudgets();
  await renderCharts();
}

function startUsage() {
  for (const id of ['filter-server', 'filter-model', 'filter-outcome'])
    document.getElementById(id).addEventListener('input', () => report && renderAudit());
  for (const button of document.querySelectorAll('[data-sort]')) {
    button.addEventListener('click', () => {
      sort.descending = sort.key === button.dataset.sort ? !sort.descending : true;
      sort.key = button.dataset.sort;
      renderAudit();
    });
  }
  document.getElementById('bucket').addEventListener('change', () => report && renderCharts());
  void loadUsage();
  follow((type) => {
    if (type === 'audit' || type === 'processes') void loadUsage();
  });
}

if (page === 'approvals') startApprovals();
if (page === 'usage') startUsage();
