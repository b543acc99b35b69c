// The complete protocol through the page: membership changes (add, remove,
// joint consensus), leadership transfer, snapshots, the settings panel, and
// the replay links that a failing swarm seed prints. Each test starts from a
// fixed seed and asserts what the page shows afterwards.
import { test, expect } from '@playwright/test';
import { watchErrors, open, leaderOf, send, serverAction, attr } from './helpers.mjs';

/** Waits for exactly one leader and returns its name. */
async function leaderName(page) {
  return (await leaderOf(page)).name;
}

const configLine = (page) => page.locator('.config-line');

test('adding a server brings in a learner that catches up and becomes a voter', async ({ page }) => {
  const problems = watchErrors(page);
  await open(page, 21, 3);
  const leader = await leaderName(page);
  await send(page, 'put a 1', 'Put(a, 1) → ok');

  await page.getByRole('button', { name: 'Add server' }).click();
  await expect(page.locator('[data-node]')).toHaveCount(4);
  const s4 = page.locator('[data-node=S4]');
  // Promoted once caught up: the leader's configuration lists it as a voter.
  await expect(configLine(page)).toContainText('voters {S1 S2 S3 S4}', { timeout: 10_000 });
  await expect(s4).toHaveAttribute('data-role', /follower|leader|candidate/);
  await expect
    .poll(async () => Number(await s4.getAttribute('data-commit')), { timeout: 10_000 })
    .toBeGreaterThanOrEqual(Number(await page.locator(`[data-node=${leader}]`).getAttribute('data-commit')));
  await expect(page.locator('[data-kv-node=S4]')).toContainText('a = 1');
  expect(problems).toEqual([]);
});

test('removing a server takes it out of the configuration and the cluster goes on', async ({ page }) => {
  const problems = watchErrors(page);
  await open(page, 22);
  const leader = await leaderName(page);
  const victim = ['S1', 'S2', 'S3', 'S4', 'S5'].find((s) => s !== leader);
  // A new leader changes the configuration only after its no-op commits.
  await send(page, 'put a 1', 'Put(a, 1) → ok');

  await serverAction(page, victim, 'Remove');
  await expect(configLine(page)).not.toContainText(victim, { timeout: 10_000 });
  await expect(page.locator(`[data-node=${victim}]`)).toHaveClass(/removed/, { timeout: 10_000 });
  // Its Remove button is now disabled: it is not in the leader's configuration.
  await page.locator(`[data-node=${victim}] .body`).click();
  await expect(page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true })).toBeDisabled();
  await page.keyboard.press('Escape');
  // Four voters still commit.
  await send(page, 'put b 2', 'Put(b, 2) → ok');
  expect(problems).toEqual([]);
});

test('changing the voters goes through the joint configuration to the new one', async ({ page }) => {
  await open(page, 23, 3);
  const leader = await leaderName(page);
  const keep = ['S1', 'S2', 'S3'].filter((s) => s !== leader);
  await send(page, 'put a 1', 'Put(a, 1) → ok');
  const form = page.getByRole('group', { name: 'Change voters' });
  await page.getByRole('button', { name: 'Pause' }).click();
  await form.getByLabel(leader, { exact: true }).uncheck();
  await form.getByRole('button', { name: 'Change voters' }).click();
  // Appended at once, so the leader's view is joint before time moves on.
  await expect(configLine(page)).toHaveAttribute('data-config', 'joint');
  await expect(configLine(page)).toContainText(`C_new {${keep.join(' ')}}`);
  await page.getByRole('button', { name: 'Play' }).click();
  // C_new commits; the old leader, not in it, steps down and a kept voter leads.
  await expect(configLine(page)).toHaveAttribute('data-config', 'simple', { timeout: 10_000 });
  await expect(configLine(page)).toContainText(`voters {${keep.join(' ')}}`, { timeout: 10_000 });
  const next = await leaderName(page);
  expect(keep).toContain(next);
});

test('leadership moves to the chosen server', async ({ page }) => {
  const problems = watchErrors(page);
  await open(page, 24);
  const leader = await leaderName(page);
  const oldTerm = Number(await page.locator(`[data-node=${leader}]`).getAttribute('data-term'));
  const target = ['S1', 'S2', 'S3', 'S4', 'S5'].find((s) => s !== leader);

  await serverAction(page, target, 'Make leader');
  const t = page.locator(`[data-node=${target}]`);
  await expect(t).toHaveAttribute('data-role', 'leader', { timeout: 10_000 });
  expect(Number(await t.getAttribute('data-term'))).toBeGreaterThan(oldTerm);
  await expect(page.locator('[data-role=leader]')).toHaveCount(1);
  await expect(page.locator('.narration')).toContainText('TimeoutNow');
  expect(problems).toEqual([]);
});

