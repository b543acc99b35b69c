// The clients' history beside the cluster (a space-time diagram) and its
// linearizability verdict, checked on the page a slice per frame.
import { test, expect } from '@playwright/test';
import { open, send, watchErrors } from './helpers.mjs';

test('a normal run\'s history is linearizable, drawn up to the moment shown', async ({ page }) => {
  const problems = watchErrors(page);
  await open(page, 11);
  const region = page.getByRole('region', { name: 'Client history' });
  await expect(region).toBeVisible();
  await send(page, 'put x 3', 'ok');
  await send(page, 'get x', '3');
  const bars = region.locator('[data-op]');
  await expect(bars).toHaveCount(2);
  await expect(bars.first()).toHaveAttribute('data-client', 'C1');
  await expect(bars.first()).toHaveAttribute('data-kind', 'put');
  await expect(bars.nth(1)).toHaveAttribute('data-kind', 'get');
  await expect(bars.nth(1)).toContainText('x→3');
  const verdict = region.locator('[data-verdict]');
  await expect(verdict).toHaveAttribute('data-verdict', 'linearizable');
  await expect(verdict).toHaveText('linearizable');
  await expect(region.locator('[data-linearizable=false]')).toHaveCount(0);
  // Back in time the diagram shows only what had happened then.
  const invoked = Number(await page.locator('[data-playground]').getAttribute('data-now'));
  await page.getByRole('slider', { name: 'Time', exact: true }).fill('1');
  await expect(region).toHaveAttribute('data-now', '1');
  await expect(bars).toHaveCount(0);
  expect(invoked).toBeGreaterThan(1);
  expect(problems).toEqual([]);
});

test('a stale leader\'s read makes the history not linearizable, the read marked', async ({ page }) => {
  const problems = watchErrors(page);
  // Swarm seed 2383 with the stale_leader_serves_reads switch: by 1.4 s a
  // deposed leader has answered a Get from its own stale state
  // (crates/check/tests/linearizability_agreement.rs pins this seed).
  await page.goto('/?speed=1#seed=2383&bug=stale_leader_serves_reads');
  await expect(page.locator('.replay-banner')).toContainText('Replaying swarm seed 2383', { timeout: 20_000 });
  const region = page.getByRole('region', { name: 'Client history' });
  const verdict = region.locator('[data-verdict]');
  await expect(verdict).toHaveAttribute('data-verdict', 'not-linearizable', { timeout: 20_000 });
  // Hold the moment: while the run goes on, each new operation is checked
  // afresh and the marks are redrawn.
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(verdict).toHaveAttribute('data-verdict', 'not-linearizable', { timeout: 20_000 });
  await expect(verdict).toContainText('not linearizable: key z');
  const marked = region.locator('[data-linearizable=false]');
  await expect(marked.first()).toBeVisible();
  const kinds = await marked.evaluateAll((els) => els.map((e) => e.dataset.kind));
  expect(kinds).toContain('get');
  expect(kinds).toContain('put');
  await expect(region.locator('[data-kind=get][data-linearizable=false]').first()).toContainText('✗');
  expect(problems).toEqual([]);
});
