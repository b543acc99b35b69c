// Sharing (DESIGN.md DOM contract, "Sharing"): the Share dialog's link
// opens this exact run at this exact moment, paused, in a new page; Export
// downloads the run file and Import opens it (read in the page's worker);
// a bad file is named in an alert and changes nothing.
import { test, expect } from '@playwright/test';
import { watchErrors, serverAction, leaderOf } from './helpers.mjs';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';

/** Everything compared between two pages showing the same moment. */
async function state(page) {
  return page.evaluate(() => {
    const root = document.querySelector('[data-playground]');
    const nodes = [...document.querySelectorAll('[data-node]')].map((n) =>
      [n.dataset.node, n.dataset.role, n.dataset.term, n.dataset.logLen, n.dataset.commit].join(' '));
    const logs = [...document.querySelectorAll('[data-log-node]')].map((r) => r.textContent);
    return { now: root.dataset.now, leader: root.dataset.leader, nodes, logs };
  });
}

/** A run with actions: a crash, a put, played on, then paused and looked back at. */
async function runWithActions(page) {
  await page.goto('/?seed=61&speed=1');
  await expect(page.locator('[data-node]')).toHaveCount(5);
  const { name } = await leaderOf(page);
  await page.getByLabel('Command').fill('put x 1');
  await page.getByLabel('Command').press('Enter');
  await expect(page.locator('.ops li').first()).toContainText('→ ok', { timeout: 10_000 });
  await serverAction(page, name, 'Crash');
  await expect(page.locator('[data-role=leader]')).toHaveCount(1, { timeout: 10_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  const time = page.getByRole('slider', { name: 'Time', exact: true });
  const end = Number(await time.getAttribute('max'));
  await time.fill(String(Math.floor(end * 0.8)));
}

test('a shared link opens the same run at the same moment, paused', async ({ page, context }) => {
  const problems = watchErrors(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await runWithActions(page);
  const before = await state(page);
  await page.getByRole('button', { name: 'Share' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share this run' });
  await expect(dialog).toBeVisible();
  const link = await dialog.locator('.share-link').inputValue();
  expect(link).toMatch(/#run=2\.[A-Za-z0-9_-]+$/);
  await dialog.getByRole('button', { name: 'Copy link' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await dialog.getByRole('button', { name: 'Copy embed code' }).click();
  const embed = await page.evaluate(() => navigator.clipboard.readText());
  expect(embed).toMatch(/^<iframe src="[^"]+\?embed#run=2\.[^"]+" title="Raft Playground: 5 servers, seed 61" width="720" height="560" loading="lazy"/);

  const other = await context.newPage();
  await other.goto(link);
  await expect(other.locator('[data-node]')).toHaveCount(5);
  await expect(other.locator('[data-playground]')).toHaveAttribute('data-now', before.now);
  expect(await state(other)).toEqual(before);
  await expect(other.getByRole('button', { name: 'Play' })).toBeVisible(); // paused there
  expect(problems).toEqual([]);
});

test('Export then Import gives the run back; bad files are named and change nothing', async ({ page }) => {
  const problems = watchErrors(page);
  await runWithActions(page);
  const before = await state(page);
  await page.getByRole('button', { name: 'Share' }).click();
  const dialog = page.getByRole('dialog');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Export' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^raft-run-seed61-\d+ms\.json$/);
  const good = fs.readFileSync(await download.path(), 'utf8');
  const run = JSON.parse(good);
  expect(run.format).toBe('raft-playground-run');
  expect(run.version).toBe(2);

  // A different run on the page, then the file brings the shared one back.
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByRole('button', { name: 'Share' }).click();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-'));
  const file = (name, text) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const importer = page.getByLabel('Import');
  await importer.setInputFiles(file('good.json', good));
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.locator('[data-playground]')).toHaveAttribute('data-now', before.now);
  expect(await state(page)).toEqual(before);

  const crashS12 = JSON.parse(good);
  crashS12.actions[0].action = { Crash: 12 };
  const bad = [
    ['truncated.json', good.slice(0, good.length / 2), 'not valid JSON'],
    ['version.json', JSON.stringify({ ...run, version: 9 }), 'this file is version 9'],
    ['unknown.json', JSON.stringify({ ...run, colour: 'red' }), 'unknown field `colour`'],
    ['s12.json', JSON.stringify(crashS12), 'crash S12'],
  ];
  await page.getByRole('button', { name: 'Share' }).click();
  for (const [name, text, says] of bad) {
    await page.getByLabel('Import').setInputFiles(file(name, text));
    const alert = page.getByRole('dialog').getByRole('alert');
    await expect(alert).toContainText(says);
    await expect(alert).toContainText('cannot be opened');
    expect(await state(page)).toEqual(before);
  }
  expect(problems).toEqual([]);
});

test('a file whose reader cannot be loaded is named in an alert and changes nothing', async ({ page }) => {
  const problems = watchErrors(page);
  // Run files are read in the page's worker: refuse its files.
  await page.route('**/playground-worker*', (route) => route.abort());
  await page.goto('/?seed=61&paused');
  await expect(page.locator('[data-node]')).toHaveCount(5);
  const before = await state(page);
  await page.getByRole('button', { name: 'Share' }).click();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-'));
  const p = path.join(dir, 'run.json');
  fs.writeFileSync(p, '{"format": "raft-playground-run", "version": 2}');
  await page.getByLabel('Import').setInputFiles(p);
  const alert = page.getByRole('dialog').getByRole('alert');
  await expect(alert).toContainText('This file cannot be opened: The file reader stopped: its worker failed');
  expect(await state(page)).toEqual(before);
  // The refused fetch itself is the only error the browser reports.
  expect(problems.filter((p) => !/Failed to load resource|playground-worker/.test(p))).toEqual([]);
});

test('a broken #run link is named in an alert and the page still starts', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/?seed=3#run=2.AQID');
  await expect(page.locator('.action-error')).toContainText('cut short');
  await expect(page.locator('.action-error')).toHaveAttribute('role', 'alert');
  await expect(page.locator('[data-node]')).toHaveCount(5);
  await page.goto('/#run=7.AAAA');
  await expect(page.locator('.action-error')).toContainText('this link is version 7');
  expect(problems).toEqual([]);
});
