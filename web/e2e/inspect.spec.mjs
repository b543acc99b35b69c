// Inspecting servers and editing the network, through the DOM contract of
// DESIGN.md ("Servers", "Network"): the Inspect dialog's data-field values
// match the server's data attributes, the key-value state stays one line
// per server, presets cut the expected links and a new leader emerges in
// the majority, and bad network values are refused with an alert.
import { test, expect } from '@playwright/test';
import { open, leaderOf, watchErrors, send, serverAction } from './helpers.mjs';

/** Opens a server's menu and its Inspect dialog; returns the dialog. */
async function inspect(page, name) {
  await page.locator(`[data-node=${name}] .body`).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Inspect', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: new RegExp(`^${name} state`) });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Opens the Network panel. */
async function network(page) {
  await page.locator('summary', { hasText: 'Network' }).click();
  await expect(page.getByRole('group', { name: 'Partition' })).toBeVisible();
}

test('Inspect shows a follower\'s and the leader\'s Figure 2 state, matching the drawing', async ({ page }) => {
  const problems = watchErrors(page);
  await open(page, 11);
  const { name } = await leaderOf(page);
  await send(page, 'put x 3', 'Put(x, 3) → ok');
  await page.getByRole('button', { name: 'Pause' }).click();
  const follower = await page.locator('[data-role=follower]').first().getAttribute('data-node');
  for (const who of [follower, name]) {
    const node = page.locator(`[data-node=${who}]`);
    const dialog = await inspect(page, who);
    const field = (f) => dialog.locator(`[data-field=${f}]`);
    await expect(field('currentTerm')).toHaveText(await node.getAttribute('data-term'));
    await expect(field('commitIndex')).toHaveText(await node.getAttribute('data-commit'));
    await expect(field('lastApplied')).toHaveText(/^\d+$/);
    await expect(field('votedFor')).toHaveText(/^(S\d|none)$/);
    await expect(field('role')).toHaveText(await node.getAttribute('data-role'));
    const entries = field('log').locator('li');
    await expect(entries).toHaveCount(Number(await node.getAttribute('data-log-len')));
    await expect(entries.first()).toHaveAttribute('data-index', '1');
    await expect(entries.first()).toHaveAttribute('data-term', /^\d+$/);
    await expect(field('kv')).toContainText('x = 3');
    if (who === name) {
      await expect(field('electionDeadline')).toContainText('no election timer');
      await expect(field('nextIndex')).toHaveCount(4);
      await expect(field('matchIndex')).toHaveCount(4);
      await expect(field('progressState').first()).toHaveText(/^(probe|replicate)$/);
    } else {
      await expect(field('electionDeadline')).toHaveText(/^\d+ ms \(in \d+ ms; timeout \d+ ms\)$/);
      await expect(field('nextIndex')).toHaveCount(0);
    }
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(node).toBeFocused();
  }
  // Live while scrubbing: at time 0 every term is 0 and the log empty.
  const dialog = await inspect(page, name);
  await page.getByRole('slider', { name: 'Time' }).fill('0');
  await expect(dialog.locator('[data-field=currentTerm]')).toHaveText('0');
  await expect(dialog.locator('[data-field=log] li')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a removed server is data-role="removed"', async ({ page }) => {
  await open(page, 6);
  const { name } = await leaderOf(page);
  const victim = await page.locator('[data-role=follower]').first().getAttribute('data-node');
  expect(victim).not.toEqual(name);
  await serverAction(page, victim, 'Remove');
  await expect(page.locator(`[data-node=${victim}]`)).toHaveAttribute('data-role', 'removed', { timeout: 10_000 });
  const dialog = await inspect(page, victim);
  await expect(dialog.locator('[data-field=standing]')).toContainText('removed');
});

test('9 servers with 8 keys keep one log line each; the inspector has the full map', async ({ page }) => {
  const problems = watchErrors(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, 3, 9);
  const { name } = await leaderOf(page);
  for (let i = 0; i < 8; i++) {
    await send(page, `put key${i} ${i}`, `Put(key${i}, ${i}) → ok`);
  }
  const kv = page.locator(`[data-kv-node=${name}]`);
  await expect(kv).toContainText('+5 more');
  const rowHeights = await page.locator('[data-log-node]').evaluateAll((rows) =>
    rows.map((r) => r.getBoundingClientRect().height));
  expect(rowHeights).toHaveLength(9);
  for (const h of rowHeights) expect(h).toBeLessThan(48);
  const table = await page.locator('section.logs').boundingBox();
  expect(table.y + table.height).toBeLessThanOrEqual(800);
  const dialog = await inspect(page, name);
  for (let i = 0; i < 8; i++) await expect(dialog.locator('[data-field=kv]')).toContainText(`key${i} = ${i}`);
  expect(problems).toEqual([]);
});

test('the log table opens at entry 1 on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, 3);
  const scroll = page.locator('.log-scroll');
  await expect(page.locator('.log-table thead th.idx').first()).toHaveText('1');
  expect(await scroll.evaluate((el) => el.scrollLeft)).toBe(0);
});

test('on a phone the log table follows new entries only while the reader is at its right end', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, 3);
  await leaderOf(page);
  const scroll = page.locator('.log-scroll');
  const atRightEnd = () => scroll.evaluate((el) => el.scrollLeft + el.clientWidth >= el.scrollWidth - 4);
  const put = (i) => send(page, `put k${i} ${i}`, `Put(k${i}, ${i}) → ok`);
  for (let i = 0; i < 8; i += 1) await put(i); // past the table's 8 empty columns
  await scroll.evaluate((el) => { el.scrollLeft = el.scrollWidth; });
  const widthBefore = await scroll.evaluate((el) => el.scrollWidth);
  for (let i = 8; i < 12; i += 1) await put(i);
  await expect.poll(() => scroll.evaluate((el) => el.scrollWidth)).toBeGreaterThan(widthBefore);
  await expect.poll(atRightEnd).toBe(true);
  // Scrolled back to entry 1, it stays there as the logs grow.
  await scroll.evaluate((el) => { el.scrollLeft = 0; });
  const widthThen = await scroll.evaluate((el) => el.scrollWidth);
  for (let i = 12; i < 16; i += 1) await put(i);
  await expect.poll(() => scroll.evaluate((el) => el.scrollWidth)).toBeGreaterThan(widthThen);
  expect(await scroll.evaluate((el) => el.scrollLeft)).toBe(0);
});

