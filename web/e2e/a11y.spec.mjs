// A page for every reader (the share-and-embed issue, "A page for every
// reader"): axe-core finds no serious or critical problem on the default
// page, with the Inspect and Share dialogs open, in the embed layout and in
// the dark theme; the dark theme keeps the meaning of every colour; reduced
// motion makes messages jump; a phone works by taps alone; a polite live
// region announces leaders and commits, and not while scrubbing the run.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { watchErrors } from './helpers.mjs';

/** The serious and critical problems axe-core finds, one line each. */
async function axeProblems(page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}`);
}

/** Opens the page paused once the first leader is elected (a still page for axe). */
async function openSettled(page, query) {
  await page.goto(`/?seed=7&${query}`);
  await expect(page.locator('[data-role=leader]')).toHaveCount(1, { timeout: 15_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
}

for (const scheme of ['light', 'dark']) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });

    test('axe: the default page, the Inspect dialog and the Share dialog', async ({ page }) => {
      // Three whole-page axe scans, each several seconds on a busy 2-core
      // machine: twice the suite's 30 s, so the scans' length never fails it.
      test.setTimeout(60_000);
      const problems = watchErrors(page);
      await openSettled(page, 'speed=0.5');
      expect(await axeProblems(page)).toEqual([]);
      await page.locator('[data-node=S1] .body').click();
      await page.getByRole('dialog').getByRole('button', { name: 'Inspect' }).click();
      await expect(page.getByRole('dialog', { name: /S1/ })).toBeVisible();
      expect(await axeProblems(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Share' }).click();
      await expect(page.getByRole('dialog', { name: /Share/ })).toBeVisible();
      expect(await axeProblems(page)).toEqual([]);
      expect(problems).toEqual([]);
    });

    test('axe: the embed layout', async ({ page }) => {
      const problems = watchErrors(page);
      await page.setViewportSize({ width: 720, height: 560 });
      await openSettled(page, 'embed&speed=0.5');
      expect(await axeProblems(page)).toEqual([]);
      expect(problems).toEqual([]);
    });
  });
}

test.describe('dark theme', () => {
  test.use({ colorScheme: 'dark' });

  test('is dark, and roles, terms and exchanges keep distinct colours', async ({ page }) => {
    await openSettled(page, 'speed=0.5');
    const colour = (selector, property) => page.locator(selector).first()
      .evaluate((el, p) => getComputedStyle(el)[p], property);
    const luminance = (rgb) => {
      const [r, g, b] = rgb.match(/\d+/g).map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    expect(luminance(await colour('body', 'backgroundColor'))).toBeLessThan(0.15);
    expect(luminance(await colour('body', 'color'))).toBeGreaterThan(0.8);
    const leader = await colour('[data-role=leader] .body', 'stroke');
    const follower = await colour('[data-role=follower] .body', 'stroke');
    expect(leader).not.toBe(follower);
    const terms = await page.evaluate(() => [0, 1, 2, 3, 4, 5, 6, 7].map((t) => {
      const probe = document.createElement('span');
      probe.className = `t${t}`;
      document.body.append(probe);
      const c = getComputedStyle(probe).getPropertyValue('--tb');
      probe.remove();
      return c;
    }));
    expect(new Set(terms).size).toBe(8);
  });
});

/** How many different places each message in flight is drawn at over `ms`. */
function messagePlaces(page, ms) {
  return page.evaluate((ms) => new Promise((resolve) => {
    const seen = new Map();
    const timer = setInterval(() => {
      for (const m of document.querySelectorAll('[data-msg]')) {
        const at = seen.get(m.dataset.msg) || new Set();
        at.add(m.getAttribute('transform'));
        seen.set(m.dataset.msg, at);
      }
    }, 30);
    setTimeout(() => { clearInterval(timer); resolve([...seen.values()].map((s) => s.size)); }, ms);
  }), ms);
}

test('with reduced motion a message is at its sender or its receiver, never between', async ({ browser }) => {
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems = watchErrors(page);
  await page.goto('/?seed=7&speed=0.05');
  await expect(page.locator('[data-role=leader]')).toHaveCount(1, { timeout: 15_000 });
  // With jumps, each message is seen in at most two places (an
  // in-between place would be a third).
  const places = await messagePlaces(page, 3_000);
  expect(places.length).toBeGreaterThan(0);
  expect(Math.max(...places)).toBeLessThanOrEqual(2);
  // Nothing is animated by CSS either.
  const animated = await page.evaluate(() => document.getAnimations().length);
  expect(animated).toBe(0);
  // The setting is followed when it changes: messages glide again.
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  const gliding = Math.max(...await messagePlaces(page, 2_000));
  expect(gliding).toBeGreaterThan(2);
  expect(problems).toEqual([]);
  await context.close();
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('taps open a server menu and a message dialog; the logs open at entry 1; targets are big enough', async ({ page }) => {
    const problems = watchErrors(page);
    await page.goto('/?seed=7&speed=0.05');
    await expect(page.locator('[data-role=leader]')).toHaveCount(1, { timeout: 15_000 });
    const scroller = page.locator('.log-scroll');
    expect(await scroller.evaluate((el) => el.scrollLeft)).toBe(0);
    const first = page.locator('.log-table thead th.idx').first();
    await expect(first).toHaveText('1');
    const [box, view] = [await first.boundingBox(), await scroller.boundingBox()];
    expect(box.x).toBeGreaterThanOrEqual(view.x);
    expect(box.x + box.width).toBeLessThanOrEqual(view.x + view.width);

    await page.locator('[data-node=S2] .body').tap();
    const menu = page.getByRole('dialog');
    await expect(menu.getByRole('button', { name: 'Crash', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Pause' }).tap();
    await menu.getByRole('button', { name: 'Close' }).tap();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    // Paused between flights there may be no message to tap: step until
    // one is on its way.
    const message = page.locator('[data-msg]').first();
    for (let i = 0; i < 30 && (await message.count()) === 0; i++) {
      await page.getByRole('button', { name: 'Step', exact: true }).tap();
    }
    await expect(message).toBeAttached();
    await message.tap();
    await expect(page.getByRole('dialog', { name: /AppendEntries|RequestVote|Client/ })).toBeVisible();

    // WCAG 2.5.8: every target at least 24 × 24 CSS px.
    const small = await page.evaluate(() => [...document.querySelectorAll(
      'button, summary, a[href], select, input:not([type=checkbox]):not([type=radio]), label:has(> input[type=checkbox])')]
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 24 || r.height < 24)
      .map(({ el, r }) => `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`));
    expect(small).toEqual([]);
    expect(problems).toEqual([]);
  });
});

test('a polite live region announces the leader, and says nothing while scrubbing', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/?seed=7&speed=0.5');
  const live = page.locator('[aria-live=polite]');
  await expect(live).toHaveCount(1);
  const box = await live.boundingBox(); // visually hidden, still read out
  expect(box.width * box.height).toBeLessThanOrEqual(1);
  await expect(live).toContainText(/S\d is the leader of term \d+\./, { timeout: 15_000 });
  const named = (await live.textContent()).match(/(S\d) is the leader/)[1];
  await expect(page.locator('[data-playground]')).toHaveAttribute('data-leader', named);
  await page.getByRole('button', { name: 'Pause' }).click();
  const said = await live.textContent();
  const time = page.getByRole('slider', { name: 'Time' });
  for (const at of ['0', '50', '400', '20']) {
    await time.fill(at);
    await page.waitForTimeout(150);
  }
  await page.waitForTimeout(2_500);
  expect(await live.textContent()).toBe(said);
  expect(problems).toEqual([]);
});
