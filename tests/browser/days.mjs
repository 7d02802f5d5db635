// Each role's working day, start to finish, in Debian's headless chromium. Usage:
//   node days.mjs BASE_URL OUT_DIR
// Run on a fresh demo database (the days change it). One check per role; each step asserts what
// the user must see and keeps a screenshot (OUT_DIR/day-*.png). Prints "N passed, M failed".
import fs from 'node:fs';
import { base, out, browser, check, expect, finish } from './harness.mjs';
const DESKTOP = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844 };

async function login(user, viewport = DESKTOP) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true, isMobile: viewport === PHONE });
  const page = await ctx.newPage();
  // Every confirmation is read (asked) and answered yes.
  page.asked = '';
  page.on('dialog', (d) => { page.asked = d.message(); d.accept(); });
  await page.goto(base + '/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', 'shegong2026');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
  return page;
}
async function shot(page, name) { await page.screenshot({ path: `${out}/day-${name}.png`, fullPage: true }); }
/** Submits the form that holds `selector`, waiting for the page it leads to. */
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}
async function notice(page) {
  return (await page.$('.notice')) ? await page.textContent('.notice') : '';
}
async function errors(page) {
  return (await page.$('.errors')) ? await page.textContent('.errors') : '';
}
/** A download started by `click`: its suggested name and its bytes. */
async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(path) };
}
/** A valid 18-digit ID number of 海宁市 for a birth date (YYYYMMDD) and a sequence (odd: male). */
function idNumber(birth, seq) {
  const body = '330481' + birth + String(seq).padStart(3, '0');
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}
/** The labels the region picker offers for what is typed into it ("海宁市 硖石街道 江丰社区"). */
async function suggestions(page, typed) {
  return page.evaluate(async (q) => {
    const r = await fetch('/api/v1/regions/suggest?q=' + encodeURIComponent(q), { credentials: 'same-origin' });
    return (await r.json()).items.map((i) => i.label);
  }, typed);
}
const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

const newcomer = { name: '林晓雯', id: idNumber('19900315', 122) };

