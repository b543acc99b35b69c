// The postMessage API (README, "Embedding it in a blog post"): the example
// post drives the embedded playground with buttons and its text follows the
// playground's events; a bad message is answered with an error event and
// changes nothing.
import { test, expect } from '@playwright/test';
import { watchErrors } from './helpers.mjs';

test('the example post crashes the leader and partitions S1 and S2 through the API', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/embed-example.html');
  const live = page.locator('#live');
  const leading = page.locator('#leader');
  await expect(leading).toContainText(/S\d is the leader of term \d+/, { timeout: 15_000 });
  const first = (await leading.textContent()).match(/(S\d) is the leader of term (\d+)/);
  const frame = page.frameLocator('#playground');
  await expect(frame.locator('[data-playground]')).toHaveAttribute('data-leader', first[1]);

  await page.getByRole('button', { name: 'Crash the leader' }).click();
  await expect(frame.locator(`[data-node=${first[1]}]`)).toHaveAttribute('data-role', 'crashed');
  await expect(live).toContainText(`${first[1]} crashed`);
  await expect(leading).toContainText(/S\d is the leader of term \d+/, { timeout: 15_000 });
  const second = (await leading.textContent()).match(/(S\d) is the leader of term (\d+)/);
  expect(second[1]).not.toBe(first[1]);
  expect(Number(second[2])).toBeGreaterThan(Number(first[2]));

  // Back up (so that three servers can form a majority on either side), then cut.
  await page.evaluate((n) => document.getElementById('playground').contentWindow
    .postMessage({ type: 'raft-playground', action: 'restart', server: n }, '*'), Number(first[1].slice(1)));
  await expect(frame.locator(`[data-node=${first[1]}]`)).not.toHaveAttribute('data-role', 'crashed');
  await page.getByRole('button', { name: 'Partition S1 and S2' }).click();
  await expect(frame.locator('.cut-link')).toHaveCount(6);
  await page.getByRole('button', { name: 'Write x = 1' }).click();
  await expect(live).toContainText(/Entry \d+ is committed/, { timeout: 15_000 });

  // A bad message changes nothing and is answered with an error event.
  const answer = await page.evaluate(() => new Promise((resolve) => {
    const frame = document.getElementById('playground');
    window.addEventListener('message', (e) => {
      if (e.source === frame.contentWindow && e.data.event === 'error') resolve(e.data.message);
    });
    frame.contentWindow.postMessage({ type: 'raft-playground', action: 'crash', server: 12 }, '*');
  }));
  expect(answer).toContain('no server S12');
  const unknown = await page.evaluate(() => new Promise((resolve) => {
    const frame = document.getElementById('playground');
    window.addEventListener('message', (e) => {
      if (e.source === frame.contentWindow && e.data.event === 'error') resolve(e.data.message);
    });
    frame.contentWindow.postMessage({ type: 'raft-playground', action: 'explode' }, '*');
  }));
  expect(unknown).toContain('explode');
  expect(problems).toEqual([]);
});
