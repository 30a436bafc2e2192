import Foundation

/// What a rollout report shows: coordinate curves against their reference, reward terms, and a stick figure.
struct ReportData: Encodable {
    struct Curve: Encodable {
        let name: String
        let unit: String
        let simulated: [Double]
        let reference: [Double]?
    }
    struct Figure: Encodable {
        /// Point names, e.g. pelvis, femur_r, toes_l.
        let points: [String]
        /// Pairs of indices into `points` drawn as bones.
        let segments: [[Int]]
        /// frames[t][p] = ground-frame (x, y, z) of point p at sample t; y is up.
        let frames: [[[Double]]]
    }
    let title: String
    /// A line under the title (model and reference).
    var subtitle = ""
    let time: [Double]
    let curves: [Curve]
    let rewardTerms: [Curve]
    /// Actuator inputs over time (excitations or torques); empty for none.
    var controls: [Curve] = []
    /// Learning curves of the run (from progress.csv) against `learningSteps` (environment steps); empty for none.
    var learning: [Curve] = []
    var learningSteps: [Double] = []
    let figure: Figure?
    let spatial: Bool
}

/// Writes `report.html`: one self-contained file (inline data, CSS and script; no network) that a person opens in
/// a browser to see every coordinate against its reference, the reward terms and an animated stick figure.
enum HTMLReport {
    static func render(_ data: ReportData) throws -> String {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        // "</" would end the script element early; JSON allows the escaped form.
        let json = String(decoding: try encoder.encode(data), as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
        return page.replacingOccurrences(of: "__TITLE__", with: escape(data.title))
                   .replacingOccurrences(of: "__DATA__", with: json)
    }

    static func write(_ data: ReportData, to url: URL) throws {
        try render(data).write(to: url, atomically: true, encoding: .utf8)
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    private static let page = """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>__TITLE__</title>
    <style>
    body { font: 14px system-ui, sans-serif; margin: 16px; color: #222; }
    h1 { font-size: 18px; } h2 { font-size: 15px; margin: 18px 0 6px; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 10px; }
    .plot { border: 1px solid #ddd; } .legend span { margin-right: 14px; }
    #player { display: flex; gap: 10px; align-items: center; } #slider { flex: 1; }
    canvas.fig { border: 1px solid #ddd; background: #fafafa; }
    </style></head><body>
    <h1>__TITLE__</h1><p id="subtitle"></p>
    <div class="legend"><span style="color:#1f77b4">&#9644; simulated</span><span style="color:#d62728">&#9644; reference</span></div>
    <h2>Stick figure</h2>
    <div id="figures"></div>
    <div id="player"><button id="play">Play</button><input id="slider" type="range" min="0" value="0"><span id="clock"></span></div>
    <h2>Coordinates</h2><div class="grid" id="curves"></div>
    <h2 id="learning-title">Learning curves</h2><div class="grid" id="learning"></div>
    <h2 id="rewards-title">Reward terms</h2><div class="grid" id="rewards"></div>
    <h2 id="controls-title">Controls</h2><div class="grid" id="controls"></div>
    <script>
    const D = __DATA__;
    const T = D.time, n = T.length;
    function plot(parent, c, xs, xunit) {
      xs = xs || T; xunit = xunit === undefined ? ' s' : xunit; const n = xs.length;
      const cv = document.createElement('canvas'); cv.width = 320; cv.height = 170; cv.className = 'plot';
      parent.appendChild(cv); const g = cv.getContext('2d');
      const ys = c.simulated.concat(c.reference || []).filter(Number.isFinite);
      let lo = Math.min(...ys), hi = Math.max(...ys); if (!(hi > lo)) { lo -= 1; hi += 1; }
      const L = 44, R = 8, Tp = 18, B = 22, w = cv.width - L - R, h = cv.height - Tp - B;
      const X = i => L + w * (n > 1 ? (xs[i] - xs[0]) / (xs[n - 1] - xs[0]) : 0), Y = v => Tp + h * (hi - v) / (hi - lo);
      g.fillStyle = '#222'; g.font = '12px sans-serif'; g.fillText(c.name + (c.unit ? ' (' + c.unit + ')' : ''), L, 12);
      g.fillStyle = '#666'; g.font = '10px sans-serif';
      g.fillText(hi.toPrecision(3), 2, Tp + 8); g.fillText(lo.toPrecision(3), 2, Tp + h);
      const lab = v => xunit === ' s' ? v.toFixed(2) + xunit : v.toPrecision(3) + xunit;
      g.fillText(lab(xs[0]), L, cv.height - 6); g.fillText(lab(xs[n - 1]), L + w - 50, cv.height - 6);
      g.strokeStyle = '#ccc'; g.strokeRect(L, Tp, w, h);
      for (const [v, col] of [[c.reference, '#d62728'], [c.simulated, '#1f77b4']]) {
        if (!v) continue; g.strokeStyle = col; g.lineWidth = 1.5; g.beginPath();
        let pen = false;
        for (let i = 0; i < n; i++) { if (!Number.isFinite(v[i])) { pen = false; continue; }
          if (pen) g.lineTo(X(i), Y(v[i])); else g.moveTo(X(i), Y(v[i])); pen = true; }
        g.stroke();
      }
    }
    D.curves.forEach(c => plot(document.getElementById('curves'), c));
    D.rewardTerms.forEach(c => plot(document.getElementById('rewards'), c));
    D.controls.forEach(c => plot(document.getElementById('controls'), c));
    D.learning.forEach(c => plot(document.getElementById('learning'), c, D.learningSteps, ' steps'));
    if (!D.learning.length) document.getElementById('learning-title').style.display = 'none';
    document.getElementById('subtitle').textContent = D.subtitle;
    if (!D.rewardTerms.length) document.getElementById('rewards-title').style.display = 'none';
    if (!D.controls.length) document.getElementById('controls-title').style.display = 'none';
    const views = [];
    if (D.figure) {
      const F = D.figure, all = F.frames.flat();
      const span = k => [Math.min(...all.map(p => p[k])), Math.max(...all.map(p => p[k]))];
      const addView = (name, hk, sign) => {
        const wrap = document.createElement('span'); const cv = document.createElement('canvas');
        cv.width = 420; cv.height = 300; cv.className = 'fig'; cv.title = name;
        wrap.appendChild(cv); document.getElementById('figures').appendChild(wrap); views.push({cv, hk, sign, name});
      };
      addView('side view (x forward, y up)', 0, 1);
      if (D.spatial) addView('front view (z right, y up)', 2, 1);
      const [ylo, yhi] = span(1);
      views.forEach(v => { v.range = span(v.hk); v.ylo = Math.min(0, ylo); v.yhi = yhi; });
    }
    function draw(t) {
      document.getElementById('clock').textContent = 't = ' + T[t].toFixed(2) + ' s';
      if (!D.figure) return;
      const P = D.figure.frames[t];
      for (const v of views) {
        const g = v.cv.getContext('2d'), W = v.cv.width, H = v.cv.height;
        const ext = Math.max(v.yhi - v.ylo, 0.5) * 1.15, s = (H - 30) / ext;
        const cx = (P[0][v.hk] || 0);  // follow the root point horizontally
        const X = p => W / 2 + s * (p[v.hk] - cx), Y = p => H - 15 - s * (p[1] - v.ylo);
        g.clearRect(0, 0, W, H); g.fillStyle = '#666'; g.font = '11px sans-serif'; g.fillText(v.name, 6, 14);
        g.strokeStyle = '#999'; g.beginPath(); g.moveTo(0, Y([0, 0, 0])); g.lineTo(W, Y([0, 0, 0])); g.stroke();
        g.strokeStyle = '#1f77b4'; g.lineWidth = 3; g.lineCap = 'round';
        for (const [a, b] of D.figure.segments) { g.beginPath(); g.moveTo(X(P[a]), Y(P[a])); g.lineTo(X(P[b]), Y(P[b])); g.stroke(); }
        g.fillStyle = '#222'; for (const p of P) { g.beginPath(); g.arc(X(p), Y(p), 3, 0, 7); g.fill(); }
      }
    }
    const slider = document.getElementById('slider'), play = document.getElementById('play');
    slider.max = Math.max(n - 1, 0); let timer = null;
    slider.oninput = () => draw(+slider.value);
    play.onclick = () => {
      if (timer) { clearInterval(timer); timer = null; play.textContent = 'Play'; return; }
      play.textContent = 'Pause';
      const dt = n > 1 ? 1000 * (T[n - 1] - T[0]) / (n - 1) : 10;
      timer = setInterval(() => { slider.value = (+slider.value + 1) % n; draw(+slider.value); }, Math.max(dt, 10));
    };
    if (n > 0) draw(0);
    </script></body></html>
    """
}