await check('county clerk: registers a worker with the full record and photo, transfers, prints the 登记表, records an exit', async () => {
  const p = await login('haining');
  await p.goto(base + '/workers/new');
  await p.fill('#name', newcomer.name);
  await p.fill('#id_number', newcomer.id);
  await p.selectOption('#gender', { label: '女' });
  await p.fill('#birth_date', '1990-03-15');
  await p.fill('#phone', '13857300001');
  await p.fill('#address', '海宁市硖石街道文苑路88号');
  const communities = await suggestions(p, '社区');
  const home = communities[0];
  const street = (l) => l.split(/\s+/).slice(-2, -1)[0];
  await p.fill('#community_code', home);
  await p.selectOption('#post_category', { index: 1 });
  await p.fill('#title', '专职工作者');
  await p.fill('#start_date', '2024-03-01');
  await p.selectOption('#education_code', { index: 2 });
  await p.fill('#school', '浙江工业大学');
  await p.fill('#major', '社会工作');
  await p.selectOption('#certificate_level', { index: 1 });
  await p.fill('#certificate_number', 'ZJ2023-0815');
  await p.fill('#certificate_date', '2023-06-20');
  await shot(p, '01a-clerk-new-worker');
  await submit(p, 'form.stack button[type=submit]');
  expect(p.url().includes('/workers/0'), 'not taken to the new archive: ' + p.url() + ' ' + await errors(p));
  const archive = p.url().split('?')[0].split('#')[0];
  newcomer.url = archive;
  let text = await p.textContent('main');
  const homeName = home.split(/\s+/).pop();
  expect(text.includes(newcomer.name) && text.includes(homeName), 'the archive does not show the new worker');
  // The agreement, then the photo.
  await p.goto(archive + '?tab=agreement');
  await p.fill('form[action$="/agreements"] input[name=term]', '2024—2029届');
  await p.fill('form[action$="/agreements"] input[name=start_date]', '2024-03-01');
  await p.fill('form[action$="/agreements"] input[name=end_date]', '2029-02-28');
  await submit(p, 'form[action$="/agreements"] button[type=submit]');
  expect((await p.textContent('main')).includes('2029-02-28'), 'agreement not listed: ' + await errors(p));
  // The photo as a phone takes it: 3000×2000 pixels, far over 2 MB; the page makes it small first.
  await p.goto(archive + '?tab=files');
  await p.selectOption('form[action$="/attachments"] select[name=kind]', 'photo');
  const taken = await p.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 3000; c.height = 2000;
    const ctx = c.getContext('2d');
    const img = ctx.createImageData(c.width, c.height);
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i & 3) === 3 ? 255 : Math.random() * 256;
    ctx.putImageData(img, 0, 0);
    const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
    const input = document.querySelector('form[action$="/attachments"] input[type=file]');
    const dt = new DataTransfer();
    dt.items.add(new File([blob], '手机照片.png', { type: 'image/png' }));
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return blob.size;
  });
  expect(taken > 2 * 1024 * 1024, 'the test photo is not large: ' + taken);
  await p.waitForFunction(() => document.querySelector('form[action$="/attachments"] input[type=file]').files[0].name.endsWith('.jpg'));
  await submit(p, 'form[action$="/attachments"] button[type=submit]');
  expect((await notice(p)) !== '' && (await errors(p)) === '', 'photo not kept: ' + await errors(p));
  const kept = await p.request.get(archive + '/photo');
  expect(kept.headers()['content-type'] === 'image/jpeg' && (await kept.body()).length < 2 * 1024 * 1024, 'the photo was not made small');
  await shot(p, '01b-clerk-files');
  // Transfer to a community of another street, picked by name; a name that fits nothing is
  // refused, and what was typed is still there to correct.
  await p.goto(archive + '?tab=appointment');
  await p.fill('form[action$="/appointments"] input[name=community_code]', '没有这个社区');
  await p.fill('form[action$="/appointments"] input[name=title]', '网格员');
  await p.fill('form[action$="/appointments"] input[name=start_date]', '2026-09-01');
  await submit(p, 'form[action$="/appointments"] button[type=submit]');
  expect((await errors(p)).includes('没有这个社区'), 'an unknown community is not refused: ' + await errors(p));
  expect(await p.inputValue('form[action$="/appointments"] input[name=title]') === '网格员', 'the typed title is lost');
  expect(await p.inputValue('form[action$="/appointments"] input[name=start_date]') === '2026-09-01', 'the typed date is lost');
  // A community of another street: the street's name, then 社区, as a clerk types it.
  const streets = (await suggestions(p, '街道')).map((l) => l.split(/\s+/).pop());
  const other = streets.find((n) => n !== street(home));
  const target = (await suggestions(p, `${other} 社区`))[0];
  expect(target, 'no community of another street offered');
  await p.fill('form[action$="/appointments"] input[name=community_code]', target);
  await p.fill('form[action$="/appointments"] input[name=title]', '专职工作者');
  await p.fill('form[action$="/appointments"] input[name=start_date]', '2026-09-01');
  await submit(p, 'form[action$="/appointments"] button[type=submit]');
  text = await p.textContent('main');
  const targetName = target.split(/\s+/).pop().replace(/（.*$/, '');
  expect((await errors(p)) === '' && text.includes(targetName), `transfer to ${targetName} not recorded: ` + await errors(p));
  await shot(p, '01c-clerk-transferred');
  // The 登记表: printed from the page and downloaded as a PDF.
  await p.goto(archive + '/registration-form');
  text = await p.textContent('body');
  expect(text.includes('社区工作者登记表') && text.includes(newcomer.name) && text.includes('浙江工业大学'), 'the form lacks the record');
  expect(await p.$('img[alt=照片]'), 'no photo on the form');
  await shot(p, '01d-clerk-registration-form');
  await p.goto(archive);
  const pdf = await download(p, () => p.click('a[href$="/registration-form.pdf"]'));
  expect(pdf.name === `社区工作者登记表-${newcomer.name}.pdf`, 'PDF file name: ' + pdf.name);
  expect(pdf.bytes.subarray(0, 5).toString() === '%PDF-' && pdf.bytes.length > 5000, 'not a PDF');
  // An exit: behind its button, a reason chosen (none preset), asked before it is done.
  await p.goto(archive);
  const exitForm = 'form[action$="/exit"]';
  expect(await p.$eval(`${exitForm} select[name=reason]`, (s) => s.value) === '', 'an exit reason is preset');
  await p.fill(`${exitForm} input[name=exited_on]`, today);
  await p.selectOption(`${exitForm} select[name=reason]`, { index: 1 });
  p.asked = '';
  await submit(p, `${exitForm} button[type=submit]`);
  expect(p.asked.includes(newcomer.name), 'the exit did not ask first: ' + p.asked);
  expect((await p.textContent('main')).includes('已退出'), 'exit not recorded: ' + await errors(p));
  await shot(p, '01e-clerk-exited');
  await p.context().close();
});

