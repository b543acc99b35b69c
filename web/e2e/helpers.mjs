// Helpers shared by the browser tests: driving the page the way a person
// does, through the controls and the DOM contract of DESIGN.md.
import { expect } from '@playwright/test';

/** Collects page errors and console errors for the whole test. */
export function watchErrors(page) {
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  return problems;
}

/** Opens the playground with a fixed seed and runs it at real time. */
export async function open(page, seed, servers = 5) {
  await page.goto(`/?seed=${seed}&servers=${servers}`);
  await expect(page.locator('[data-node]')).toHaveCount(servers);
  await page.getByRole('slider', { name: 'Speed' }).fill('300');
}

/** Waits for exactly one leader and returns its locator and name. */
export async function leaderOf(page) {
  const leader = page.locator('[data-role=leader]');
  await expect(leader).toHaveCount(1, { timeout: 10_000 });
  const name = await leader.getAttribute('data-node');
  return { name, node: page.locator(`[data-node=${name}]`) };
}

/** A numeric data attribute. */
export async function attr(locator, name) {
  return Number(await locator.getAttribute(name));
}

/** Sends a command from the client box and waits for its answer. */
export async function send(page, command, answer) {
  await page.getByLabel('Command').fill(command);
  await page.getByLabel('Command').press('Enter');
  await expect(page.locator('.ops li').first()).toContainText(answer, { timeout: 10_000 });
}

/** Opens a server's menu and presses one of its buttons, then closes it. */
export async function serverAction(page, name, action) {
  await page.locator(`[data-node=${name}] .body`).click();
  await page.getByRole('dialog').getByRole('button', { name: action, exact: true }).click();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
}
