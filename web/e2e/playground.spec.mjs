// The playground as a person uses it, in headless Chromium against the
// release build: a leader is elected, crashing it brings a new one in a
// higher term, a command commits on a majority, a restarted server catches
// up, and a malformed command is refused without touching the cluster.
//
// Each test starts from a fixed seed (?seed=…) so a failure can be replayed,
// and drives virtual time fast by moving the Speed slider to its maximum.
import { test, expect } from '@playwright/test';
import { watchErrors, open, leaderOf, attr, send, serverAction } from './helpers.mjs';

test('loads without errors and shows messages flying', async ({ page }) => {
  const problems = watchErrors(page);
  await open(page, 1);
  await leaderOf(page);
  // Heartbeats are in flight as elements with their message type.
  await expect(page.locator('[data-msg][data-kind=AppendEntries]').first()).toBeAttached();
  await expect(page.locator('#fatal-error')).toBeHidden();
  expect(problems).toEqual([]);
});

test('a leader is elected', async ({ page }) => {
  await open(page, 2);
  const { node } = await leaderOf(page);
  expect(await attr(node, 'data-term')).toBeGreaterThanOrEqual(1);
  await expect(node).toHaveAttribute('aria-label', /^S\d, leader, term \d+, commit index \d+, \d+ log entr/);
  await expect(page.locator('.clock')).toContainText('leader');
});

test('crashing the leader brings a new leader in a higher term', async ({ page }) => {
  const problems = watchErrors(page);
  await open(page, 3);
  const old = await leaderOf(page);
  const oldTerm = await attr(old.node, 'data-term');

  await serverAction(page, old.name, 'Crash');
  await expect(old.node).toHaveAttribute('data-role', 'crashed');

  const next = page.locator('[data-role=leader]');
  await expect
    .poll(async () => ((await next.count()) === 1 ? attr(next, 'data-term') : 0), { timeout: 10_000 })
    .toBeGreaterThan(oldTerm);
  expect(await next.getAttribute('data-node')).not.toBe(old.name);
  expect(problems).toEqual([]);
});

