// shegong: small page helpers. Charts are drawn from data-chart JSON on elements with class "chart".
(function () {
  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll('.chart[data-chart]').forEach(function (el) {
      if (el.dataset.drawn) return;
      el.dataset.drawn = '1';
      var spec = JSON.parse(el.dataset.chart);
      // On a narrow screen pie labels give only the share (the legend names the slices) and bar
      // labels turn, so that nothing is cut or overlaps.
      var narrow = el.clientWidth < 420;
      var chart = echarts.init(el);
      var palette = ['#b7231b', '#e0620d', '#d9a400', '#3a7d44', '#1456c4', '#7a4fb5', '#8c8c8c'];
      var option;
      if (spec.type === 'pie') {
        option = { color: palette, tooltip: { trigger: 'item', formatter: '{b}：{c}人（{d}%）' },
          legend: { bottom: 0, type: 'scroll' },
          series: [{ type: 'pie', radius: ['30%', '55%'], center: ['50%', '45%'],
            label: narrow ? { formatter: '{d}%' } : { formatter: '{b}\n{d}%', overflow: 'break' }, data: spec.data.map(function (d) { return { name: d[0], value: d[1] }; }) }] };
      } else if (spec.type === 'line') {
        option = { color: palette, tooltip: { trigger: 'axis' }, legend: { bottom: 0 }, grid: { left: 60, right: 20, top: 20, bottom: 60 },
          xAxis: { type: 'category', data: spec.categories, axisLabel: { rotate: spec.categories.length > 8 ? 30 : 0 } },
          yAxis: { type: 'value', min: 0 },
          series: spec.series.map(function (s) { return { name: s[0], type: 'line', smooth: false, symbolSize: 6, data: s[1] }; }) };
      } else if (spec.type === 'bars') {
        option = { color: palette, tooltip: { trigger: 'axis' }, legend: { bottom: 0 }, grid: { left: 60, right: 20, top: 20, bottom: 70 },
          xAxis: { type: 'category', data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 8 ? 30 : 0 } },
          yAxis: { type: 'value' },
          series: spec.series.map(function (s) { return { name: s[0], type: 'bar', barMaxWidth: 28, data: s[1] }; }) };
      } else {
        option = { color: palette, tooltip: { trigger: 'axis' }, grid: { left: 60, right: 20, top: 20, bottom: 40 },
          xAxis: { type: 'category', data: spec.data.map(function (d) { return d[0]; }), axisLabel: { interval: 0, rotate: spec.data.length > 8 || narrow ? 30 : 0 } },
          yAxis: { type: 'value' },
          series: [{ type: 'bar', barMaxWidth: 40, data: spec.data.map(function (d) { return d[1]; }) }] };
      }
      // Every chart can be saved as an image named after its card (e.g. 岗位类别-2026-11-29.png).
      var card = el.closest('.card');
      var heading = el.dataset.name || (card && card.querySelector('h2') ? card.querySelector('h2').textContent.trim() : '图表');
      var title = (document.querySelector('h1') ? document.querySelector('h1').textContent.trim() + '-' : '') + heading;
      option.toolbox = { right: 0, top: 0, feature: { saveAsImage: { title: '保存为图片', name: title.replace(/[\\/:*?"<>|·\s]+/g, '-') + '-' + new Date().toISOString().slice(0, 10), pixelRatio: 2, backgroundColor: '#fff' } } };
      chart.setOption(option);
      window.addEventListener('resize', function () { chart.resize(); });
    });
  }
  // An irreversible step asks first, saying what will happen (forms with data-confirm).
  document.addEventListener('submit', function (e) {
    var m = e.target.dataset && e.target.dataset.confirm;
    if (m && !window.confirm(m)) e.preventDefault();
  });
  // A photo from a phone (3–8 MB, 12 million pixels and more) is made small enough before it is
  // sent: at most 1,600 pixels a side, as a JPEG; a one-inch photo needs far less.
  function shrinkPhoto(form) {
    var kind = form.querySelector('select[name=kind]'), input = form.querySelector('input[type=file]');
    if (!kind || !input || kind.value !== 'photo' || !input.files || !input.files[0]) return;
    var f = input.files[0];
    if (!/^image\/(jpeg|png)$/.test(f.type) || !window.createImageBitmap || !window.DataTransfer) return;
    createImageBitmap(f).then(function (img) {
      var scale = Math.min(1, 1600 / Math.max(img.width, img.height));
      if (scale === 1 && f.size <= 1.5 * 1024 * 1024) return;
      var c = document.createElement('canvas');
      c.width = Math.round(img.width * scale); c.height = Math.round(img.height * scale);
      c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
      c.toBlob(function (b) {
        if (!b) return;
        var dt = new DataTransfer();
        dt.items.add(new File([b], f.name.replace(/\.\w+$/, '') + '.jpg', { type: 'image/jpeg' }));
        input.files = dt.files;
      }, 'image/jpeg', 0.85);
    }).catch(function () { /* the server says what is wrong */ });
  }
  document.addEventListener('change', function (e) {
    var form = e.target.form;
    if (form && (e.target.type === 'file' || e.target.name === 'kind')) shrinkPhoto(form);
  });
  // A form answered with an error on the page it came from gets back what was typed: the values
  // are kept in this tab for the moment of the submit and put back only when the page that
  // follows, at the same address, shows an error (never passwords, files or hidden fields).
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (e.defaultPrevented || (f.method || '').toLowerCase() !== 'post' || f.id === 'grid' || !f.getAttribute('action')) return;
    var vals = [];
    Array.prototype.forEach.call(f.elements, function (el) {
      if (!el.name || /^(hidden|password|file|submit|button)$/.test(el.type)) return;
      vals.push([el.name, el.type === 'checkbox' || el.type === 'radio' ? (el.checked ? '1' : '') : el.value]);
    });
    try { sessionStorage.setItem('typed', JSON.stringify({ path: location.pathname, action: f.getAttribute('action'), vals: vals })); } catch (_) { /* storage off */ }
  });
  document.addEventListener('DOMContentLoaded', function () {
    var raw = null;
    try { raw = sessionStorage.getItem('typed'); sessionStorage.removeItem('typed'); } catch (_) { return; }
    if (!raw || !document.querySelector('.errors')) return;
    var t = JSON.parse(raw);
    if (t.path !== location.pathname) return;
    var f = Array.prototype.find.call(document.forms, function (x) { return x.getAttribute('action') === t.action; });
    if (!f) return;
    t.vals.forEach(function (nv) {
      var el = f.elements.namedItem(nv[0]);
      if (!el || el.type === 'hidden') return;
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = nv[1] === '1'; else el.value = nv[1];
    });
  });
  // The score grid: a block copied from Excel and pasted into one cell fills the cells to its right
  // and below; Enter and the arrow keys move as in a spreadsheet; typed cells are marked until saved.
  var dirty = false;
  function gridInputs(tr) { return Array.prototype.slice.call(tr.querySelectorAll('input[data-grid]')); }
  function gridStatus(m) { var s = document.querySelector('[data-grid-status]'); if (s) s.textContent = m; }
  document.addEventListener('paste', function (e) {
    var el = e.target;
    if (!el.matches || !el.matches('input[data-grid]')) return;
    var text = (e.clipboardData || window.clipboardData).getData('text');
    if (!/[\t\n]/.test(text)) return;
    e.preventDefault();
    var rows = text.replace(/\r/g, '').replace(/\n$/, '').split('\n').map(function (r) { return r.split('\t'); });
    var tr = el.closest('tr'), trs = Array.prototype.slice.call(tr.parentNode.children);
    var col = gridInputs(tr).indexOf(el), start = trs.indexOf(tr), n = 0;
    rows.forEach(function (vals, i) {
      var row = trs[start + i];
      if (!row) return;
      var ins = gridInputs(row);
      vals.forEach(function (v, j) {
        var input = ins[col + j];
        if (input) { input.value = v.trim(); input.classList.add('changed'); n++; }
      });
    });
    dirty = true;
    gridStatus('已粘贴' + n + '个分数，核对后请按“保存全部”');
  });
  document.addEventListener('input', function (e) {
    if (e.target.matches && e.target.matches('input[data-grid]')) { e.target.classList.add('changed'); dirty = true; gridStatus('有未保存的分数'); }
  });
  document.addEventListener('keydown', function (e) {
    var el = e.target;
    if (!el.matches || !el.matches('input[data-grid]')) return;
    var step = { Enter: 1, ArrowDown: 1, ArrowUp: -1 }[e.key];
    if (!step) return;
    e.preventDefault();
    var tr = el.closest('tr'), trs = Array.prototype.slice.call(tr.parentNode.children);
    var next = trs[trs.indexOf(tr) + step];
    if (next) { var ins = gridInputs(next), i = gridInputs(tr).indexOf(el); if (ins[i]) { ins[i].focus(); ins[i].select(); } }
  });
  document.addEventListener('submit', function (e) { if (e.target.id === 'grid') dirty = false; });
  window.addEventListener('beforeunload', function (e) { if (dirty) { e.preventDefault(); e.returnValue = ''; } });
  // Region pickers: typing part of a name lists the regions in the user's scope that contain it, each
  // with the places above it ("海宁市 海洲街道"); the server reads the chosen text back to the region.
  var pickerSeq = 0;
  document.addEventListener('input', function (e) {
    var el = e.target;
    if (!el.matches || !el.matches('input[data-region-picker]')) return;
    var q = el.value.trim();
    if (!q || /^\d+$/.test(q)) return;
    if (!el.getAttribute('list')) {
      var dl = document.createElement('datalist');
      dl.id = 'region-picker-' + (++pickerSeq);
      el.after(dl);
      el.setAttribute('list', dl.id);
    }
    clearTimeout(el._t);
    el._t = setTimeout(function () {
      fetch('/api/v1/regions/suggest?q=' + encodeURIComponent(q), { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (v) {
          var dl = document.getElementById(el.getAttribute('list'));
          dl.innerHTML = '';
          v.items.forEach(function (n) { var o = document.createElement('option'); o.value = n.label; dl.appendChild(o); });
        });
    }, 200);
  });
  document.addEventListener('DOMContentLoaded', function () { draw(document); });
  document.addEventListener('htmx:afterSwap', function (e) { draw(e.target); });
})();