await check('street: runs the year\'s round of the whole street through the score grid and publishes it after a confirmation', async () => {
  const p = await login('street');
  await p.goto(base + '/assessments');
  await submit(p, 'table.list tbody tr:first-child td:first-child a');
  // The scores came in again from the communities: back to scoring, which asks first.
  p.asked = '';
  await submit(p, 'form[action$="/reopen"] button[type=submit]');
  expect(p.asked.includes('退回'), 'reopening did not ask: ' + p.asked);
  await p.waitForSelector('input[data-grid]');
  const people = (await p.locator('input[data-grid]').count()) / 3;
  expect(people >= 50, `only ${people} people in the round`);
  // A block from Excel (organisation, residents, routine): five excellent, one failing.
  const row = (i) => (i < 5 ? [95, 96, 85] : i === people - 1 ? [40, 40, 40] : [80, 80, 85]);
  const block = Array.from({ length: people }, (_, i) => row(i).join('\t')).join('\n');
  await p.locator('input[data-grid]').first().evaluate((el, text) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, block);
  expect(await p.locator('input[data-grid]').nth(3 * people - 3).inputValue() === '40', 'the paste did not reach the last row');
  await shot(p, '02a-street-grid');
  await submit(p, 'form#grid button');
  expect((await notice(p)).includes(`已保存${people}人的评分`), 'not saved: ' + await notice(p) + await errors(p));
  // A 平时考核 other than the 事务办理 proposal (the grid worker's, who has an account) needs its
  // reason before grading: refused first, then the reason recorded on its row.
  await submit(p, 'form[action$="/score"] button[type=submit]');
  if (!(await p.textContent('main')).includes('已评定')) {
    expect((await errors(p)).includes('尚未说明理由'), 'refused for another cause: ' + await errors(p));
    while (await p.locator('form[action$="/routine/reason"]').count() > 0) {
      const f = p.locator('form[action$="/routine/reason"]').first();
      await f.locator('input[name=reason]').fill('走访记录另行核实');
      await submit(p, 'form[action$="/routine/reason"] >> nth=0 >> button[type=submit]');
      expect((await notice(p)).includes('已记录理由'), 'reason not recorded: ' + await errors(p));
    }
    await submit(p, 'form[action$="/score"] button[type=submit]');
  }
  // Grades by the policy's weights, thresholds and 优秀 cap, then publishing, which asks first.
  expect((await p.textContent('main')).includes('已评定'), 'not graded: ' + await errors(p));
  p.asked = '';
  await submit(p, 'form[action$="/publish"] button[type=submit]');
  expect(p.asked.includes(`将发布${people}人的等次`) && p.asked.includes('不合格1人'), 'the confirmation does not count: ' + p.asked);
  expect((await notice(p)).includes('已发布'), 'not published: ' + await notice(p) + await errors(p));
  await shot(p, '02b-street-published');
  await p.context().close();
});

await check('province leader: the figures, a chart saved as an image, the sentence for a report', async () => {
  const p = await login('province');
  await p.waitForSelector('.chart canvas', { timeout: 10000 });
  const home = await p.textContent('main');
  expect(home.includes('在岗社区工作者') && home.includes('浙江省'), 'no province figures');
  await shot(p, '03a-province-home');
  await p.goto(base + '/stats');
  await p.waitForSelector('.chart canvas', { timeout: 10000 });
  const sentence = await p.textContent('#sentences');
  expect(/浙江省共有[\d,]+名社区工作者/.test(sentence), 'no sentence: ' + sentence);
  // The toolbox's 保存为图片 sits in the chart's top right corner.
  const chart = p.locator('.chart').first();
  const box = await chart.boundingBox();
  const img = await download(p, () => p.mouse.click(box.x + box.width - 12, box.y + 12));
  expect(img.name.endsWith('.png') && img.name.length > 14, 'chart image name: ' + img.name);
  expect(img.bytes.subarray(1, 4).toString() === 'PNG', 'not a PNG');
  await shot(p, '03b-province-stats');
  await p.context().close();
});