test('put x 3 commits on a majority and reaches their key-value state', async ({ page }) => {
  await open(page, 4);
  const { name } = await leaderOf(page);
  await send(page, 'put x 3', 'Put(x, 3) → ok');

  // The entry's index, from its box in the leader's log row.
  const box = page.locator(`[data-log-node=${name}] td.entry[title*="Put(x, 3)"]`);
  const index = Number((await box.getAttribute('title')).match(/^index (\d+)/)[1]);
  expect(index).toBeGreaterThanOrEqual(2); // after the leader's no-op

  const committedOn = async () => {
    let n = 0;
    for (const node of await page.locator('[data-node]').all()) {
      if ((await attr(node, 'data-commit')) >= index) n += 1;
    }
    return n;
  };
  await expect.poll(committedOn, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
  const withX = page.locator('[data-kv-node]', { hasText: 'x = 3' });
  await expect.poll(() => withX.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
});

test('a crashed server restarts and catches up with the leader', async ({ page }) => {
  await open(page, 5);
  const leader = await leaderOf(page);
  const victim = (await page.locator('[data-role=follower]').first().getAttribute('data-node'));
  const node = page.locator(`[data-node=${victim}]`);

  await serverAction(page, victim, 'Crash');
  await expect(node).toHaveAttribute('data-role', 'crashed');
  await expect(node).toHaveAttribute('data-commit', '0');
  // It misses this command while it is down.
  await send(page, 'put y 4', 'Put(y, 4) → ok');
  await expect(page.locator(`[data-kv-node=${victim}]`)).not.toContainText('y = 4');

  await serverAction(page, victim, 'Restart');
  await expect(node).not.toHaveAttribute('data-role', 'crashed');
  await expect
    .poll(async () => (await attr(node, 'data-commit')) === (await attr(leader.node, 'data-commit')) &&
                      (await attr(node, 'data-log-len')) === (await attr(leader.node, 'data-log-len')),
          { timeout: 10_000 })
    .toBe(true);
  expect(await attr(node, 'data-commit')).toBeGreaterThanOrEqual(2);
  await expect(page.locator(`[data-kv-node=${victim}]`)).toContainText('y = 4');
});

test('a malformed command shows an error and changes nothing', async ({ page }) => {
  await open(page, 6);
  await leaderOf(page);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  const logLengths = () => page.locator('[data-node]').evaluateAll(
    (nodes) => nodes.map((n) => `${n.dataset.node}:${n.dataset.logLen}:${n.dataset.commit}`));
  const before = await logLengths();

  const box = page.getByLabel('Command');
  await box.fill('put x');
  await box.press('Enter');
  await expect(page.getByRole('alert')).toContainText('put takes 2 arguments');
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  expect(await logLengths()).toEqual(before);
  await expect(page.locator('[data-msg][data-kind=ClientRequest]')).toHaveCount(0);
  await expect(page.locator('.ops li')).toHaveCount(0);

  // Typing again clears the error.
  await box.fill('put x 3');
  await expect(box).toHaveAttribute('aria-invalid', 'false');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('Space plays and pauses, Step advances to the next event', async ({ page }) => {
  await page.goto('/?seed=7&paused');
  const clock = page.locator('.clock .time');
  await expect(clock).toHaveText('t = 0 ms');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();

  await page.getByRole('button', { name: 'Step', exact: true }).click();
  const t = Number((await clock.textContent()).match(/t = (\d+) ms/)[1]);
  expect(t).toBeGreaterThanOrEqual(150); // the earliest election timeout
  expect(t).toBeLessThanOrEqual(300);
  await expect(page.locator('[data-role=candidate]')).toHaveCount(1);

  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
});

test('a server can be operated from the keyboard', async ({ page }) => {
  await page.goto('/?seed=8&paused');
  const s2 = page.locator('[data-node=S2]');
  await s2.focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('dialog', { name: 'S2 actions' });
  await expect(menu).toBeVisible();
  // The first usable button takes the focus; Crash moves it to Restart.
  await expect(menu.getByRole('button', { name: 'Crash', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(s2).toHaveAttribute('data-role', 'crashed');
  await expect(menu.getByRole('button', { name: 'Restart' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(s2).toBeFocused();
  await expect(s2).toHaveAttribute('aria-label', 'S2, crashed, term 0, commit index 0, 0 log entries');
});

test('a deliberate bug is caught: the run stops with a violation banner', async ({ page }) => {
  // The danger in the "closer look at Raft internals" walkthrough, made
  // real: with "vote without the log check" on, a server that missed a
  // committed entry can win an election, and Leader Completeness breaks.
  await page.goto('/?seed=60&servers=3');
  await page.getByText('Break Raft').click();
  await page.getByLabel('Vote without the log check').check();
  await expect(page.locator('.break-raft summary')).toHaveText('Raft broken (1)');
  await page.locator('.break-raft summary').click(); // close the list
  await page.getByRole('slider', { name: 'Speed' }).fill('300');
  const leader = await leaderOf(page);
  const behind = await page.locator('[data-role=follower]').first().getAttribute('data-node');

  await serverAction(page, behind, 'Crash');
  await send(page, 'put x 1', 'Put(x, 1) → ok');
  // While time stands still: bring the server back without the entry, take
  // the leader down, and make the server that is behind stand at once.
  await page.getByRole('button', { name: 'Pause' }).click();
  await serverAction(page, behind, 'Restart');
  await serverAction(page, leader.name, 'Crash');
  await serverAction(page, behind, 'Time out');
  // Deliver its RequestVote to the one server left by hand, so that no
  // timer of that server can fire first and make the story race; then let
  // time run for the reply.
  const voter = await page.locator('[data-node]:not([data-role=crashed])')
    .evaluateAll((nodes, b) => nodes.map((n) => n.getAttribute('data-node')).find((n) => n !== b), behind);
  await page.getByLabel('Choose the next event').check();
  await page.locator('[data-pending]', { hasText: `deliver RequestVote ${behind}→${voter}` }).click();
  await page.getByLabel('Choose the next event').uncheck();
  await page.getByRole('button', { name: 'Play' }).click();

  const banner = page.locator('.violation-banner');
  await expect(banner).toContainText('Leader Completeness', { timeout: 10_000 });
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible(); // paused
  await expect(page.locator(`[data-node=${behind}].violating`)).toHaveCount(1);
  // It stopped at the first broken property, not frames later.
  await expect(banner.locator('li')).toHaveCount(1);
});