test('a snapshot compacts a log, shown as one box up to its index', async ({ page }) => {
  await open(page, 25);
  const leader = await leaderName(page);
  for (const [k, v] of [['x', 1], ['y', 2], ['z', 3]]) {
    await send(page, `put ${k} ${v}`, `Put(${k}, ${v}) → ok`);
  }
  const row = page.locator(`[data-log-node=${leader}]`);
  await expect(row.locator('td.snapshot')).toHaveCount(0);
  await serverAction(page, leader, 'Snapshot');
  const snap = row.locator('td.snapshot');
  await expect(snap).toHaveCount(1);
  await expect(snap).toHaveAttribute('title', /entries 1 to \d+ are compacted into a snapshot/);
  const through = Number((await snap.getAttribute('title')).match(/to (\d+)/)[1]);
  expect(through).toBeGreaterThanOrEqual(4); // the no-op and three puts
  // The state machine is intact.
  await expect(page.locator(`[data-kv-node=${leader}]`)).toContainText('z = 3');
});

test('the settings choose the read mode and automatic snapshots', async ({ page }) => {
  await open(page, 26);
  await leaderName(page);
  await page.getByText('Settings', { exact: true }).click();
  await page.getByLabel('Reads', { exact: true }).selectOption({ label: 'ReadIndex' });
  await page.getByLabel('Snapshots', { exact: true }).selectOption({ label: 'after 8 entries' });
  await page.getByText('Settings', { exact: true }).click();
  await send(page, 'put k 5', 'Put(k, 5) → ok');
  await send(page, 'get k', 'Get(k) → 5');
  // A ReadIndex read leaves no entry in the log.
  await expect(page.locator('td.entry[title*="Get(k)"]')).toHaveCount(0);
  for (let i = 0; i < 8; i++) await send(page, `put n ${i}`, `Put(n, ${i}) → ok`);
  // Every server compacts on its own once its log passes the threshold.
  await expect
    .poll(() => page.locator('td.snapshot').count(), { timeout: 10_000 })
    .toBeGreaterThanOrEqual(3);
});

/** The line that says a linked seed's replay is being prepared. */
const preparing = (page) => page.getByRole('status').filter({ hasText: 'Preparing the replay' });

test('a failing seed\'s link replays it and stops at the violation', async ({ page }) => {
  const problems = watchErrors(page);
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  // The link a failing swarm seed prints (sim::swarm::page_link), at speed.
  // The page's worker runs the seed to its end; then the page replays it.
  await page.goto('/?speed=1#seed=4&bug=vote_without_log_check');
  const replay = page.locator('.replay-banner');
  await expect(replay).toContainText('Replaying swarm seed 4', { timeout: 20_000 });
  await expect(preparing(page)).toHaveCount(0);
  expect(fetched, 'the seed was run in the worker').toContain('/playground-worker_bg.wasm');
  await expect(replay).toContainText('Vote without the log check');
  // The Start menu names what is shown: a replay, not one of its choices.
  const start = page.getByLabel('Start', { exact: true });
  await expect(start.locator('option:checked')).toHaveText('a replayed swarm seed');
  const banner = page.locator('.violation-banner');
  await expect(banner).toContainText('Leader Completeness', { timeout: 20_000 });
  await expect(banner).toContainText('It promises');
  await expect(banner).toContainText('Switched on: Vote without the log check');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible(); // paused
  // The servers and the log index involved are marked.
  await expect(page.locator('.server.violating').first()).toBeVisible();
  await expect(page.locator('td.flagged').first()).toBeAttached();
  // The seed's run is a timeline: scrub back before the violation, step
  // back, and forward to it again.
  const time = page.getByRole('slider', { name: 'Time', exact: true });
  const end = Number(await time.getAttribute('max'));
  expect(await attr(page.locator('[data-playground]'), 'data-now')).toBe(end);
  const terms = () => page.locator('[data-node]').evaluateAll((n) => n.map((e) => e.dataset.term));
  const atEnd = await terms();
  await time.fill(String(Math.floor(end / 2)));
  await expect(page.locator('[data-playground]')).toHaveAttribute('data-now', String(Math.floor(end / 2)));
  await expect(banner).toHaveCount(0);
  await expect(replay).toContainText('faults striking');
  const before = await attr(page.locator('[data-playground]'), 'data-now');
  await page.getByRole('button', { name: 'Step back' }).click();
  expect(await attr(page.locator('[data-playground]'), 'data-now')).toBeLessThanOrEqual(before);
  await time.fill(String(end));
  await expect(banner).toContainText('Leader Completeness');
  expect(await terms()).toEqual(atEnd);
  // Acting in the seed's past forks a run of one's own; the seed's stays.
  await time.fill(String(Math.floor(end / 2)));
  await page.getByLabel('Command').fill('put x 1');
  await page.getByLabel('Command').press('Enter');
  await expect(page.getByRole('button', { name: /other future/ })).toBeVisible();
  // Reset leaves the replay.
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(replay).toHaveCount(0);
  await expect(start.locator('option:checked')).toHaveText('a fresh cluster');
  expect(problems).toEqual([]);
});

