/**
 * The dashboard in a real browser: the built `mcp-sampling ui` and a `call summarize_document` with
 * `approval: "ask"` and no terminal against our own `serve`, answered by a local stub of the OpenAI API
 * that records what it receives. Debian's Chromium is driven by playwright-core; a person's clicks approve,
 * deny or edit the request and approve the completion, on both eras; a tool loop's call input is edited; an
 * image in a prompt is shown as an image. Skipped, saying why, when Chromium
 * is not installed (.ci/run installs it). With MCP_SAMPLING_SCREENSHOTS=1 the approval card and the usage
 * page are saved as docs/ui-approval.png and docs/ui-usage.png.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeHome, runCall, startDashboardCli, type RunningDashboard } from './helpers/dashboard.js';
import { chatCompletion, chatCompletionWithToolCalls, startHttpStub, type HttpStub } from './helpers/http-stub.js';
import { ERAS } from './helpers/wire.js';
import { createDashboardPrompter } from '../src/ui/link.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`ui-browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

const ANSWER = 'Street trees cool cities, hold rain and calm traffic.';
const DOCUMENT =
  'Street trees lower summer temperatures by several degrees. They hold rain water and slow traffic. ' +
  'Cities that plant them see fewer floods.';
const SHOTS = process.env['MCP_SAMPLING_SCREENSHOTS'] === '1';
const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));

describe.skipIf(!HAS_CHROMIUM)('mcp-sampling ui in Chromium', () => {
  let dashboard: RunningDashboard;
  let stub: HttpStub;
  let browser: Browser;
  let page: Page;
  let work: string;

  beforeAll(async () => {
    stub = await startHttpStub(() => ({ json: chatCompletion(ANSWER) }));
    dashboard = await startDashboardCli();
    // The clients and the dashboard read the same config (both run in the temporary HOME): approval `ask`,
    // and budgets and a rate limit for the usage page to show.
    work = dashboard.home;
    const policy = {
      approval: 'ask',
      budget: { session: { tokens: 20_000 }, day: { tokens: 100_000, costUsd: 0.05 } },
      rateLimit: { requestsPerMinute: 30 },
    };
    writeFileSync(join(work, 'mcp-sampling.config.json'), JSON.stringify({ servers: { '*': policy } }));
    // Chromium's own profile and caches go to the dashboard's temporary HOME, never the suite's.
    const home = dashboard.home;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(dashboard.url);
    // The token is gone from the address bar: the session cookie holds the sign-in.
    expect(page.url()).toBe(`${dashboard.origin}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await stub?.close();
    if (dashboard !== undefined) removeHome(dashboard.home);
  });

  const call = (era: string) =>
    runCall(dashboard.home, work, 'summarize_document', { document_text: DOCUMENT }, era, {
      OPENAI_API_KEY: 'sk-test-dashboard',
      OPENAI_BASE_URL: `${stub.url}/v1`,
    });

  const requestCard = () => page.getByRole('article', { name: /asks for a completion/ });
  const completionCard = () => page.getByRole('article', { name: /Review the completion/ });

  it('a tool loop: the tools offered are shown, and the tool call input the person edits reaches the server', async () => {
    const tools = await startHttpStub((request) =>
      JSON.stringify(request.body).includes('"role":"tool"')
        ? { json: chatCompletion('Trees hold rain water [p1].') }
        : {
            json: chatCompletionWithToolCalls([
              { id: 'call_1', name: 'search_document', arguments: '{"query":"rain"}' },
            ]),
          },
    );
    try {
      const run = runCall(
        dashboard.home,
        work,
        'ask_document',
        { document_text: DOCUMENT, question: 'What about rain?' },
        'modern',
        {
          OPENAI_API_KEY: 'sk-test-dashboard',
          OPENAI_BASE_URL: `${tools.url}/v1`,
        },
      );
      const first = requestCard();
      await first.waitFor({ timeout: 30_000 });
      await expect.poll(() => first.textContent()).toContain('search_document');
      expect(await first.textContent()).toContain('read_passage');
      await first.getByRole('button', { name: 'Approve', exact: true }).click();

      const calls = completionCard();
      await calls.waitFor({ timeout: 30_000 });
      await expect.poll(() => calls.textContent()).toContain('"query": "rain"');
      await calls.getByRole('button', { name: 'Edit', exact: true }).click();
      await calls.getByRole('textbox', { name: /Input of search_document/ }).fill('{ "query": "floods edited" }');
      await calls.getByRole('button', { name: 'Approve', exact: true }).click();

      // The next turn carries the edited call (and the result of running it) back to the model.
      const second = requestCard();
      await second.waitFor({ timeout: 30_000 });
      await second.getByRole('button', { name: 'Approve', exact: true }).click();
      const answer = completionCard();
      await expect.poll(() => answer.textContent(), { timeout: 30_000 }).toContain('Trees hold rain water');
      await answer.getByRole('button', { name: 'Approve', exact: true }).click();

      const result = await run.done;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('Trees hold rain water');
      expect(tools.requests).toHaveLength(2);
      const history = JSON.stringify(tools.requests[1]!.body);
      expect(history).toContain('floods edited');
      expect(history).not.toContain('\\"query\\":\\"rain\\"');
    } finally {
      await tools.close();
    }
  }, 120_000);

  it('shows an image of the prompt as an image, and a denial from the page reaches the process', async () => {
    // A 1x1 PNG.
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const link = createDashboardPrompter({ label: 'image test', home: dashboard.home });
    try {
      const decided = link.reviewRequest(
        {
          server: 'vision-server',
          model: { provider: 'openai', id: 'gpt-4o', reason: 'test' },
          systemPrompt: undefined,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is in this picture?' },
                { type: 'image', mimeType: 'image/png', data: png },
              ],
            },
          ],
          maxTokens: 100,
          temperature: undefined,
        },
        new AbortController().signal,
      );
      const card = requestCard();
      await card.waitFor({ timeout: 30_000 });
      const image = card.getByRole('img', { name: 'image (image/png)' });
      await image.waitFor();
      expect(await image.getAttribute('src')).toBe(`data:image/png;base64,${png}`);
      // Loaded under the CSP (img-src data:): a blocked image would have no natural width.
      await expect
        .poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
        .toBe(1);
      await card.getByRole('button', { name: 'Deny', exact: true }).click();
      expect(await decided).toEqual({ action: 'deny', reason: 'denied in the dashboard' });
    } finally {
      link.close();
    }
  });

  describe.each(ERAS)('on the %s era', (era) => {
    it('Approve, then approve the completion: the call ends with the answer, the audit view lists it', async () => {
      const run = call(era);
      const card = requestCard();
      await card.waitFor({ timeout: 30_000 });
      await expect.poll(() => card.textContent()).toContain(DOCUMENT);
      const text = (await card.textContent()) ?? '';
      expect(text).toContain('document-assistant');
      expect(text).toContain('openai/gpt-4o');
      expect(text).toContain('expert summarizer');
      expect(text).toContain('300');
      // The process that asks is listed as live.
      await expect.poll(() => page.locator('#processes').textContent()).toContain('summarize_document');
      if (SHOTS && era === 'modern') await card.screenshot({ path: join(DOCS, 'ui-approval.png') });
      await card.getByRole('button', { name: 'Approve', exact: true }).click();

      const review = completionCard();
      await review.waitFor({ timeout: 30_000 });
      await expect.poll(() => review.textContent()).toContain(ANSWER);
      await review.getByRole('button', { name: 'Approve', exact: true }).click();

      const result = await run.done;
      expect(result.code, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as { ok: boolean; text?: string; result?: unknown };
      expect(json.ok).toBe(true);
      expect(result.stdout).toContain(ANSWER);
      // The process left the page when it ended.
      await expect.poll(() => page.locator('#processes-empty').isVisible()).toBe(true);

      await page.goto(`${dashboard.origin}/usage`);
      const audit = page.locator('#audit tbody');
      await expect.poll(() => audit.textContent()).toContain('document-assistant');
      expect(await audit.textContent()).toContain('ok');
      // The day budget and the rate limit of the config, with what was used.
      await expect.poll(() => page.locator('#budgets tbody').textContent()).toContain('day tokens');
      expect(await page.locator('#rates tbody').textContent()).toContain('document-assistant');
      await expect.poll(() => page.locator('#chart-tokens canvas').count()).toBeGreaterThan(0);
      if (SHOTS && era === 'modern') await page.screenshot({ path: join(DOCS, 'ui-usage.png'), fullPage: true });
      await page.goto(`${dashboard.origin}/`);
    }, 90_000);

    it('Deny: the call gets the user-rejected error and no provider is called', async () => {
      const before = stub.requests.length;
      const run = call(era);
      const card = requestCard();
      await card.waitFor({ timeout: 30_000 });
      await card.getByRole('button', { name: 'Deny', exact: true }).click();
      const result = await run.done;
      expect(result.code).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toMatch(/the user denied the sampling request/);
      expect(stub.requests.length).toBe(before);
      await expect.poll(() => requestCard().count()).toBe(0);
    }, 90_000);

    it('Edit: the provider receives the edited prompt, the server the edited completion', async () => {
      const before = stub.requests.length;
      const run = call(era);
      const card = requestCard();
      await card.waitFor({ timeout: 30_000 });
      await card.getByRole('button', { name: 'Edit', exact: true }).click();
      const edited = `Summarize in five words: ${DOCUMENT} (edited in the dashboard, ${era})`;
      await card.getByRole('textbox', { name: 'Last user message' }).fill(edited);
      await card.getByRole('button', { name: 'Approve', exact: true }).click();
      const review = completionCard();
      await review.waitFor({ timeout: 30_000 });
      // The completion is edited too: the server gets the person's text, not the model's.
      await review.getByRole('button', { name: 'Edit', exact: true }).click();
      await review.getByRole('textbox', { name: 'Completion' }).fill(`Trees help (edited completion, ${era}).`);
      await review.getByRole('button', { name: 'Approve', exact: true }).click();
      const result = await run.done;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Trees help (edited completion, ${era}).`);
      expect(result.stdout).not.toContain(ANSWER);
      expect(stub.requests.length).toBe(before + 1);
      expect(JSON.stringify(stub.requests.at(-1)!.body)).toContain(`(edited in the dashboard, ${era})`);
    }, 90_000);
  });
});