await check('clerk: imports a roster, previews it, commits it, finds the people', async () => {
  const p = await login('haining');
  const rows = [['周一鸣', idNumber('19880101', 131)], ['吴可欣', idNumber('19920202', 242)], ['郑文博', idNumber('19950505', 351)]];
  const csv = '姓名,身份证号,所在社区代码,岗位类别,职务,任职开始日期,学历代码,社工证等级,手机号码\n' +
    rows.map(([n, id], i) => `${n},${id},330481001001,其他工作人员,专职工作者,2025-0${i + 1}-01,21,,1390000000${i}`).join('\n') + '\n';
  await p.goto(base + '/imports');
  await p.setInputFiles('#upload input[type=file]', { name: '花名册.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await submit(p, '#upload button[type=submit]');
  const preview = await p.textContent('#preview');
  expect(preview.includes('3'), 'preview does not count the rows: ' + preview);
  expect(await p.$('#commit'), 'no commit button for a clean file: ' + preview);
  await shot(p, '04a-clerk-import-preview');
  await submit(p, '#commit button[type=submit]');
  const done = await p.textContent('#preview');
  expect(done.includes('已导入') && done.includes('新建 3 人'), 'not imported: ' + done + await errors(p));
  await p.goto(base + '/workers?q=' + encodeURIComponent('吴可欣'));
  expect((await p.textContent('main')).includes('吴可欣'), 'the imported worker is not found');
  await shot(p, '04b-clerk-imported');
  await p.context().close();
});

await check('county payroll with two people: computed by the clerk, reviewed by another, locked, bank sheet', async () => {
  const clerk = await login('haining');
  await clerk.goto(base + '/payroll');
  await clerk.selectOption('form[action="/payroll"] select[name=region]', { index: 0 });
  await clerk.fill('form[action="/payroll"] input[name=month]', '2026-10');
  await submit(clerk, 'form[action="/payroll"] button[type=submit]');
  expect((await errors(clerk)) === '', 'not computed: ' + await errors(clerk));
  if (!clerk.url().match(/\/payroll\/0/)) await clerk.click('table.list tbody tr:first-child td:first-child a');
  await clerk.waitForSelector('table.list');
  const run = clerk.url().split('?')[0];
  // The one who computed may not review it.
  await submit(clerk, 'form[action$="/review"] button[type=submit]').catch(() => {});
  expect((await clerk.textContent('main')).includes('须由另一人审核'), 'the clerk reviewed their own month');
  const reviewer = await login('reviewer');
  await reviewer.goto(run);
  await submit(reviewer, 'form[action$="/review"] button[type=submit]');
  expect((await notice(reviewer)).includes('已审核'), 'not reviewed: ' + await errors(reviewer));
  await clerk.goto(run);
  clerk.asked = '';
  await submit(clerk, 'form[action$="/lock"] button[type=submit]');
  expect(clerk.asked.includes('锁定'), 'locking did not ask: ' + clerk.asked);
  const text = await clerk.textContent('main');
  expect((await notice(clerk)).includes('已锁定') && text.includes('演示：审核人') || text.includes('reviewer'), 'the run does not name both people');
  await shot(clerk, '05a-payroll-locked');
  const bank = await download(clerk, () => clerk.click('a[href$="/bank.xlsx"]'));
  expect(bank.name.startsWith('代发工资表-') && bank.name.endsWith('.xlsx'), 'bank sheet name: ' + bank.name);
  expect(bank.bytes.subarray(0, 2).toString() === 'PK', 'not an xlsx');
  await clerk.context().close();
  await reviewer.context().close();
});

await check('worker on a phone: their own archive and their pay, nothing wider than the screen', async () => {
  const p = await login('worker', PHONE);
  expect(p.url().includes('/workers/'), 'not sent to their own archive');
  for (const tab of ['basic', 'assessment', 'pay']) {
    await p.goto(p.url().split('?')[0] + '?tab=' + tab);
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    expect(width <= 392, `the ${tab} tab is ${width}px wide`);
  }
  const pay = await p.textContent('main');
  expect(pay.includes('实发') && pay.includes('已锁定'), 'no payslips');
  expect(/薪酬等级：第\d+级/.test(pay) && !pay.includes('级/档'), 'the level is not in the policy\'s one word');
  await shot(p, '06a-worker-phone-pay');
  const other = await p.goto(base + '/workers');
  expect(other.status() === 404 || other.status() === 403 || !p.url().endsWith('/workers'), 'the worker opens the list');
  await p.context().close();
});

await check('auditor: finds who viewed an ID number in the last week', async () => {
  const p = await login('auditor');
  const week = new Date(Date.now() - 7 * 86400 * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 10);
  await p.goto(base + '/audit');
  await p.selectOption('select[name=action]', 'worker.view_id_number');
  await p.fill('input[name=from]', week);
  await p.fill('input[name=person]', newcomer.id);
  await submit(p, 'form.filter button[type=submit]');
  const text = await p.textContent('main');
  expect(text.includes('haining') && text.includes('查看完整身份证号码'), 'the view is not found: ' + text.slice(0, 400));
  expect(text.includes(newcomer.name) && !text.includes(newcomer.id), 'the person is not shown by name with the number masked');
  await shot(p, '07a-auditor-found');
  await p.context().close();
});

await finish();