test('a replay whose worker cannot be loaded says so and the page stays on a fresh cluster', async ({ page }) => {
  const problems = watchErrors(page);
  await page.route('**/playground-worker*', (route) => route.abort());
  await page.goto('/?seed=27#seed=4&bug=vote_without_log_check');
  const error = page.locator('.action-error');
  await expect(error).toContainText('The replay of swarm seed 4 stopped: its worker failed');
  await expect(error).toHaveAttribute('role', 'alert');
  await expect(preparing(page)).toHaveCount(0);
  await expect(page.locator('.replay-banner')).toHaveCount(0);
  await expect(page.locator('[data-node]')).toHaveCount(5);
  await page.getByRole('slider', { name: 'Speed' }).fill('300');
  await leaderName(page);
  await expect(page.locator('[data-playground]')).toHaveAttribute('data-violation', '');
  // The refused fetch itself is the only error the browser reports.
  expect(problems.filter((p) => !/Failed to load resource|playground-worker/.test(p))).toEqual([]);
});

test('while a replay is being prepared the page says so, and Reset leaves it', async ({ page }) => {
  const problems = watchErrors(page);
  // Hold the worker's wasm: the replay stays in preparation.
  await page.route('**/playground-worker_bg.wasm', () => {});
  await page.goto('/?seed=27#seed=4&bug=vote_without_log_check');
  await expect(preparing(page)).toContainText('Preparing the replay of swarm seed 4');
  await expect(page.locator('[data-node]')).toHaveCount(5);
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(preparing(page)).toHaveCount(0);
  await expect(page.locator('.replay-banner')).toHaveCount(0);
  await expect(page.locator('.action-error')).toHaveCount(0);
  // The Start menu still starts what it names.
  await page.getByLabel('Start', { exact: true }).selectOption({ label: 'a divergent follower' });
  await expect(page.locator('.situation-note')).toBeVisible();
  await page.getByRole('slider', { name: 'Speed' }).fill('300');
  await leaderName(page);
  expect(problems).toEqual([]);
});

test('a broken replay link says what is wrong and the page still runs', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/?seed=27#seed=3&bug=no_such_switch');
  await expect(page.locator('.action-error')).toContainText("no bug switch called 'no_such_switch'");
  await expect(page.locator('.action-error')).toHaveAttribute('role', 'alert');
  await expect(page.locator('.replay-banner')).toHaveCount(0);
  await expect(page.locator('[data-node]')).toHaveCount(5);
  await page.getByRole('slider', { name: 'Speed' }).fill('300');
  await leaderName(page);
  expect(problems).toEqual([]);
});

test('a divergent follower is repaired by backtracking, shown from a ready-made start', async ({ page }) => {
  const problems = watchErrors(page);
  await open(page, 28);
  await page.getByLabel('Start', { exact: true }).selectOption({ label: 'a divergent follower' });
  await expect(page.locator('.situation-note')).toContainText('appended 8 entries');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible(); // paused at the moment
  // The old leader's row: at least 8 entries nobody else has, not committed.
  const rows = page.locator('[data-log-node]');
  const uncommitted = async () =>
    rows.evaluateAll((rs) => rs.map((r) => [r.dataset.logNode, r.querySelectorAll('td.entry.uncommitted').length]));
  const [old] = (await uncommitted()).find(([, n]) => n >= 8);
  await page.getByRole('button', { name: 'Play' }).click();
  await expect
    .poll(async () => (await uncommitted()).find(([name]) => name === old)[1], { timeout: 10_000 })
    .toBe(0);
  await expect(page.locator('.events')).toContainText(`${old} rejected AppendEntries`);
  // A ready-made start is a timeline too: back to where it was set up.
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('slider', { name: 'Time', exact: true }).fill('0');
  await expect.poll(async () => (await uncommitted()).find(([name]) => name === old)[1]).toBeGreaterThanOrEqual(8);
  expect(problems).toEqual([]);
});
