// The embed layout (DESIGN.md DOM contract, "Embedding"): `?embed` at
// 720×560 shows the ring, every server's log row and the Command box
// without scrolling, 5 and 9 servers; at 480×360 the ring and the logs;
// and a small "Open in full" link to the same run at the same moment.
import { test, expect } from '@playwright/test';
import { watchErrors } from './helpers.mjs';

/** Is the element's whole box inside the viewport? */
async function inView(page, locator) {
  const box = await locator.boundingBox();
  const { width, height } = page.viewportSize();
  expect(box, 'drawn').not.toBeNull();
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5;
}

for (const [width, height, withCommand] of [[720, 560, true], [480, 360, false]]) {
  for (const servers of [5, 9]) {
    test(`at ${width}×${height} with ${servers} servers the ring and the logs fit`, async ({ page }) => {
      const problems = watchErrors(page);
      await page.setViewportSize({ width, height });
      await page.goto(`/?embed&seed=5&servers=${servers}&paused`);
      await expect(page.locator('[data-node]')).toHaveCount(servers);
      const unscrolled = await page.evaluate(() =>
        document.scrollingElement.scrollHeight <= innerHeight && document.scrollingElement.scrollWidth <= innerWidth);
      expect(unscrolled, 'nothing to scroll').toBe(true);
      expect(await inView(page, page.locator('svg.cluster'))).toBe(true);
      for (const n of await page.locator('[data-node]').all()) expect(await inView(page, n)).toBe(true);
      const rows = page.locator('[data-log-node]');
      await expect(rows).toHaveCount(servers);
      for (const r of await rows.all()) expect(await inView(page, r.locator('th, td').first())).toBe(true);
      if (withCommand) expect(await inView(page, page.getByLabel('Command'))).toBe(true);
      expect(await inView(page, page.getByRole('link', { name: 'Open in full' }))).toBe(true);
      await expect(page.getByRole('button', { name: 'Share' })).toHaveCount(0); // minimal chrome
      await page.screenshot({ path: `web/test-results/embed-${width}x${height}-${servers}.png` });
      expect(problems).toEqual([]);
    });
  }
}

test('"Open in full" opens the same run at the same moment in the full page', async ({ page }) => {
  await page.setViewportSize({ width: 720, height: 560 });
  await page.goto('/?embed&seed=5&speed=1');
  await expect(page.locator('[data-role=leader]')).toHaveCount(1, { timeout: 10_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  const now = await page.locator('[data-playground]').getAttribute('data-now');
  const href = await page.getByRole('link', { name: 'Open in full' }).getAttribute('href');
  expect(href).toMatch(/#run=2\./);
  expect(href).not.toContain('embed');
  await page.goto(href);
  await expect(page.getByRole('button', { name: 'Share' })).toBeVisible();
  await expect(page.locator('[data-playground]')).toHaveAttribute('data-now', now);
});