test('partition presets cut the expected links, a new leader emerges in the majority, heal all', async ({ page }) => {
  const problems = watchErrors(page);
  await open(page, 8);
  const old = await leaderOf(page);
  await network(page);
  await page.getByRole('button', { name: 'Isolate the leader' }).click();
  // The leader's four links, both ways, each drawn once.
  await expect(page.locator('[data-cut]')).toHaveCount(4);
  const groupOf = async (n) => page.getByLabel(`${n} group`).inputValue();
  const names = ['S1', 'S2', 'S3', 'S4', 'S5'];
  const alone = await groupOf(old.name);
  for (const n of names.filter((n) => n !== old.name)) expect(await groupOf(n)).not.toEqual(alone);
  await page.getByRole('button', { name: 'Heal all' }).click();
  await expect(page.locator('[data-cut]')).toHaveCount(0);

  // Isolating the leader made the others elect a new one; once healed,
  // one leader is left to split around.
  const cur = await leaderOf(page);
  const curTerm = Number(await cur.node.getAttribute('data-term'));
  await page.getByRole('button', { name: 'Leader with a minority' }).click();
  // 2 | 3: every pair across the split, 2 × 3 = 6 links.
  await expect(page.locator('[data-cut]')).toHaveCount(6);
  const minoritySide = await groupOf(cur.name);
  const majority = [];
  for (const n of names) {
    if ((await groupOf(n)) !== minoritySide) majority.push(n);
  }
  expect(majority).toHaveLength(3);
  await expect
    .poll(async () => {
      for (const n of majority) {
        const node = page.locator(`[data-node=${n}]`);
        if ((await node.getAttribute('data-role')) === 'leader'
            && Number(await node.getAttribute('data-term')) > curTerm) return n;
      }
      return null;
    }, { timeout: 10_000 })
    .not.toBeNull();
  await page.getByRole('button', { name: 'Heal all' }).click();
  await expect(page.locator('[data-cut]')).toHaveCount(0);

  // A one-way cut is drawn with an arrow.
  await page.getByLabel('One-way cut from').selectOption('S2');
  await page.getByLabel('One-way cut to').selectOption('S3');
  await page.getByRole('button', { name: 'Cut one way', exact: true }).click();
  const cut = page.locator('[data-cut="S2-S3"][data-one-way]');
  await expect(cut).toHaveCount(1);
  await expect(cut.locator('.cut-arrow')).toHaveCount(1);
  expect(problems).toEqual([]);
});

test('message loss, duplication and latency: bad values show an alert and change nothing', async ({ page }) => {
  const problems = watchErrors(page);
  await open(page, 5);
  await network(page);
  const loss = page.getByLabel('Message loss', { exact: true });
  await loss.fill('140');
  await loss.press('Enter');
  await expect(page.getByRole('alert')).toContainText('message loss must be between 0% and 100%');
  await expect(loss).toHaveAttribute('aria-invalid', 'true');

  const min = page.getByLabel('Latency minimum');
  const max = page.getByLabel('Latency maximum');
  await min.fill('50');
  await min.press('Enter');
  await expect(page.getByRole('alert')).toContainText('below its minimum');
  await expect(min).toHaveAttribute('aria-invalid', 'true');
  await expect(loss).toHaveAttribute('aria-invalid', 'false');

  // Good values are taken: the alert goes and the inputs keep them.
  await max.fill('60');
  await max.press('Enter');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(min).toHaveAttribute('aria-invalid', 'false');
  await loss.fill('10');
  await loss.press('Enter');
  const dup = page.getByLabel('Duplication', { exact: true });
  await dup.fill('5');
  await dup.press('Enter');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(loss).toHaveValue('10');
  await expect(dup).toHaveValue('5');
  expect(problems).toEqual([]);
});

test('a redraw of the network editor leaves a half-typed fault value alone', async ({ page }) => {
  const problems = watchErrors(page);
  await open(page, 5);
  await network(page);
  const dup = page.getByLabel('Duplication', { exact: true });
  await expect(dup).toHaveValue('0');
  // The reader is mid-edit: the field holds 7, not yet committed (no change event).
  await dup.evaluate((el) => { el.value = '7'; });
  // Something else the editor shows changes: a partition is applied and drawn.
  await page.getByLabel('S1 group').selectOption('1');
  await page.getByRole('button', { name: 'Apply partition' }).click();
  await expect(page.locator('[data-cut]')).toHaveCount(4);
  await expect(dup).toHaveValue('7');
  expect(problems).toEqual([]);
});
