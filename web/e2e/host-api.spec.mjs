// The postMessage API (README, "Embedding it in a blog post"): the example
// post drives the embedded playground with buttons and its text follows the
// playground's events; a bad message is answered with an error event and
// changes nothing.
import { test, expect } from '@playwright/test';
import { watchErrors } from './helpers.mjs';

test('the example post crashes the leader and partitions S1 and S2 through the API', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/embed-example.html');
  const live = page.locator('#live');
  const leading = page.locator('#leader');
  await expect(leading).toContainText(/S\d is the leader of term \d+/, { timeout: 15_000 });
  const first = (await leading.textContent()).match(/(S\d) is the leader of term (\d+)/);
  const frame = page.frameLocator('#playground');
  await expect(frame.locator('[data-playground]')).toHaveAttribute('data-leader', first[1]);

  await page.getByRole('button', { name: 'Crash the leader' }).click();
  await expect(frame.locator(`[data-node=${first[1]}]`)).toHaveAttribute('data-role', 'crashed');
  await expect(live).toContainText(`${first[1]} crashed`);
  await expect(leading).toContainText(/S\d is the leader of term \d+/, { timeout: 15_000 });
  const second = (await leading.textContent()).match(/(S\d) is the leader of term (\d+)/);
  expect(second[1]).not.toBe(first[1]);
  expect(Number(second[2])).toBeGreaterThan(Number(first[2]));

  // Back up (so that three servers can form a majority on either side), then cut.
  await page.evaluate((n) => document.getElementById('playground').contentWindow
    .postMessage({ type: 'raft-playground', action: 'restart', server: n }, '*'), Number(first[1].slice(1)));
  await expect(frame.locator(`[data-node=${first[1]}]`)).not.toHaveAttribute('data-role', 'crashed');
  await page.getByRole('button', { name: 'Partition S1 and S2' }).click();
  await expect(frame.locator('.cut-link')).toHaveCount(6);
  await page.getByRole('button', { name: 'Write x = 1' }).click();
  await expect(live).toContainText(/Entry \d+ is committed/, { timeout: 15_000 });
  // An action without fields (heal) is read with fields it does not name, too.
  await page.evaluate(() => document.getElementById('playground').contentWindow
    .postMessage({ type: 'raft-playground', action: 'heal', note: 'ignored' }, '*'));
  await expect(frame.locator('.cut-link')).toHaveCount(0);

  // A bad message changes nothing and is answered with an error event.
  const answer = await page.evaluate(() => new Promise((resolve) => {
    const frame = document.getElementById('playground');
    window.addEventListener('message', (e) => {
      if (e.source === frame.contentWindow && e.data.event === 'error') resolve(e.data.message);
    });
    frame.contentWindow.postMessage({ type: 'raft-playground', action: 'crash', server: 12 }, '*');
  }));
  expect(answer).toContain('no server S12');
  const unknown = await page.evaluate(() => new Promise((resolve) => {
    const frame = document.getElementById('playground');
    window.addEventListener('message', (e) => {
      if (e.source === frame.contentWindow && e.data.event === 'error') resolve(e.data.message);
    });
    frame.contentWindow.postMessage({ type: 'raft-playground', action: 'explode' }, '*');
  }));
  expect(unknown).toContain('explode');
  const nameless = await page.evaluate(() => new Promise((resolve) => {
    const frame = document.getElementById('playground');
    window.addEventListener('message', (e) => {
      if (e.source === frame.contentWindow && e.data.event === 'error') resolve(e.data.message);
    });
    frame.contentWindow.postMessage({ type: 'raft-playground', server: 1 }, '*');
  }));
  expect(nameless).toContain('"action"');
  expect(problems).toEqual([]);
});

/** Serves a host page at `path` on the test origin that embeds `src` in an iframe. */
async function hostPage(page, path, src, after = '') {
  await page.route(`**${path}`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><title>host</title><iframe id="playground" title="Raft Playground"
      src="${src}" width="720" height="560"></iframe>${after}`,
  }));
  await page.goto(path);
}

/** Posts an action to the embedded playground and collects its events for `ms`. */
function actAndListen(page, action, ms) {
  return page.evaluate(([action, ms]) => new Promise((resolve) => {
    const frame = document.getElementById('playground');
    const events = [];
    window.addEventListener('message', (e) => {
      if (e.source === frame.contentWindow) events.push(e.data.event);
    });
    frame.contentWindow.postMessage({ type: 'raft-playground', ...action }, '*');
    setTimeout(() => resolve(events), ms);
  }), [action, ms]);
}

test('?host= names the one origin the API answers: another parent is ignored and told nothing', async ({ page, baseURL }) => {
  const origin = new URL(baseURL).origin;
  const other = origin.replace('127.0.0.1', 'localhost');
  await hostPage(page, '/host-other.html', `/?embed&seed=3&host=${other}`);
  const frame = page.frameLocator('#playground');
  await expect(frame.locator('[data-role=leader]')).toHaveCount(1, { timeout: 15_000 });
  await expect(frame.getByRole('alert')).toHaveCount(0);
  const leader = await frame.locator('[data-playground]').getAttribute('data-leader');
  const events = await actAndListen(page, { action: 'crash', server: Number(leader.slice(1)) }, 1_500);
  expect(events).toEqual([]);
  await expect(frame.locator(`[data-node=${leader}]`)).not.toHaveAttribute('data-role', 'crashed');

  // The same page, with its own origin named: it is answered.
  await hostPage(page, '/host-own.html', `/?embed&seed=3&host=${origin}`);
  await expect(frame.locator('[data-role=leader]')).toHaveCount(1, { timeout: 15_000 });
  const own = await frame.locator('[data-playground]').getAttribute('data-leader');
  const told = await actAndListen(page, { action: 'crash', server: Number(own.slice(1)) }, 1_500);
  await expect(frame.locator(`[data-node=${own}]`)).toHaveAttribute('data-role', 'crashed');
  expect(told).toContain('serverCrashed');
});

test('an unusable ?host= is named in an alert and the page starts as without it', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/?seed=3&host=blog.example');
  await expect(page.getByRole('alert')).toContainText("host must be an origin such as https://blog.example");
  await expect(page.getByRole('alert')).toContainText("got 'blog.example'");
  await expect(page.locator('[data-node]')).toHaveCount(5);
  expect(problems).toEqual([]);
});

test('an embed scrolled out of view draws no frames and resumes where it was', async ({ page }) => {
  await page.addInitScript(() => {
    window.__frames = 0;
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (f) => raf((t) => { window.__frames += 1; f(t); });
  });
  await hostPage(page, '/host-long.html', '/?embed&seed=8&speed=1', '<div style="height: 3000px"></div>');
  const frame = page.frame({ url: /embed/ });
  const now = () => frame.locator('[data-playground]').getAttribute('data-now').then(Number);
  await expect.poll(now).toBeGreaterThan(200);
  await page.evaluate(() => window.scrollTo(0, 2_500));
  await page.waitForTimeout(300); // the observer reports after a frame
  const frames = await frame.evaluate(() => window.__frames);
  const frozen = await now();
  await page.waitForTimeout(3_000);
  expect(await frame.evaluate(() => window.__frames)).toBe(frames);
  expect(await now()).toBe(frozen);
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect.poll(now).toBeGreaterThan(frozen);
  // Resumed where it was: no 3-second jump of virtual time (speed 1).
  expect(await now()).toBeLessThan(frozen + 1_500);
});
