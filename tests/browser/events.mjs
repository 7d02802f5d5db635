// Grid events (民情事件) in Debian's headless chromium. Usage:
//   node events.mjs BASE_URL OUT_DIR
// A community head reports an event from the form and takes it round the first steps; a grid worker
// finds it on a phone; the province sees the reporter masked; a resident reports on the community's
// public page at a phone's width and gets a number; a county administrator opens the demo's year.
import { base, out, browser, check, expect, finish, login, shot } from './harness.mjs';
const c = await login('community');
const me = await (await c.request.get(base + '/api/v1/me')).json();
let eventUrl = '';
await check('community reports an event from the form', async () => {
  await c.goto(base + '/events');
  await shot(c, 'e1-events-empty');
  await c.fill('#report input[name=region]', me.region);
  await c.selectOption('#report select[name=category]', 'safety.fire');
  await c.selectOption('#report select[name=source]', 'window');
  await c.fill('#report input[name=address]', '3幢2单元');
  await c.fill('#report input[name=reporter_name]', '王五');
  await c.fill('#report input[name=reporter_phone]', '13900001111');
  await c.fill('#report textarea[name=description]', '楼道堆放杂物，堵塞消防通道');
  await Promise.all([c.waitForNavigation(), c.click('#report button[type=submit]')]);
  eventUrl = c.url();
  const txt = await c.textContent('main');
  expect(txt.includes('已上报'), 'no notice: ' + txt.slice(0, 300));
  await shot(c, 'e2-event-reported');
});
await check('community accepts and assigns', async () => {
  for (const label of ['受理', '分办']) {
    await Promise.all([c.waitForNavigation(), c.click(`#act button:has-text("${label}")`)]);
  }
  const txt = await c.textContent('main');
  expect(txt.includes('处置中'), 'not assigned');
  await shot(c, 'e3-event-assigned');
});
await check('community adds a photo to the event', async () => {
  // A JPEG whose EXIF says where it was taken.
  const exif = Buffer.from('Exif\0\0GPS 30.5101N 120.6803E', 'latin1');
  const jpeg = Buffer.concat([Buffer.from([0xFF, 0xD8, 0xFF, 0xE1, 0, exif.length + 2]), exif,
    Buffer.from([0xFF, 0xC0, 0x00, 0x0B, 8, 0x00, 0x03, 0x00, 0x04, 1, 1, 0x11, 0]),
    Buffer.from([0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0, 0x12, 0x34, 0x56, 0xFF, 0xD9])]);
  await c.goto(eventUrl);
  await c.setInputFiles('#photos input[type=file]', { name: '现场.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  await Promise.all([c.waitForNavigation(), c.click('#photos button[type=submit]')]);
  const txt = await c.textContent('#photos');
  expect(txt.includes('照片（1张）') && txt.includes('照片1'), 'no photo listed: ' + txt);
  const href = await c.getAttribute('#photos a', 'href');
  const kept = await (await c.request.get(base + href)).body();
  expect(!kept.includes(Buffer.from('GPS')), 'the photo kept where it was taken');
  await shot(c, 'e3b-event-photo');
});
await check('events list at desktop', async () => {
  await c.goto(base + '/events');
  await shot(c, 'e4-events-list');
});
const w = await login('worker', 390);
await check('worker sees it on a phone', async () => {
  await w.goto(base + '/events');
  await shot(w, 'e5-worker-phone');
  const width = await w.evaluate(() => document.documentElement.scrollWidth);
  expect(width <= 390, 'the events page scrolls sideways on a phone: ' + width);
  expect((await w.textContent('main')).includes('我的待办'), 'no 待办 for the worker');
});
const p = await login('province');
await check('province sees the reporter masked', async () => {
  await p.goto(eventUrl);
  const txt = await p.textContent('main');
  expect(txt.includes('王*') && !txt.includes('13900001111'), 'reporter not masked');
  await shot(p, 'e6-province-masked');
});
await check('a resident reports on a phone', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const r = await ctx.newPage();
  await r.goto(base + '/p/' + me.region);
  await shot(r, 'e7-public-phone');
  const width = await r.evaluate(() => document.documentElement.scrollWidth);
  expect(width <= 390, 'public page scrolls sideways: ' + width);
  await r.selectOption('select[name=category]', 'facilities.lighting');
  await r.fill('textarea[name=description]', '3幢门口路灯不亮，晚上看不清路');
  await r.fill('input[name=phone]', '13700001234');
  // A photo taken on the spot (its EXIF says where).
  const exif = Buffer.from('Exif\0\0GPS 30.5101N 120.6803E', 'latin1');
  const jpeg = Buffer.concat([Buffer.from([0xFF, 0xD8, 0xFF, 0xE1, 0, exif.length + 2]), exif,
    Buffer.from([0xFF, 0xC0, 0x00, 0x0B, 8, 0x00, 0x03, 0x00, 0x04, 1, 1, 0x11, 0]),
    Buffer.from([0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0, 0x12, 0x34, 0x56, 0xFF, 0xD9])]);
  await r.setInputFiles('input[name=photo]', [{ name: '路灯.jpg', mimeType: 'image/jpeg', buffer: jpeg }]);
  await Promise.all([r.waitForNavigation(), r.click('form[method=post] button[type=submit]')]);
  const txt = await r.textContent('main');
  expect(txt.includes('已收到'), 'no number shown: ' + txt.slice(0, 200));
  // The staff see the resident's photo on the event.
  const number = (txt.match(/E\d{6}-\d{6}-\d{4}/) || [''])[0];
  const found = await (await c.request.get(base + '/api/v1/events?source=public')).json();
  const ev = found.items.find((e) => e.number === number);
  expect(ev, 'the report is not in the list: ' + number);
  const photos = await (await c.request.get(`${base}/api/v1/events/${ev.id}/photos`)).json();
  expect(photos.items.length === 1, 'the photo was not kept: ' + JSON.stringify(photos));
  await shot(r, 'e8-public-progress-phone');
});
await check('a county admin sees the demo year', async () => {
  const h = await login('haining');
  await h.goto(base + '/events?state=open');
  const txt = await h.textContent('main');
  expect(txt.includes('超期未办结') && txt.includes('下一页'), 'the demo year is not paged');
  await shot(h, 'e9-county-open');
});
await check('the province drills down a year of figures to a county', async () => {
  const to = new Date().toISOString().slice(0, 10);
  const from = (Number(to.slice(0, 4)) - 1) + to.slice(4);
  await p.goto(`${base}/events/stats?from=${from}&to=${to}`);
  await p.waitForSelector('.chart canvas');
  const kpis = await p.textContent('#figures-kpis');
  expect(kpis.includes('按期办结率') && kpis.includes('满意率') && /\d+\.\d%/.test(kpis), 'no rates: ' + kpis);
  await shot(p, 'e10-figures-province');
  // Down to the city with events, then to its county: each level's total is its children's sum.
  for (let level = 0; level < 2; level++) {
    const rows = await p.$$eval('#figures-children tbody tr:not(.total)', (trs) =>
      trs.map((tr) => ({ href: tr.querySelector('td a') && tr.querySelector('td a').getAttribute('href'),
        n: Number(tr.children[1].textContent.replace(/,/g, '')) })));
    const total = Number((await p.textContent('#figures-children tr.total td:nth-child(2)')).replace(/,/g, ''));
    expect(rows.reduce((a, r) => a + r.n, 0) === total, 'children do not add up to ' + total);
    const busiest = rows.sort((a, b) => b.n - a.n)[0];
    await p.goto(base + busiest.href);
  }
  const txt = await p.textContent('main');
  expect(txt.includes('各街道') || txt.includes('各乡镇') || txt.includes('各街道（乡镇）'), 'not at a county: ' + txt.slice(0, 200));
  await shot(p, 'e11-figures-county');
  const x = await p.request.get(base + `/events/stats.xlsx?from=${from}&to=${to}&part=children`);
  expect(x.status() === 200 && (await x.body()).slice(0, 2).toString() === 'PK', 'no Excel');
});
await check('a community head reads the figures on a phone', async () => {
  const ch = await login('community', 390);
  await ch.goto(base + '/events/stats');
  const width = await ch.evaluate(() => document.documentElement.scrollWidth);
  expect(width <= 390, 'the figures scroll sideways on a phone: ' + width);
  await shot(ch, 'e12-figures-community-phone');
});
await check('a county admin issues an Open311 key, read on a phone', async () => {
  const h = await login('haining', 390);
  await h.goto(base + '/system/open311');
  await h.fill('#issue input[name=name]', '城管平台' + Date.now());
  await Promise.all([h.waitForNavigation(), h.click('#issue button[type=submit]')]);
  const txt = await h.textContent('main');
  expect(/签发密钥：[0-9a-f]{64}/.test(txt), 'no key shown: ' + txt.slice(0, 200));
  const width = await h.evaluate(() => document.documentElement.scrollWidth);
  expect(width <= 390, 'the key page scrolls sideways on a phone: ' + width);
  await shot(h, 'e13-open311-key-phone');
});
await finish();
