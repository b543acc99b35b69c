// A page for every reader, "no hover needed" (issue 11 §3) and the embed
// layout's fit (§2): every explanation is visible text, reached by a tap
// or a key (a line under each switch in Settings; an "i" toggle, a real
// button with aria-expanded, for the dense toolbar, the server menu and the
// configuration panel), each control's aria-describedby names it; a
// server's menu stays inside the viewport wherever its server is drawn; and
// `?embed` with a tour open still shows the ring, the logs and the Command box.
import { test, expect } from '@playwright/test';
import { watchErrors } from './helpers.mjs';

/** Is the element's whole box inside the viewport? */
async function inView(page, locator) {
  const box = await locator.boundingBox();
  const { width, height } = page.viewportSize();
  expect(box, 'drawn').not.toBeNull();
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5;
}

/** The controls under `scope` whose aria-describedby names an element
 * that is not drawn, or has no text (empty when all is well). */
async function undescribed(scope) {
  return scope.evaluate((root) => [...root.querySelectorAll('[aria-describedby]')]
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => {
      const note = document.getElementById(el.getAttribute('aria-describedby'));
      return !note || note.getClientRects().length === 0 || note.textContent.trim().length < 10;
    })
    .map((el) => `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') || el.textContent.trim()}`));
}

test('Settings shows every switch\'s explanation as text under it, named by aria-describedby', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/?seed=42&paused');
  await page.locator('summary', { hasText: /^Settings$/ }).click();
  const settings = page.getByRole('group', { name: 'Settings' });
  await expect(settings).toBeVisible();
  for (const [name, text] of [['PreVote', 'before raising your term'], ['CheckQuorum', 'steps down'],
    ['Fast backtrack', 'whole term per round trip'], ['Reads', 'leader lease'], ['Snapshots', '§7'],
    ['Entries per AppendEntries', 'batching'], ['AppendEntries in flight', 'flow control']]) {
    const control = settings.getByLabel(name, { exact: true });
    await expect(control).toHaveAccessibleDescription(new RegExp(text.replace(/[().§]/g, '\\$&')));
    const note = page.locator(`#${await control.getAttribute('aria-describedby')}`);
    await expect(note).toBeVisible();
    await expect(note).toContainText(text);
  }
  expect(await undescribed(settings)).toEqual([]);
  // The switches still work from there.
  await settings.getByLabel('PreVote').check();
  await expect(settings.getByLabel('PreVote')).toBeChecked();
  expect(problems).toEqual([]);
});

test('the toolbar, a server menu and the configuration explain themselves behind an "i" button', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/?seed=42&paused');
  await expect(page.locator('[data-node]')).toHaveCount(5);

  const about = page.getByRole('button', { name: 'About the controls' });
  await expect(about).toHaveAttribute('aria-expanded', 'false');
  const notes = page.locator('#control-notes');
  await expect(notes).toBeHidden();
  await about.press('Enter'); // by keyboard
  await expect(about).toHaveAttribute('aria-expanded', 'true');
  await expect(notes).toContainText('it joins as a learner and is promoted once caught up');
  await expect(notes).toContainText('as a multiple of real time');
  expect(await undescribed(page.locator('.controls'))).toEqual([]);
  await expect(page.getByRole('button', { name: 'Reset' })).toHaveAccessibleDescription(/new random seed/);
  await about.click();
  await expect(notes).toBeHidden();

  await page.locator('[data-node=S1] .body').click();
  const menu = page.getByRole('dialog', { name: 'S1 actions' });
  await menu.getByRole('button', { name: 'About these buttons' }).click();
  await expect(menu.locator('#menu-notes')).toContainText('everything but its disk is lost');
  expect(await undescribed(menu)).toEqual([]);
  expect(await inView(page, menu)).toBe(true);
  await menu.getByRole('button', { name: 'Close' }).click();

  const config = page.getByRole('region', { name: 'Configuration' });
  await config.getByRole('button', { name: 'About configurations' }).click();
  await expect(config.locator('#config-notes')).toContainText('Joint consensus: every decision needs a majority');
  expect(await undescribed(config)).toEqual([]);
  expect(problems).toEqual([]);
});

