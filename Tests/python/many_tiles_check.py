#!/usr/bin/python3
"""The status page with many sources in headless Chromium: how long until the visible tiles show pictures, how many
thumbnails were fetched (only visible tiles should be), and whether the last tile loads once scrolled to.

    many_tiles_check.py BASE_URL SCREENSHOT.png

Prints one JSON object.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from status_page_check import DevTools  # noqa: E402

COUNT_JS = """JSON.stringify((() => {
  const tiles = [...document.querySelectorAll('.tile')];
  const inView = tiles.filter(t => { const r = t.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; });
  return {tiles: tiles.length, in_view: inView.length,
          in_view_loaded: inView.filter(t => t.querySelector('img').classList.contains('loaded')).length,
          loaded: tiles.filter(t => t.querySelector('img').classList.contains('loaded')).length,
          last_loaded: tiles.length > 0 && tiles[tiles.length - 1].querySelector('img').classList.contains('loaded')};
})())"""


def main():
    base, screenshot = sys.argv[1], sys.argv[2]
    profile = tempfile.mkdtemp(prefix="lookout-chromium-")
    browser = subprocess.Popen(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=1280,900",
                                "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not (os.path.exists(port_file) and open(port_file).read().strip()) and time.time() < deadline:
            time.sleep(0.1)
        port = int(open(port_file).read().split()[0])
        page = next(t for t in json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port)) if t["type"] == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        started = time.time()
        tools.call("Page.navigate", url=base + "/")
        state, visible_at = {}, None
        while time.time() - started < 30:
            state = json.loads(tools.evaluate(COUNT_JS) or "{}")
            if state.get("tiles") and state["in_view_loaded"] == state["in_view"]:
                visible_at = time.time() - started
                break
            time.sleep(0.05)
        time.sleep(2)  # two refresh periods: thumbnails of tiles out of view must still not be fetched
        settled = json.loads(tools.evaluate(COUNT_JS))
        with open(screenshot, "wb") as f:
            f.write(base64.b64decode(tools.call("Page.captureScreenshot", format="png")["data"]))
        # Scroll to the end: the last tile's thumbnail loads.
        probe_started = time.time()
        tools.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        last_at = None
        while time.time() - probe_started < 20:
            if json.loads(tools.evaluate(COUNT_JS))["last_loaded"]:
                last_at = time.time() - probe_started
                break
            time.sleep(0.05)
        # How long a script round trip takes on the loaded page (the page stays responsive).
        t0 = time.time()
        for _ in range(20):
            tools.evaluate("document.querySelectorAll('.tile').length")
        print(json.dumps({"initial": state, "visible_loaded_after": visible_at, "settled": settled,
                          "last_tile_loaded_after_scroll": last_at,
                          "evaluate_ms": round((time.time() - t0) / 20 * 1000, 2)}))
    finally:
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
