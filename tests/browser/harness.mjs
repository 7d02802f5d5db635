// What the browser scripts share: the command line (BASE_URL OUT_DIR), Debian's headless chromium,
// named checks that count passes and failures, and `expect`.
import { chromium } from 'playwright-core';
import fs from 'node:fs';

export const [base, out] = process.argv.slice(2);
fs.mkdirSync(out, { recursive: true });
export const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const tally = { passed: 0, failed: 0 };
/** Runs one named check; a thrown error fails it with its message, the others still run. */
export async function check(name, fn) {
  try { await fn(); tally.passed++; console.log('ok   ' + name); }
  catch (e) { tally.failed++; console.log('FAIL ' + name + ': ' + e.message); }
}
export function expect(cond, msg) { if (!cond) throw new Error(msg); }
/** Closes the browser, prints "N passed, M failed" and exits non-zero on any failure. */
export async function finish() {
  await browser.close();
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exit(tally.failed ? 1 : 0);
}

/** A demo user's logged-in page at `width` pixels (a desktop unless a phone's width is given). */
export async function login(user, width = 1400) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', 'shegong2026');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return page;
}
/** A full-page screenshot named `name` in OUT_DIR. */
export async function shot(page, name) { await page.screenshot({ path: `${out}/${name}.png`, fullPage: true }); }
