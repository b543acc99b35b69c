// "Find a counterexample": with a deliberate mistake switched on, the page
// runs swarm seeds until one breaks a property of Raft, shrinks that run,
// and opens the shortest run paused at the violation. Vote without the log
// check is the switch found fastest (its fifth seed). The search runs in a
// Web Worker whose files the page fetches only when a search starts.
import { test, expect } from '@playwright/test';
import { watchErrors } from './helpers.mjs';

const SHOTS = process.env.SHOTS_DIR;

async function openBreakRaft(page) {
  await page.goto('/?seed=7&paused');
  await expect(page.locator('[data-node]')).toHaveCount(5);
  await page.locator('.break-raft summary').click();
}

const find = (page) => page.getByRole('button', { name: 'Find a counterexample' });
const status = (page) => page.locator('.counterexample [role=status]');

test('without a switch on, the search says what to do and changes nothing', async ({ page }) => {
  const problems = watchErrors(page);
  await openBreakRaft(page);
  await find(page).click();
  await expect(page.locator('.counterexample [role=alert]')).toContainText('Switch on one of the mistakes');
  await expect(page.locator('[data-playground]')).toHaveAttribute('data-violation', '');
  await expect(status(page)).toHaveText('');
  expect(problems).toEqual([]);
});

for (const [width, height] of [[1280, 800], [390, 844]]) {
  test(`finds, shrinks and opens a counterexample at ${width}x${height}`, async ({ page }) => {
    const problems = watchErrors(page);
    const fetched = [];
    page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
    const worker = () => fetched.filter((path) => path.includes('playground-worker'));
    await page.setViewportSize({ width, height });
    await openBreakRaft(page);
    expect(worker(), 'the search\'s worker is not fetched with the page').toEqual([]);
    await page.locator('label[data-bug=vote_without_log_check] input').check();
    await find(page).click();
    await expect(status(page)).toContainText('Found', { timeout: 20_000 });
    expect(worker()).toContain('/playground-worker_bg.wasm');
    const root = page.locator('[data-playground]');
    await expect(root).toHaveAttribute('data-violation', 'Leader Completeness');
    const n = async (name) => Number(await status(page).getAttribute(name));
    expect(await n('data-events-after')).toBeLessThan(await n('data-events-before'));
    expect(await n('data-actions-after')).toBeLessThan(await n('data-actions-before'));
    // Shown paused at the violation: the Time slider is at that moment.
    const now = await root.getAttribute('data-now');
    await expect(page.getByRole('slider', { name: 'Time', exact: true })).toHaveValue(now);
    await expect(page.locator('.violation-banner li').first()).toContainText(`broke at ${now} ms`);
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
    if (SHOTS) {
      await page.screenshot({ path: `${SHOTS}/counterexample-${width}x${height}.png` });
    }
    expect(problems).toEqual([]);
  });
}

test('a search whose worker cannot be loaded says so and changes nothing', async ({ page }) => {
  const problems = watchErrors(page);
  await page.route('**/playground-worker*', (route) => route.abort());
  await openBreakRaft(page);
  const before = await page.locator('[data-playground]').getAttribute('data-now');
  await page.locator('label[data-bug=vote_without_log_check] input').check();
  await find(page).click();
  await expect(page.locator('.counterexample [role=alert]')).toContainText('The search stopped: its worker failed');
  await expect(find(page)).toBeEnabled();
  await expect(status(page)).toHaveText('');
  const root = page.locator('[data-playground]');
  await expect(root).toHaveAttribute('data-violation', '');
  await expect(root).toHaveAttribute('data-now', before);
  // The refused fetch itself is the only error the browser reports.
  expect(problems.filter((p) => !/Failed to load resource|playground-worker/.test(p))).toEqual([]);
});
