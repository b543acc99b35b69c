// Time travel on the page: the Time slider under the cluster shows any
// moment of the run exactly as it was, Step back and Step move one event,
// acting in the past forks the run, and "Back to the other future" returns
// to the future left behind. Paused starts with fixed seeds, so every run
// is the same.
import { test, expect } from '@playwright/test';
import { watchErrors, serverAction } from './helpers.mjs';

/** The cluster as drawn, read in one go (no frame in between). */
async function snapshot(page) {
  return page.evaluate(() => {
    const root = document.querySelector('[data-playground]');
    const nodes = [...document.querySelectorAll('[data-node]')].map((n) =>
      [n.dataset.node, n.dataset.role, n.dataset.term, n.dataset.logLen, n.dataset.commit].join(' '));
    return { now: Number(root.dataset.now), nodes };
  });
}

/** Plays at real time until data-now passes `until` ms, recording the
 *  cluster as it goes, then pauses. */
async function playAndRecord(page, until) {
  await page.getByRole('slider', { name: 'Speed' }).fill('300');
  await page.getByRole('button', { name: 'Play' }).click();
  const seen = [];
  for (;;) {
    const s = await snapshot(page);
    if (!seen.length || seen[seen.length - 1].now !== s.now) seen.push(s);
    if (s.now >= until) break;
    await page.waitForTimeout(40);
  }
  await page.getByRole('button', { name: 'Pause' }).click();
  return seen;
}

const time = (page) => page.getByRole('slider', { name: 'Time', exact: true });

test('scrubbing the Time slider shows the cluster exactly as it was then', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/?seed=42&paused');
  await expect(page.locator('[data-node]')).toHaveCount(5);
  const seen = await playAndRecord(page, 1_500);
  const end = (await snapshot(page)).now;
  await expect(time(page)).toHaveAttribute('max', String(end));
  await expect(page.locator('[data-mark=elected]').first()).toBeAttached();
  await expect(page.locator('.strip .band').first()).toBeAttached();

  // Back to a few recorded moments, oldest last, then forward again.
  const picks = [seen[seen.length - 2], seen[Math.floor(seen.length / 2)], seen[1]];
  for (const then of [...picks, ...picks.reverse()]) {
    await time(page).fill(String(then.now));
    await expect(page.locator('[data-playground]')).toHaveAttribute('data-now', String(then.now));
    expect(await snapshot(page)).toEqual(then);
  }
  await time(page).fill(String(end));
  await expect(page.locator('[data-playground]')).toHaveAttribute('data-now', String(end));
  expect(problems).toEqual([]);
});

test('Step back and Step move one event, and the narration follows', async ({ page }) => {
  await page.goto('/?seed=42&paused');
  await playAndRecord(page, 1_200);
  await time(page).fill('1000');
  const at = await snapshot(page);
  // The narration tells what happened up to the moment shown, not after.
  const newest = await page.locator('.narration li .at').first().textContent();
  expect(Number(newest.replace(' ms', ''))).toBeLessThanOrEqual(1000);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  const next = await snapshot(page);
  expect(next.now).toBeGreaterThanOrEqual(1000);
  await page.getByRole('button', { name: 'Step back' }).click();
  const back = await snapshot(page);
  expect(back.now).toBeLessThanOrEqual(1000);
  expect(back.nodes).toEqual(at.nodes);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  expect(await snapshot(page)).toEqual(next);

  // At the start, the narration tells nothing of the future.
  await time(page).fill('0');
  await expect(page.locator('[data-playground]')).toHaveAttribute('data-now', '0');
  await expect(page.locator('.narration li')).toHaveCount(0);
});

test('acting in the past forks the run; Back to the other future returns to it', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/?seed=42&paused');
  await playAndRecord(page, 1_500);
  const old = await snapshot(page);

  await time(page).fill('700');
  await serverAction(page, 'S2', 'Crash');
  await expect(page.locator('[data-node=S2]')).toHaveAttribute('data-role', 'crashed');
  await expect(time(page)).toHaveAttribute('max', '700');
  await expect(page.locator('[data-mark=fork]')).toBeAttached();
  await expect(page.locator('[data-mark=crash]')).toHaveCount(1);

  await page.getByRole('button', { name: 'Back to the other future' }).click();
  expect(await snapshot(page)).toEqual(old);
  await expect(time(page)).toHaveAttribute('max', String(old.now));
  await expect(page.locator('[data-mark=fork]')).toHaveCount(0);

  // A seek past the end is refused with a reason and changes nothing.
  await time(page).evaluate((el) => {
    el.max = '999999';
    el.value = '999999';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await expect(page.getByRole('alert')).toContainText('after the end');
  expect((await snapshot(page)).nodes).toEqual(old.nodes);
  expect(problems).toEqual([]);
});

test('the Time slider answers the keyboard: arrows by event, Shift by 100 ms, Home, End', async ({ page }) => {
  await page.goto('/?seed=42&paused');
  await playAndRecord(page, 1_000);
  // The run went on a little between the last record and the pause.
  const end = Number(await time(page).getAttribute('max'));
  const now = async () => (await snapshot(page)).now;
  await time(page).focus();
  await page.keyboard.press('Home');
  await expect.poll(now).toBe(0);
  await page.keyboard.press('ArrowRight');
  await expect.poll(now).toBeGreaterThan(0);
  const first = await now();
  expect(first).toBeGreaterThanOrEqual(150); // the earliest election timeout
  expect(first).toBeLessThanOrEqual(300);
  await page.keyboard.press('Shift+ArrowRight');
  await expect.poll(now).toBe(first + 100);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(now).toBeLessThan(first + 100);
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('End');
  await expect.poll(now).toBe(end);
});