test('the time strip, the network editor, Break Raft and the log legend explain themselves as text', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/?seed=42&paused');
  await expect(page.locator('[data-node]')).toHaveCount(5);

  const strip = page.getByRole('group', { name: 'Time travel' });
  await strip.getByRole('button', { name: 'About time travel' }).click();
  await expect(page.locator('#note-time')).toBeVisible();
  await expect(page.getByRole('slider', { name: 'Time' })).toHaveAccessibleDescription(/Shift\+arrows: 100 ms/);
  await expect(strip.getByLabel('Skip quiet time')).toHaveAccessibleDescription(/nothing is in flight/);
  expect(await undescribed(strip)).toEqual([]);

  await page.locator('summary', { hasText: /^Network$/ }).click();
  const editor = page.locator('.network-editor');
  await editor.getByRole('button', { name: 'About the partition buttons' }).click();
  await expect(page.locator('#note-isolate-leader')).toBeVisible();
  await expect(editor.getByRole('button', { name: 'Cut one way' })).toHaveAccessibleDescription(/the other way still works/);
  await expect(editor.getByRole('button', { name: 'Apply partition' })).toHaveAccessibleDescription(/different groups/);
  expect(await undescribed(editor)).toEqual([]);

  await page.locator('summary', { hasText: /^Break Raft$/ }).click();
  await expect(page.getByRole('button', { name: 'Find a counterexample' }))
    .toHaveAccessibleDescription(/shrinks that run to the fewest faults and events/);
  await expect(page.getByRole('region', { name: 'Logs' })).toContainText("the leader's matchIndex and nextIndex");

  // What is left in a title repeats state the Inspect dialog shows by tap
  // (an entry, a key-value state, a snapshot, a match/next mark the legend
  // explains) or the readout beside it (Speed): no explanation lives there alone.
  const titled = await page.evaluate(() => [...document.querySelectorAll('body [title]')]
    .filter((el) => !el.matches('td.entry, td.snapshot, .kv-line, .mark, input[aria-label="Speed"], .history-now, iframe'))
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.getAttribute('title')}`));
  expect(titled).toEqual([]);
  expect(problems).toEqual([]);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('a tap shows what was a hover hint: a switch\'s explanation, a menu button\'s, a control\'s', async ({ page }) => {
    const problems = watchErrors(page);
    await page.goto('/?seed=42&paused');
    await expect(page.locator('[data-node]')).toHaveCount(5);
    await page.locator('summary', { hasText: /^Settings$/ }).tap();
    const prevote = page.locator('#about-prevote');
    await expect(prevote).toBeVisible();
    await expect(prevote).toContainText('ask whether you could win before raising your term');
    expect(await inView(page, prevote)).toBe(true);
    await page.locator('summary', { hasText: /^Settings$/ }).tap();

    const about = page.getByRole('button', { name: 'About the controls' });
    const box = await about.boundingBox();
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(24);
    await about.tap();
    await expect(page.locator('#note-add')).toBeVisible();

    await page.locator('[data-node=S2] .body').tap();
    const menu = page.getByRole('dialog', { name: 'S2 actions' });
    await menu.getByRole('button', { name: 'About these buttons' }).tap();
    await expect(menu.locator('#menu-note-snapshot')).toBeVisible();
    await expect(menu.locator('#menu-note-snapshot')).toContainText('drop them from its log');
    expect(await inView(page, menu)).toBe(true);
    expect(problems).toEqual([]);
  });
});

// Every server's menu lies inside the viewport, wherever on the ring its
// server is drawn, and its buttons take a real click there.
for (const [label, size, query, touch] of [
  ['720×560 ?embed', { width: 720, height: 560 }, '?embed&', false],
  ['390×844', { width: 390, height: 844 }, '?', true],
]) {
  test.describe(`at ${label}`, () => {
    test.use({ viewport: size, hasTouch: touch, isMobile: touch });
    for (const servers of [5, 9]) {
      test(`each of ${servers} servers' menus opens inside the viewport`, async ({ page }) => {
        const problems = watchErrors(page);
        await page.goto(`/${query}seed=42&servers=${servers}&paused`);
        await expect(page.locator('[data-node]')).toHaveCount(servers);
        for (let i = 1; i <= servers; i++) {
          await page.locator(`[data-node=S${i}] .body`).click();
          const menu = page.getByRole('dialog', { name: `S${i} actions` });
          await expect(menu).toBeVisible();
          await expect.poll(() => inView(page, menu), { message: `S${i}'s menu inside the viewport` }).toBe(true);
          for (const name of ['Crash', 'Time out', 'Isolate', 'Snapshot', 'Inspect', 'About these buttons']) {
            // A trial click: Playwright's own checks that this spot takes the
            // click (visible, stable, not covered), without acting.
            await menu.getByRole('button', { name, exact: true }).click({ trial: true });
          }
          await menu.getByRole('button', { name: 'Close' }).click();
          await expect(menu).toHaveCount(0);
        }
        expect(problems).toEqual([]);
      });
    }
  });
}

