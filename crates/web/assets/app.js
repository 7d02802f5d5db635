// shegong: small page helpers. Charts are drawn from data-chart JSON on elements with class "chart".
(function () {
  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll('.chart[data-chart]').forEach(function (el) {
      if (el.dataset.drawn) return;
      el.dataset.drawn = '1';
      var spec = JSON.parse(el.dataset.chart);
      var chart = echarts.init(el);
      var palette = ['#b7231b', '#e0620d', '#d9a400', '#3a7d44', '#1456c4', '#7a4fb5', '#8c8c8c'];
      var option;
      if (spec.type === 'pie') {
        option = { color: palette, tooltip: { trigger: 'item', formatter: '{b}：{c}人（{d}%）' },
          legend: { bottom: 0, type: 'scroll' },
          series: [{ type: 'pie', radius: ['35%', '65%'], center: ['50%', '45%'],
            label: { formatter: '{b}\n{d}%' }, data: spec.data.map(function (d) { return { name: d[0], value: d[1] }; }) }] };
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
          xAxis: { type: 'category', data: spec.data.map(function (d) { return d[0]; }), axisLabel: { interval: 0, rotate: spec.data.length > 8 ? 30 : 0 } },
          yAxis: { type: 'value' },
          series: [{ type: 'bar', barMaxWidth: 40, data: spec.data.map(function (d) { return d[1]; }) }] };
      }
      chart.setOption(option);
      window.addEventListener('resize', function () { chart.resize(); });
    });
  }
  // An irreversible step asks first, saying what will happen (forms with data-confirm).
  document.addEventListener('submit', function (e) {
    var m = e.target.dataset && e.target.dataset.confirm;
    if (m && !window.confirm(m)) e.preventDefault();
  });
  document.addEventListener('DOMContentLoaded', function () { draw(document); });
  document.addEventListener('htmx:afterSwap', function (e) { draw(e.target); });
})();
