/**
 * The dashboard's pages as server-rendered HTML: the frame (navigation, the CSRF token in a meta tag) and
 * the empty regions the page script (public/app.js) fills from the API. No inline script or style: the CSP
 * allows only files served by the dashboard itself.
 */

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function frame(title: string, page: 'approvals' | 'usage', csrf: string, main: string): string {
  const link = (href: string, name: string, here: boolean) =>
    `<a href="${href}"${here ? ' aria-current="page"' : ''}>${name}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${escapeHtml(csrf)}">
<title>${escapeHtml(title)} · mcp-sampling</title>
<link rel="stylesheet" href="/assets/app.css">
${page === 'usage' ? '<link rel="stylesheet" href="/assets/uPlot.min.css">\n' : ''}<script type="module" src="/assets/app.js"></script>
</head>
<body data-page="${page}">
<header>
<strong>mcp-sampling</strong>
<nav>${link('/', 'Approvals', page === 'approvals')} ${link('/usage', 'Audit and usage', page === 'usage')}</nav>
<span id="connection" role="status">connecting…</span>
</header>
<main>
${main}
</main>
</body>
</html>
`;
}

export function approvalsPage(csrf: string): string {
  return frame(
    'Approvals',
    'approvals',
    csrf,
    `<section aria-labelledby="pending-title">
<h1 id="pending-title">Pending requests</h1>
<p><button type="button" id="notify">Notify me of new requests</button></p>
<p id="pending-empty">No request is waiting for a decision.</p>
<div id="pending"></div>
</section>
<section aria-labelledby="processes-title">
<h2 id="processes-title">Live processes</h2>
<p id="processes-empty">No client process is registered. A process whose policy says <code>approval: "ask"</code> and that has no terminal registers here when it starts.</p>
<table id="processes" hidden>
<thead><tr><th scope="col">process</th><th scope="col">pid</th><th scope="col">since</th><th scope="col">config</th></tr></thead>
<tbody></tbody>
</table>
</section>`,
  );
}

export function usagePage(csrf: string): string {
  return frame(
    'Audit and usage',
    'usage',
    csrf,
    `<h1>Audit and usage</h1>
<p id="audit-source"></p>
<section aria-labelledby="charts-title">
<h2 id="charts-title">Tokens and dollars over time</h2>
<p><label>Per <select id="bucket"><option value="day">day</option><option value="hour">hour</option></select></label></p>
<div class="charts"><figure id="chart-tokens"><figcaption>Tokens</figcaption></figure><figure id="chart-cost"><figcaption>Dollars</figcaption></figure></div>
</section>
<section aria-labelledby="budgets-title">
<h2 id="budgets-title">Budgets</h2>
<p id="budget-error" role="alert" hidden></p>
<table id="budgets"><thead><tr><th scope="col">server</th><th scope="col">window</th><th scope="col">used</th><th scope="col">limit</th><th scope="col">use</th></tr></thead><tbody></tbody></table>
<p id="budgets-empty" hidden>No budget is configured (<code>servers.*.budget</code>).</p>
</section>
<section aria-labelledby="rates-title">
<h2 id="rates-title">Rate limits</h2>
<table id="rates"><thead><tr><th scope="col">server</th><th scope="col">requests, last minute</th><th scope="col">tokens, last minute</th><th scope="col">on limit</th></tr></thead><tbody></tbody></table>
<p id="rates-empty" hidden>No rate limit is configured (<code>servers.*.rateLimit</code>).</p>
</section>
<section aria-labelledby="totals-title">
<h2 id="totals-title">Totals</h2>
<div class="totals">
<table id="by-server"><caption>per server</caption><thead><tr><th scope="col">server</th><th scope="col">requests</th><th scope="col">ok</th><th scope="col">tokens</th><th scope="col">cost</th></tr></thead><tbody></tbody></table>
<table id="by-model"><caption>per model</caption><thead><tr><th scope="col">model</th><th scope="col">requests</th><th scope="col">ok</th><th scope="col">tokens</th><th scope="col">cost</th></tr></thead><tbody></tbody></table>
</div>
</section>
<section aria-labelledby="audit-title">
<h2 id="audit-title">Audit log</h2>
<p class="filters">
<label>Server <input id="filter-server" type="search"></label>
<label>Model <input id="filter-model" type="search"></label>
<label>Outcome <select id="filter-outcome"><option value="">any</option></select></label>
</p>
<table id="audit">
<thead><tr>
<th scope="col"><button type="button" data-sort="time">time</button></th>
<th scope="col"><button type="button" data-sort="server">server</button></th>
<th scope="col"><button type="button" data-sort="model">model</button></th>
<th scope="col"><button type="button" data-sort="outcome">outcome</button></th>
<th scope="col"><button type="button" data-sort="tokens">tokens</button></th>
<th scope="col"><button type="button" data-sort="costUsd">cost</button></th>
<th scope="col"><button type="button" data-sort="latencyMs">latency</button></th>
</tr></thead>
<tbody></tbody>
</table>
<p id="audit-empty" hidden>The audit log is empty: no sampling request has been answered yet.</p>
</section>`,
  );
}

/** Without a session: how to get one (no data of any kind). */
export function loginPage(message: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>mcp-sampling</title><link rel="stylesheet" href="/assets/app.css"></head>
<body><main><h1>mcp-sampling dashboard</h1><p>${escapeHtml(message)}</p>
<p>Run <code>mcp-sampling ui</code> and open the URL it prints.</p></main></body>
</html>
`;
}
