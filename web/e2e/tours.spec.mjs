// Guided tours (DESIGN.md DOM contract, "Tours"): the Tours menu lists the
// tours; a running tour is a region labelled "Tour" with its progress,
// narration and question, and Next, Back (a seek: the same state again)
// and Take over (free play from that moment); `?tour=ID&step=N` opens a tour
// at a step, a bad one is named in an alert; → and ← step through it.
import { test, expect } from '@playwright/test';
import { watchErrors } from './helpers.mjs';

/** What the page shows of the cluster, to compare two visits of a step. */
async function state(page) {
  return page.evaluate(() => {
    const root = document.querySelector('[data-playground]');
    const nodes = [...document.querySelectorAll('[data-node]')].map((n) =>
      [n.dataset.node, n.dataset.role, n.dataset.term, n.dataset.logLen, n.dataset.commit].join(' '));
    return { now: root.dataset.now, leader: root.dataset.leader, nodes };
  });
}

const node = (page, id) => page.locator(`[data-node=${id}]`);
const region = (page) => page.getByRole('region', { name: 'Tour' });

test('the closer-look tour: Next plays, Back seeks to the same state, the question explains', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/?tour=closer-look');
  const tour = region(page);
  await expect(tour).toContainText('Step 1 of 13');
  await expect(page.locator('[data-playground]')).toHaveAttribute('data-leader', 'S1');
  await expect(node(page, 'S1')).toHaveAttribute('data-term', '1');
  await expect(node(page, 'S1')).toHaveAttribute('data-highlight', 'true');
  await tour.getByRole('button', { name: 'Next' }).click();
  await expect(tour).toContainText('Step 2 of 13');
  await expect(node(page, 'S1')).toHaveAttribute('data-log-len', '2');
  const second = await state(page);
  await tour.getByRole('button', { name: 'Next' }).click();
  await expect(tour).toContainText('Step 3 of 13');
  await expect(node(page, 'S1')).toHaveAttribute('data-commit', '2');
  await expect(node(page, 'S3')).toHaveAttribute('data-log-len', '1');
  // The question: choices are buttons, the explanation follows a pick.
  await tour.getByRole('button', { name: /majority of three/ }).click();
  await expect(tour.getByRole('status')).toContainText('Right.');
  await tour.getByRole('button', { name: 'Back' }).click();
  await expect(tour).toContainText('Step 2 of 13');
  expect(await state(page)).toEqual(second);
  expect(problems).toEqual([]);
});

test('the follower-cases tour: from the disks to repaired logs, then Take over plays on', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/?tour=follower-cases');
  const tour = region(page);
  await expect(tour).toContainText('Step 1 of 7');
  await expect(node(page, 'S2')).toHaveAttribute('data-log-len', '3');
  await expect(node(page, 'S3')).toHaveAttribute('data-log-len', '7');
  await tour.getByRole('button', { name: 'Next' }).click();
  await expect(page.locator('[data-playground]')).toHaveAttribute('data-leader', 'S1');
  await expect(node(page, 'S1')).toHaveAttribute('data-term', '4');
  for (let k = 3; k <= 7; k++) {
    await tour.getByRole('button', { name: 'Next' }).click();
    await expect(tour).toContainText(`Step ${k} of 7`);
  }
  for (const id of ['S1', 'S2', 'S3', 'S4', 'S5']) {
    await expect(node(page, id)).toHaveAttribute('data-log-len', '6');
    await expect(node(page, id)).toHaveAttribute('data-commit', '6');
  }
  await expect(tour.getByRole('button', { name: 'Next' })).toBeDisabled();
  const now = Number(await page.locator('[data-playground]').getAttribute('data-now'));
  await tour.getByRole('button', { name: 'Take over' }).click();
  await expect(region(page)).toHaveCount(0);
  await expect.poll(async () => Number(await page.locator('[data-playground]').getAttribute('data-now')))
    .toBeGreaterThan(now);
  await expect(node(page, 'S1')).toHaveAttribute('data-role', 'leader');
  expect(problems).toEqual([]);
});

test('Figure 7 opened at a step by its link; the arrow keys step through it; Take over', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/?tour=figure-7&step=2');
  const tour = region(page);
  await expect(tour).toContainText('Step 2 of 8');
  await expect(page.locator('[data-node]')).toHaveCount(7);
  await expect(node(page, 'S1')).toHaveAttribute('data-role', 'leader');
  await expect(node(page, 'S1')).toHaveAttribute('data-term', '8');
  await expect(node(page, 'S1')).toHaveAttribute('data-log-len', '11');
  const second = await state(page);
  await page.keyboard.press('ArrowRight');
  await expect(tour).toContainText('Step 3 of 8');
  await expect(node(page, 'S5')).toHaveAttribute('data-log-len', '11');
  await page.keyboard.press('ArrowLeft');
  await expect(tour).toContainText('Step 2 of 8');
  expect(await state(page)).toEqual(second);
  await tour.getByRole('button', { name: 'Take over' }).click();
  await expect(region(page)).toHaveCount(0);
  await expect(page.locator('[data-node]')).toHaveCount(7);
  expect(problems).toEqual([]);
});

test('the Tours menu lists the tours and opens one; Escape closes it', async ({ page }) => {
  await page.goto('/?seed=3&paused');
  await page.getByRole('button', { name: 'Tours' }).click();
  const list = page.getByRole('list', { name: 'Tours' });
  await expect(list.getByRole('button')).toHaveCount(11);
  await list.getByRole('button', { name: /Figure 7/ }).click();
  await expect(region(page)).toContainText('Step 1 of 8');
  await page.keyboard.press('Escape');
  await expect(region(page)).toHaveCount(0);
});

test('a bad tour link is named in an alert and the page starts as usual', async ({ page }) => {
  await page.goto('/?tour=nope&seed=3');
  await expect(page.getByRole('alert')).toContainText("no tour called 'nope'");
  await expect(page.locator('[data-node]')).toHaveCount(5);
  await expect(region(page)).toHaveCount(0);
  await page.goto('/?tour=closer-look&step=99&seed=3');
  await expect(page.getByRole('alert')).toContainText('not 99');
  await expect(page.locator('[data-node]')).toHaveCount(5);
  await expect(region(page)).toHaveCount(0);
});

test('in the embed layout a tour is compact and still has Next and Back', async ({ page }) => {
  await page.setViewportSize({ width: 720, height: 560 });
  await page.goto('/?embed&tour=closer-look&step=3');
  const tour = region(page);
  await expect(tour).toContainText('Step 3 of 13');
  await tour.getByRole('button', { name: 'Next' }).click();
  await expect(tour).toContainText('Step 4 of 13');
  const box = await tour.boundingBox();
  expect(box.y + box.height).toBeLessThan(560);
});