// A window made shorter (an embedding page's iframe resized, a phone's
// keyboard shown): the open menu is measured again and kept inside the new
// viewport.
test('an open menu stays inside the viewport when the window only gets shorter', async ({ page }) => {
  const problems = watchErrors(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?seed=42&paused');
  // The lowest server on the ring: its menu hangs furthest down.
  const lowest = await page.evaluate(() => [...document.querySelectorAll('[data-node]')]
    .map((n) => [n.getAttribute('data-node'), n.getBoundingClientRect().bottom])
    .sort((a, b) => b[1] - a[1])[0][0]);
  await page.locator(`[data-node=${lowest}] .body`).click();
  const menu = page.getByRole('dialog', { name: `${lowest} actions` });
  await expect(menu).toBeVisible();
  await expect.poll(() => inView(page, menu)).toBe(true);
  const bottom = (await menu.boundingBox()).y + (await menu.boundingBox()).height;
  const shorter = Math.round(bottom) - 60;
  expect(shorter, 'the menu reaches below the shorter window').toBeGreaterThan(300);
  await page.setViewportSize({ width: 1280, height: shorter });
  await expect.poll(() => inView(page, menu), { message: `${lowest}'s menu inside a ${shorter} px high window` }).toBe(true);
  expect(problems).toEqual([]);
});

// At 390×844 a reader can scroll the ring away while a menu is open. When
// the menu then changes size (here its notes open), it stays beside its
// server instead of being pulled down into the scrolled viewport.
test.describe('at 390×844, scrolled', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  test('a menu that grows while its server is scrolled out of view stays beside its server', async ({ page }) => {
    const problems = watchErrors(page);
    await page.goto('/?seed=42&paused');
    await page.locator('[data-node=S1] .body').click();
    const menu = page.getByRole('dialog', { name: 'S1 actions' });
    await expect(menu).toBeVisible();
    await expect.poll(() => inView(page, menu)).toBe(true);
    const offset = () => page.evaluate(() => {
      const m = document.querySelector('[role=dialog][aria-label="S1 actions"]').getBoundingClientRect();
      const s = document.querySelector('[data-node=S1] .body').getBoundingClientRect();
      return { dy: Math.round(m.top - s.top), serverTop: s.top, menuHeight: m.height };
    });
    const before = await offset();
    await page.evaluate(() => window.scrollBy(0, 900));
    await expect.poll(async () => (await offset()).serverTop, { message: 'S1 scrolled above the viewport' }).toBeLessThan(-100);
    // Grow the menu without scrolling back to it.
    await menu.getByRole('button', { name: 'About these buttons' }).dispatchEvent('click');
    await expect(menu.locator('#menu-note-snapshot')).toBeVisible();
    await expect.poll(async () => (await offset()).menuHeight).toBeGreaterThan(before.menuHeight + 20);
    // Give the resize observer its turn, then the menu must not have moved.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const after = await offset();
    expect(Math.abs(after.dy - before.dy), `menu offset from S1: ${before.dy} px before, ${after.dy} px after`).toBeLessThanOrEqual(1);
    expect(problems).toEqual([]);
  });
});

// `?embed` at 720×560 with a tour open and closed: the ring, every log row
// and the Command box without scrolling. (The biggest tour has 7 servers;
// 9 servers without a tour are in embed.spec.mjs.)
for (const tour of ['figure-8', 'figure-7']) {
  test(`?embed at 720×560 with the ${tour} tour open, then closed, shows the ring, the logs and the Command box`, async ({ page }) => {
    const problems = watchErrors(page);
    await page.setViewportSize({ width: 720, height: 560 });
    await page.goto(`/?embed&tour=${tour}`);
    const panel = page.getByRole('region', { name: 'Tour' });
    await expect(panel).toContainText('Step 1 of');
    for (const open of [true, false]) {
      const servers = await page.locator('[data-node]').count();
      expect(servers).toBeGreaterThanOrEqual(5);
      const unscrolled = await page.evaluate(() =>
        document.scrollingElement.scrollHeight <= innerHeight && document.scrollingElement.scrollWidth <= innerWidth);
      expect(unscrolled, 'nothing to scroll').toBe(true);
      expect(await inView(page, page.locator('svg.cluster'))).toBe(true);
      const rows = page.locator('[data-log-node]');
      await expect(rows).toHaveCount(servers);
      for (const r of await rows.all()) expect(await inView(page, r.locator('th, td').first())).toBe(true);
      expect(await inView(page, page.getByLabel('Command'))).toBe(true);
      if (open) {
        expect(await inView(page, panel.getByRole('button', { name: 'Next' }))).toBe(true);
        await page.screenshot({ path: `web/test-results/embed-tour-${tour}.png` });
        await panel.getByRole('button', { name: 'Close the tour' }).click();
        await expect(panel).toHaveCount(0);
      }
    }
    expect(problems).toEqual([]);
  });
}
