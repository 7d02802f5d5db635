// Browser checks of the main pages, in Debian's headless chromium. Usage:
//   node shots.mjs BASE_URL OUT_DIR
// Logs in as demo users, walks the pages people use, asserts what they must show, and keeps a
// screenshot of each page in OUT_DIR. Prints "N passed, M failed" and exits non-zero on failure.
import { base, out, browser, check, expect, finish, login, shot } from './harness.mjs';

const page = await login('haining');
let workerUrl = '';
await check('home shows headline figures and charts', async () => {
  await page.waitForSelector('.chart canvas', { timeout: 10000 });
  const text = await page.textContent('main');
  expect(text.includes('在岗社区工作者'), 'no headline');
  expect(text.includes('海宁市'), 'not the county');
  expect(text.includes('待办') && text.includes('持证社工不足的社区'), 'no inbox on the home page');
  await shot(page, '01-home');
});
await check('the inbox: each count opens its full list with names and regions', async () => {
  await page.goto(base + '/');
  await Promise.all([page.waitForNavigation(), page.click('ul.todo a[href^="/alerts?kind=certificate_goal"]')]);
  const text = await page.textContent('main');
  expect(text.includes('持证社工不足的社区') && text.includes('街道（乡镇）'), 'no alert list with region columns');
  expect(!/\b\d{12}\b/.test(text), 'a region code where a name belongs');
  await shot(page, 'alerts');
  await page.goto(base + '/corrections');
  expect((await page.textContent('main')).includes('待处理的更正申请'), 'no corrections list');
  await shot(page, 'corrections');
});
await check('region tree drills down to grids', async () => {
  await page.goto(base + '/regions/330481');
  await page.click('table.list tbody tr:first-child a');
  await page.click('table.list tbody tr:first-child a');
  const text = await page.textContent('main');
  expect(text.includes('网格'), 'community page lists no grids');
  await shot(page, '02-region-community');
});
await check('worker list filters and pages', async () => {
  await page.goto(base + '/workers');
  const total = await page.textContent('#results .muted');
  await page.selectOption('select[name=certificate]', 'senior');
  await page.waitForFunction((t) => document.querySelector('#results .muted').textContent !== t, total);
  const filtered = await page.textContent('#results .muted');
  expect(filtered !== total, 'filter did not change the list');
  expect(page.url().includes('certificate=senior'), 'filter not in the URL');
  expect((await page.getAttribute('#export', 'href')).includes('certificate=senior'), 'export ignores the filter');
  const masked = await page.textContent('#results tbody tr:first-child td:nth-child(2)');
  expect(masked.includes('********'), 'ID number not masked in the list');
  await shot(page, '03-workers');
  workerUrl = await page.getAttribute('#results tbody tr:first-child a', 'href');
});
await check('the 登记表 prints on one A4 page', async () => {
  await page.goto(base + workerUrl + '/registration-form');
  expect((await page.textContent('body')).includes('社区工作者登记表'), 'no registration form');
  await page.screenshot({ path: `${out}/04a-registration-form.png`, fullPage: true });
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  expect(pages === 1, `the form prints on ${pages} pages`);
});
await check('worker archive tabs', async () => {
  await page.goto(base + workerUrl);
  expect((await page.textContent('main')).includes('身份证号码'), 'no basic info');
  await shot(page, '04-worker-basic');
  await page.goto(base + workerUrl + '?tab=appointment');
  expect((await page.textContent('main')).includes('开始日期'), 'no appointments');
  await shot(page, '05-worker-appointments');
  await page.goto(base + workerUrl + '?tab=assessment');
  expect((await page.textContent('main')).includes('发布年度考核等次'), 'no assessment form for the county admin');
  await shot(page, '05b-worker-assessment');
  await page.goto(base + workerUrl + '?tab=reward');
  await page.selectOption('select[name=kind]', 'reward');
  await page.fill('input[name=title]', '优秀社区工作者');
  await page.fill('input[name=issuer]', '海宁市民政局');
  await page.fill('input[name=issued_on]', '2025-12-01');
  await Promise.all([page.waitForNavigation(), page.click('form.inline button[type=submit]')]);
  expect((await page.textContent('main')).includes('优秀社区工作者'), 'reward not recorded from the form');
  await shot(page, '05c-worker-rewards');
  await page.goto(base + workerUrl + '?tab=training');
  expect((await page.textContent('main')).includes('完成日期'), 'no training list');
  await shot(page, '05d-worker-training');
  await page.goto(base + workerUrl + '?tab=pay');
  const pay = await page.textContent('main');
  expect(pay.includes('薪酬等级') && pay.includes('已锁定') && pay.includes('级别薪酬'), 'no level or payslips');
  await shot(page, '05e-worker-pay');
  await page.goto(base + workerUrl + '?tab=history');
  await shot(page, '06-worker-history');
});
await check('new worker form names the bad fields in Chinese', async () => {
  await page.goto(base + '/workers/new');
  await page.fill('input[name=name]', '测试');
  await page.fill('input[name=id_number]', '330481199001011231');
  await page.click('form.stack button[type=submit]');
  await page.waitForSelector('.errors');
  const text = await page.textContent('main');
  expect(text.includes('身份证号码校验位错误'), 'checksum error not shown');
  expect(text.includes('请填写所在社区代码') || text.includes('社区'), 'community error not shown');
  await shot(page, '07-worker-new-errors');
});
await check('training: create, enrol, overdue list', async () => {
  await page.goto(base + '/trainings');
  await page.fill('input[name=name]', '2026年度社区工作者履职培训');
  await page.fill('input[name=start_date]', '2026-11-01');
  await page.fill('input[name=end_date]', '2026-11-02');
  await Promise.all([page.waitForNavigation(), page.click('form.inline button[type=submit]')]);
  expect((await page.textContent('main')).includes('已创建培训'), 'training not created');
  // A whole region's attendance asks first.
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.accept(); });
  await Promise.all([page.waitForNavigation(), page.click('table.list tbody tr:first-child button')]);
  expect(asked.includes('全部在岗人员'), 'no question before recording a whole region: ' + asked);
  expect(/已记录 \d+ 人参训/.test(await page.textContent('main')), 'enrolment not recorded');
  // The course's roster.
  await Promise.all([page.waitForNavigation(), page.click('table.list tbody tr:first-child td:first-child a')]);
  expect((await page.textContent('main')).includes('参训名单'), 'no roster page');
  await shot(page, '08c-training-roster');
  await shot(page, '08a-trainings');
  await page.goto(base + '/training/overdue');
  expect((await page.textContent('main')).includes('逾期'), 'no overdue page');
  await shot(page, '08b-training-overdue');
});
await check('users and audit log', async () => {
  await page.goto(base + '/users');
  expect((await page.textContent('main')).includes('tongxiang') === false, 'sees a user outside the county');
  await shot(page, '08-users');
  await page.goto(base + '/audit');
  expect((await page.textContent('main')).includes('登录'), 'login not audited');
  await shot(page, '09-audit');
});
await check('staffing: norm against headcount, chart and drill-down', async () => {
  await page.goto(base + '/staffing');
  await page.waitForSelector('.chart canvas', { timeout: 10000 });
  const text = await page.textContent('main');
  expect(text.includes('员额') && text.includes('超编') && text.includes('海宁市'), 'no staffing table');
  expect(!/(\d[\d,]*)–\1(?!\d)/.test(text), 'a range from a number to itself');
  expect(!text.includes('haining-2020'), 'a policy shown by its file name');
  await shot(page, '13-staffing');
  await page.click('table.list tbody tr:first-child td:nth-child(2) a');
  await page.waitForSelector('table.list');
  expect((await page.textContent('main')).includes('各社区'), 'no community level');
});
await check('figures for a date against a base date, charts, trend and drill-down', async () => {
  await page.goto(base + '/stats');
  await page.fill('input[name=date]', '2025-12-31');
  await page.fill('input[name=base_date]', '2020-12-31');
  await Promise.all([page.waitForNavigation(), page.click('#stats-filter button[type=submit]')]);
  await page.waitForSelector('#trend-chart canvas', { timeout: 10000 });
  const text = await page.textContent('#sentences');
  expect(/截至2025年底，海宁市共有\d+名社区工作者，相比2020年(增加|减少)了\d+名/.test(text), 'no generated sentence: ' + text);
  expect((await page.$$('.chart canvas')).length >= 8, 'charts missing');
  expect((await page.getAttribute('a[href*="part=children"]', 'href')).includes('date=2025-12-31'), 'export ignores the date');
  await shot(page, '05b-stats-county');
  await page.click('#children tbody tr:first-child td:nth-child(2) a');
  await page.waitForSelector('#trend-chart canvas', { timeout: 10000 });
  expect(page.url().includes('date=2025-12-31'), 'drill-down loses the date');
  expect((await page.textContent('#children')).includes('社区'), 'street lists no communities');
  await shot(page, '05c-stats-street');
});
await check('import: upload a roster, see every bad row, no change', async () => {
  await page.goto(base + '/imports');
  expect(await page.getAttribute('#template', 'href') === '/api/v1/imports/template.xlsx', 'no template link');
  const csv = '姓名,身份证号,所在社区代码,岗位类别,职务,任职开始日期,学历代码,社工证等级,手机号码\n' +
    '测试甲,330481199001011230,330481001001,其他工作人员,专职工作者,2024-01-01,21,,13900000001\n' +
    '测试乙,110101199001011234,330483001001,其他工作人员,专职工作者,2024-01-01,21,,13900000002\n';
  await page.setInputFiles('#upload input[type=file]', { name: '花名册.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await Promise.all([page.waitForNavigation(), page.click('#upload button[type=submit]')]);
  const text = await page.textContent('#preview');
  expect(text.includes('未导入') || text.includes('错误'), 'no preview');
  expect((await page.$$('#errors tbody tr')).length >= 2, 'bad rows not listed');
  expect(await page.$('#commit') === null, 'commit offered despite errors');
  expect(await page.$('#error-sheet') !== null, 'no error sheet');
  await shot(page, '05d-import-preview');
});
await check('policy in force, its rules and history', async () => {
  await page.goto(base + '/policies');
  const text = await page.textContent('main');
  expect(text.includes('haining-2020') && text.includes('适用历史') && text.includes('参照工资'), 'no policy page');
  await shot(page, '14-policies');
  await page.goto(base + '/policies/xiamen-xiangan-2013');
  expect((await page.textContent('pre.policy')).includes('1340'), 'no policy text');
});
await check('payroll: locked months, a run with payslips, the budget what-if', async () => {
  await page.goto(base + '/payroll');
  let text = await page.textContent('main');
  expect(text.includes('已锁定'), 'no locked month');
  await shot(page, '15-payroll');
  await page.click('table.list tbody tr:first-child td:first-child a');
  await page.waitForSelector('table.list');
  text = await page.textContent('main');
  expect(text.includes('工资条') && text.includes('应发合计') && text.includes('导出工资表'), 'no run page');
  await shot(page, '16-payroll-run');
  await page.goto(base + '/budget?reference_wage_change_pct=5');
  await page.waitForSelector('.chart canvas', { timeout: 10000 });
  text = await page.textContent('main');
  expect(text.includes('测算后') && text.includes('差额'), 'no budget');
  await shot(page, '17-budget');
});
await check('a street scores a round in the grid: a block pasted from Excel, then 保存全部', async () => {
  const st = await login('street');
  await st.goto(base + '/assessments');
  await st.fill('input[name=year]', '2021');
  await Promise.all([st.waitForNavigation(), st.click('text=创建年度考核')]);
  await st.waitForSelector('input[data-grid]');
  expect((await st.textContent('main')).includes('尚缺评分（'), 'who lacks scores is not listed');
  const people = (await st.locator('input[data-grid]').count()) / 3;
  const block = Array.from({ length: people }, (_, i) => [80 + (i % 20), 90, 85].join('\t')).join('\n');
  await st.locator('input[data-grid]').first().evaluate((el, text) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, block);
  expect(await st.locator('input[data-grid]').nth(3 * people - 2).inputValue() === '90', 'the paste did not fill the grid');
  await shot(st, '18a-score-grid');
  await Promise.all([st.waitForNavigation(), st.click('form#grid button')]);
  expect((await st.textContent('.notice')).includes(`已保存${people}人的评分`), 'not saved');
  expect(!(await st.textContent('main')).includes('尚缺评分（'), 'people still lack scores');
  await st.context().close();
});
await check('a street publishes its assessment round', async () => {
  const st = await login('street');
  await st.goto(base + '/assessments');
  await st.click('table.list tbody tr:first-child td:first-child a');
  await st.waitForSelector('text=发布（发布后等次不可直接修改）');
  expect((await st.textContent('main')).includes('综合得分'), 'no entries');
  await shot(st, '18-assessment-round');
  // Publishing asks first, saying how many of each grade; the first answer is no.
  let asked = '';
  st.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await st.click('text=发布（发布后等次不可直接修改）');
  await st.waitForTimeout(300);
  expect(asked.includes('将发布') && asked.includes('优秀'), 'publishing did not ask: ' + asked);
  expect(!(await st.textContent('main')).includes('已发布'), 'published without a yes');
  st.once('dialog', (d) => d.accept());
  await Promise.all([st.waitForNavigation(), st.click('text=发布（发布后等次不可直接修改）')]);
  expect((await st.textContent('.notice')).includes('已发布'), 'not published');
  await shot(st, '19-assessment-published');
  await st.context().close();
});
await check('reserve pool against the 1:3 ratio', async () => {
  await page.goto(base + '/reserves');
  const text = await page.textContent('main');
  expect(text.includes('未达比例的社区') && text.includes('两委职数'), 'no reserve coverage');
  await shot(page, '20-reserves');
  await page.click('table.list tbody tr:first-child td:nth-child(2) a');
  await page.waitForSelector('text=加入后备名单');
  await shot(page, '21-reserves-community');
});
await check('another county cannot open the archive', async () => {
  const other = await login('tongxiang');
  const res = await other.goto(base + workerUrl);
  expect(res.status() === 404, 'expected 404, got ' + res.status());
  await shot(other, '10-other-county-404');
});
await check('a worker sees only their own archive', async () => {
  const me = await login('worker');
  expect(me.url().includes('/workers/'), 'worker not sent to own archive');
  await shot(me, '11-worker-self');
  const res = await me.goto(base + workerUrl);
  expect(res.status() === 404 || me.url() === base + workerUrl && (await me.textContent('main')).includes('申请更正'), 'worker sees another archive');
});
await check('API documentation renders', async () => {
  await page.goto(base + '/api/docs');
  await page.waitForSelector('.swagger-ui .opblock', { timeout: 10000 });
  await shot(page, '12-api-docs');
});
await check('login page on a phone, with a wrong password', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true });
  const p = await ctx.newPage();
  await p.goto(base + '/login');
  await p.fill('input[name=username]', 'street');
  await p.fill('input[name=password]', 'not-the-password');
  await Promise.all([p.waitForNavigation(), p.click('button[type=submit]')]);
  expect((await p.textContent('body')).includes('用户名或密码错误'), 'no error shown');
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  expect(width <= 390, 'the login page scrolls sideways on a phone: ' + width);
  await shot(p, '22-login-phone');
});
await check('a worker\'s own pages on a phone fit the screen', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true });
  const p = await ctx.newPage();
  await p.goto(base + '/login');
  await p.fill('input[name=username]', 'worker');
  await p.fill('input[name=password]', 'shegong2026');
  await Promise.all([p.waitForNavigation(), p.click('button[type=submit]')]);
  for (const tab of ['basic', 'education', 'appointment', 'assessment', 'pay']) {
    await p.goto(p.url().split('?')[0] + '?tab=' + tab);
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    expect(width <= 390, `the archive's ${tab} tab scrolls sideways on a phone: ${width}`);
  }
  await shot(p, '23-worker-phone');
  await ctx.close();
});
await check('a county clerk\'s home on a phone: charts one to a row, nothing wider than the screen', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true });
  const p = await ctx.newPage();
  await p.goto(base + '/login');
  await p.fill('input[name=username]', 'haining');
  await p.fill('input[name=password]', 'shegong2026');
  await Promise.all([p.waitForNavigation(), p.click('button[type=submit]')]);
  await p.waitForSelector('.chart canvas', { timeout: 10000 });
  const wide = await p.evaluate(() => document.documentElement.scrollWidth);
  expect(wide <= 392, `the page is ${wide}px wide`);
  const widths = await p.$$eval('.chart', (cs) => cs.map((c) => c.clientWidth));
  expect(widths.every((w) => w > 300), 'charts squeezed two to a row: ' + widths.join(','));
  await shot(p, '24-home-phone');
  await ctx.close();
});
await check('account page: change password form and tokens', async () => {
  await page.goto(base + '/account');
  await page.fill('input[name=current_password]', 'shegong2026');
  await page.fill('input[name=new_password]', 'short');
  await page.fill('input[name=confirm_password]', 'short');
  // The browser's own minlength check stops this; the server's rule is tested over HTTP.
  const blocked = await page.evaluate(() => !document.querySelector('input[name=new_password]').checkValidity());
  expect(blocked, 'a 5-character password passes the form');
  expect(!(await page.textContent('main')).includes('API 令牌'), 'tokens on the account page');
  await shot(page, '23-account');
  // Tokens and the API document live under 系统, for staff.
  await Promise.all([page.waitForNavigation(), page.click('nav a[href="/system"]')]);
  const sys = await page.textContent('main');
  expect(sys.includes('API 令牌') && sys.includes('接口文档') && sys.includes('用户管理'), 'no 系统 page');
  await shot(page, '23b-system');
});
await finish();
