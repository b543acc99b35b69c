// Smoke test: the release build loads in Chromium, starts without errors,
// and draws at least one server (`[data-node]`, the page's DOM contract).
import { test, expect } from '@playwright/test';

test('page loads, draws a server, and logs no errors', async ({ page }) => {
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    // A host serving .wasm with the wrong MIME type only earns a warning.
    if (msg.type() === 'warning' && /application\/wasm/.test(msg.text()))
      problems.push(`console warning: ${msg.text()}`);
  });
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));

  const response = await page.goto('/');
  expect(response?.ok()).toBe(true);
  await expect(page).toHaveTitle('Raft Playground');

  const server = page.locator('[data-node]').first();
  await expect(server).toBeAttached();
  await expect(server).toHaveAttribute('data-node', /^S\d+$/);
  await expect(server).toHaveAttribute('data-role', /^(follower|candidate|leader|crashed|learner)$/);

  // The fallback stays hidden while the app is healthy.
  await expect(page.locator('#fatal-error')).toBeHidden();
  expect(problems).toEqual([]);
});
