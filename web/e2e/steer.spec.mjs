// Inspect and steer: a message's dialog (its Figure 2 fields, why it was
// sent, Drop / Duplicate / Deliver now), "Choose the next event" (time
// moves only on a pick), and a vote decision expanded to its rule.
import { test, expect } from '@playwright/test';
import { watchErrors } from './helpers.mjs';

const now = async (page) => Number(await page.locator('[data-playground]').getAttribute('data-now'));

/** Paused at the start, with choosing on, S1's election timeout picked. */
async function campaign(page) {
  await page.goto('/?seed=3&servers=5&paused');
  await expect(page.locator('[data-node]')).toHaveCount(5);
  await page.getByLabel('Choose the next event').check();
  const pending = page.locator('[data-pending]');
  await expect(pending.first()).toBeVisible();
  await page.getByRole('button', { name: "S1's election timeout" }).click();
  await expect(page.locator('[data-msg][data-kind=RequestVote]')).toHaveCount(4);
}

test('a message opens a dialog with its fields and can be dropped, duplicated, delivered now', async ({ page }) => {
  const problems = watchErrors(page);
  await campaign(page);
  const first = page.locator('[data-msg]').first();
  const id = await first.getAttribute('data-msg');
  await first.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: /RequestVote/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('[data-field=term]')).toHaveText('1');
  await expect(dialog.locator('[data-field=candidateId]')).toHaveText('S1');
  await expect(dialog.locator('[data-field=lastLogIndex]')).toHaveText('0');
  await expect(dialog.locator('[data-field=lastLogTerm]')).toHaveText('0');
  await expect(dialog.locator('[data-field=sent]')).toContainText('ms');
  await expect(dialog.locator('[data-field=arrives]')).toContainText('ms');
  await expect(dialog).toContainText("S1's election timeout");
  // Escape closes it and gives the focus back to the message.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.locator(`[data-msg="${id}"]`)).toBeFocused();
  // Duplicate: one more RequestVote flies.
  await page.keyboard.press('Enter');
  await dialog.getByRole('button', { name: 'Duplicate' }).click();
  await expect(page.locator('[data-msg][data-kind=RequestVote]')).toHaveCount(5);
  // Drop: it disappears.
  await dialog.getByRole('button', { name: 'Drop' }).click();
  await expect(page.locator(`[data-msg="${id}"]`)).toHaveCount(0);
  await expect(page.locator('[data-msg][data-kind=RequestVote]')).toHaveCount(4);
  // Deliver now: it arrives and its voter answers.
  const next = page.locator('[data-msg][data-kind=RequestVote]').last();
  const nextId = await next.getAttribute('data-msg');
  await next.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').getByRole('button', { name: 'Deliver now' }).click();
  await expect(page.locator(`[data-msg="${nextId}"]`)).toHaveCount(0);
  await expect(page.locator('[data-msg][data-kind=RequestVoteReply]')).toHaveCount(1);
  expect(problems).toEqual([]);
});

test('choosing the next event: time moves only on a pick', async ({ page }) => {
  const problems = watchErrors(page);
  await campaign(page);
  const t = await now(page);
  await page.waitForTimeout(600);
  expect(await now(page)).toBe(t);
  await page.locator('[data-pending]', { hasText: 'deliver RequestVote S1→S2' }).click();
  await expect(page.locator('[data-msg][data-kind=RequestVoteReply]')).toHaveCount(1);
  expect(await now(page)).toBeGreaterThanOrEqual(t);
  const t2 = await now(page);
  await page.waitForTimeout(600);
  expect(await now(page)).toBe(t2);
  // Step back undoes the choice: the vote is on its way again.
  await page.getByRole('button', { name: 'Step back', exact: true }).first().click();
  await expect(page.locator('[data-msg][data-kind=RequestVoteReply]')).toHaveCount(0);
  await expect(page.locator('[data-msg][data-kind=RequestVote]')).toHaveCount(4);
  expect(problems).toEqual([]);
});

test('a vote decision expands to its Figure 2 rule and the values it compared', async ({ page }) => {
  await campaign(page);
  await page.locator('[data-pending]', { hasText: 'deliver RequestVote S1→S2' }).click();
  const decision = page.locator('.events details', { hasText: 'granted its vote to S1' }).first();
  await decision.locator('summary').click();
  const rule = decision.locator('[data-rule]');
  await expect(rule).toBeVisible();
  await expect(rule).toContainText('RequestVote from S1 (term 1, last log (index 0, term 0))');
  await expect(rule).toContainText('votedFor none');
  await expect(rule).toContainText('§5.2, §5.4');
});
