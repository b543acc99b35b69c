// Hidden, the playground costs nothing: with the tab hidden (Page
// Visibility API) its animation loop stops — no requestAnimationFrame
// callback for 5 s, virtual time frozen — and shown again it resumes from
// where it was, without a jump.
import { test, expect } from '@playwright/test';
import { watchErrors } from './helpers.mjs';

test('a hidden page runs no frames for 5 s and resumes where it was', async ({ page }) => {
  const problems = watchErrors(page);
  await page.addInitScript(() => {
    window.__frames = 0;
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (f) => raf((t) => { window.__frames += 1; f(t); });
    // Lets the test hide and show the tab as a browser does.
    window.__setHidden = (hidden) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
      document.dispatchEvent(new Event('visibilitychange'));
    };
  });
  await page.goto('/?seed=8&speed=1');
  await expect(page.locator('[data-node]')).toHaveCount(5);
  const now = () => page.locator('[data-playground]').getAttribute('data-now').then(Number);
  await expect.poll(now).toBeGreaterThan(200);
  await page.evaluate(() => window.__setHidden(true));
  await page.waitForTimeout(200); // a frame already asked for may still run
  const frames = await page.evaluate(() => window.__frames);
  const frozen = await now();
  await page.waitForTimeout(5_000);
  expect(await page.evaluate(() => window.__frames)).toBe(frames);
  expect(await now()).toBe(frozen);
  await page.evaluate(() => window.__setHidden(false));
  await expect.poll(now).toBeGreaterThan(frozen);
  // Resumed where it was: no 5-second jump of virtual time (speed 1).
  expect(await now()).toBeLessThan(frozen + 2_000);
  expect(problems).toEqual([]);
});
