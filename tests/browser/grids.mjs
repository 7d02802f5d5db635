// Grids (网格) in Debian's headless chromium. Usage:
//   node grids.mjs BASE_URL OUT_DIR
// A county administrator reads the coverage and drills down to a community; the community head
// assigns a 网格员, adds a 联户长 and releases them again, and sees the history; the grid's page at a
// phone's width; the worker's archive names their grids.
import { base, out, browser, check, expect, finish, login, shot } from './harness.mjs';

const h = await login('haining');
await check('county reads the coverage and drills down', async () => {
  await h.goto(base + '/grids');
  const txt = await h.textContent('main');
  for (const w of ['无网格员的网格', '超过户数上限的网格', '每名网格员服务户数', '每百户联户长', '网格党小组', '下级区划']) {
    expect(txt.includes(w), 'missing ' + w);
  }
  await shot(h, 'g1-county-coverage');
  await Promise.all([h.waitForNavigation(), h.click('table a >> nth=0')]);
  await Promise.all([h.waitForNavigation(), h.click('table a >> nth=0')]);
  const t2 = await h.textContent('main');
  expect(t2.includes('本社区网格'), 'not a community page: ' + t2.slice(0, 200));
  await shot(h, 'g2-community-grids');
});

const c = await login('community');
let gridUrl = '';
await check('community head assigns a 网格员 and a 联户长', async () => {
  await c.goto(base + '/grids');
  await Promise.all([c.waitForNavigation(), c.click('table a >> nth=0')]);
  gridUrl = c.url();
  const form = c.locator('form:has(input[name=duty][value=grid_worker])');
  const options = await form.locator('select[name=worker_id] option').count();
  expect(options > 0, 'no worker to choose');
  await form.locator('select[name=worker_id]').selectOption({ index: options - 1 });
  await Promise.all([c.waitForNavigation(), form.locator('button[type=submit]').click()]);
  let txt = await c.textContent('main');
  expect(txt.includes('记为网格员') || txt.includes('已是'), 'no notice: ' + txt.slice(0, 300));
  const lf = c.locator('form:has(input[name=duty][value=link_leader])');
  await lf.locator('input[name=name]').fill('陈阿姨');
  await lf.locator('input[name=phone]').fill('13957312345');
  await lf.locator('input[name=households]').fill('25');
  await Promise.all([c.waitForNavigation(), lf.locator('button[type=submit]').click()]);
  txt = await c.textContent('main');
  expect(txt.includes('陈阿姨') && txt.includes('13957312345'), 'leader not listed');
  await shot(c, 'g3-grid-assigned');
});
await check('a bad phone is refused by name and nothing is added', async () => {
  const lf = c.locator('form:has(input[name=duty][value=link_leader])');
  await lf.locator('input[name=name]').fill('李大爷');
  await lf.locator('input[name=phone]').fill('123');
  await lf.locator('input[name=households]').fill('25');
  await Promise.all([c.waitForNavigation(), lf.locator('button[type=submit]').click()]);
  const txt = await c.textContent('main');
  expect(txt.includes('手机号码'), 'no message naming the phone: ' + txt.slice(0, 300));
  expect(!txt.includes('李大爷'), 'added anyway');
});
await check('community head releases the 联户长; the history keeps it', async () => {
  const row = c.locator('tr:has-text("陈阿姨")').first();
  let asked = '';
  c.once('dialog', (d) => { asked = d.message(); d.accept(); });
  await Promise.all([c.waitForNavigation(), row.locator('button:has-text("解除")').click()]);
  expect(asked.includes('陈阿姨'), 'not asked first: ' + asked);
  const hist = await c.textContent('#history');
  expect(hist.includes('陈阿姨') && !hist.includes('陈阿姨在任'), 'history: ' + hist.slice(0, 300));
  await shot(c, 'g4-grid-history');
});
await check('the grid on a phone', async () => {
  const p = await login('community', 390);
  await p.goto(gridUrl);
  const w = await p.evaluate(() => document.documentElement.scrollWidth);
  expect(w <= 400, 'wider than the phone: ' + w);
  await shot(p, 'g5-grid-phone');
  await p.goto(base + '/grids');
  await shot(p, 'g6-community-phone');
});
await check('the worker archive names the grids', async () => {
  await c.goto(gridUrl);
  const link = c.locator('.card:has(h2:text-is("网格员")) table a').first();
  await Promise.all([c.waitForNavigation(), link.click()]);
  const txt = await c.textContent('main');
  expect(txt.includes('负责网格'), 'no 负责网格 on the archive');
  await shot(c, 'g7-worker-grids');
});
await finish();
