/// The status page at `/`: plain HTML, CSS and JavaScript in the binary (no build step, no CDN). It lists the sources
/// (`/api/pictures`), reads states once (`/api/monitors`), then follows `/api/events`. Thumbnails reload one at a
/// time per tile, only while the tile is on screen, so 256 tiles cost what the visible ones cost.
enum StatusPage {
    static let html = """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
    <title>Lookout</title>
    <style>
    :root{--idle:#2e7d32;--prealarm:#f9a825;--alarm:#c62828;--alert:#ef6c00;--tape:#1565c0;--unknown:#757575}
    body{margin:0;font:14px system-ui,sans-serif;background:#111;color:#eee}
    header{padding:8px 12px;display:flex;gap:16px;align-items:baseline}
    header h1{font-size:18px;margin:0} #status{color:#aaa}
    #grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:8px;padding:8px}
    .tile{background:#222;border-top:6px solid var(--unknown);border-radius:4px;overflow:hidden}
    .tile[data-state=IDLE]{border-color:var(--idle)} .tile[data-state=PREALARM]{border-color:var(--prealarm)}
    .tile[data-state=ALARM]{border-color:var(--alarm);background:#4a1414} .tile[data-state=ALERT]{border-color:var(--alert)}
    .tile[data-state=TAPE]{border-color:var(--tape)}
    .tile a{display:block;aspect-ratio:4/3;background:#000} .tile img{width:100%;height:100%;object-fit:contain;display:block}
    .meta{padding:4px 6px;display:grid;grid-template-columns:1fr auto;gap:2px}
    .name{font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis} .state{font-weight:600}
    .fps,.event{color:#aaa;font-size:12px} .event{grid-column:1/3}
    </style></head>
    <body><header><h1>Lookout</h1><span id="status">loading…</span></header><div id="grid"></div>
    <script>
    "use strict";
    const token = new URLSearchParams(location.search).get("token");
    const withToken = (url) => token ? url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token) : url;
    const tiles = new Map();
    const grid = document.getElementById("grid");
    const status = document.getElementById("status");
    function tile(key, name) {
      let t = tiles.get(key);
      if (t) return t;
      const el = document.createElement("div");
      el.className = "tile"; el.id = "tile-" + key.replace("/", "-"); el.dataset.state = "UNKNOWN";
      el.innerHTML = '<a target="_blank"><img alt=""></a><div class="meta"><span class="name"></span>' +
        '<span class="state">?</span><span class="fps"></span><span class="event"></span></div>';
      el.querySelector("a").href = withToken("/api/" + key + "/stream.mjpeg?fps=5");
      el.querySelector(".name").textContent = name;
      grid.appendChild(el);
      t = {el, img: el.querySelector("img"), visible: false, loading: false, next: 0};
      t.img.onload = () => { t.loading = false; t.img.classList.add("loaded"); };
      t.img.onerror = () => { t.loading = false; };
      tiles.set(key, t); observer.observe(el);
      return t;
    }
    function setState(key, state) {
      const t = tiles.get(key); if (!t) return;
      t.el.dataset.state = state || "UNKNOWN"; t.el.querySelector(".state").textContent = state || "?";
    }
    function setFPS(key, fps) {
      const t = tiles.get(key); if (t && fps != null) t.el.querySelector(".fps").textContent = Number(fps).toFixed(1) + " fps";
    }
    function setEvent(key, text) { const t = tiles.get(key); if (t) t.el.querySelector(".event").textContent = text; }
    const observer = new IntersectionObserver((entries) => {
      for (const e of entries) for (const t of tiles.values()) if (t.el === e.target) t.visible = e.isIntersecting;
    });
    function refresh() {
      const now = Date.now();
      for (const [key, t] of tiles) {
        if (!t.visible || t.loading || now < t.next) continue;
        t.loading = true; t.next = now + 2000;
        t.img.src = withToken("/api/" + key + "/latest.jpg?h=180&quality=70&n=" + now);
      }
    }
    async function start() {
      const list = await (await fetch(withToken("/api/pictures"))).json();
      for (const s of list.sources) tile(s.key, s.name);
      try {
        const health = await (await fetch("/api/monitors")).json();
        for (const m of health.monitors) {
          const key = "monitors/" + m.monitor_id;
          if (!tiles.has(key)) tile(key, m.name || "Monitor " + m.monitor_id);
          setState(key, m.state); setFPS(key, m.capture_fps);
        }
      } catch (e) { status.textContent = "no agent: states unknown"; }
      const events = new EventSource(withToken("/api/events"));
      events.onopen = () => { status.textContent = tiles.size + " sources, live"; };
      events.onerror = () => { status.textContent = "event stream lost; retrying"; };
      events.onmessage = (m) => {
        const msg = JSON.parse(m.data), parts = msg.topic.split("."), b = msg.body || {};
        const key = (parts[0] === "ts" ? "channels/" : "monitors/") + parts[2];
        if (parts[0] === "ts") { if (parts[3] === "state") { setState(key, (b.state || "").toUpperCase()); setFPS(key, b.fps); } return; }
        if (parts[3] === "state") setState(key, b.state);
        else if (parts[3] === "fps") setFPS(key, b.capture_fps);
        else if (parts[3] === "event") setEvent(key, "event " + b.event_id + " " + b.type + (b.cause ? " (" + b.cause + ")" : ""));
      };
      setInterval(refresh, 250); refresh();
    }
    start().catch((e) => { status.textContent = "cannot list sources: " + e; });
    </script></body></html>
    """
}
