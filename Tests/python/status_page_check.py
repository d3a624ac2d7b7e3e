#!/usr/bin/python3
"""Loads lookout serve's status page in headless Chromium (Debian's `chromium`), driven over the DevTools protocol
with a minimal stdlib WebSocket client. Run with /usr/bin/python3 (Pillow checks the screenshot).

    status_page_check.py BASE_URL SCREENSHOT.png ALARM_MONITOR -- TRIGGER_ON_COMMAND...

Waits until every tile shows a loaded thumbnail, saves a screenshot, then runs the command that forces an alarm and
polls the DOM until the monitor's tile has the alarm state and colour. Prints one JSON object.
"""
import base64
import io
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import zm_shm_decode  # noqa: E402
from PIL import Image, ImageStat  # noqa: E402


class DevTools:
    def __init__(self, ws_url):
        host, _, path = ws_url[len("ws://"):].partition("/")
        hostname, _, port = host.partition(":")
        self.sock = socket.create_connection((hostname, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET /%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, host, key)).encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(4096)
        self.buffer = self.buffer.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    def _read(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise EOFError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def _frame(self):
        first, second = self._read(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack(">H", self._read(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", self._read(8))[0]
        return first & 0x80, first & 0x0F, self._read(length)

    def _message(self):
        parts = []
        while True:
            fin, _, payload = self._frame()
            parts.append(payload)
            if fin:
                return json.loads(b"".join(parts))

    def call(self, method, **params):
        self.next_id += 1
        payload = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        header = bytes([0x81]) + (bytes([0x80 | len(payload)]) if len(payload) < 126 else bytes([0x80 | 126]) + struct.pack(">H", len(payload)))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        while True:
            message = self._message()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message["result"]

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")


TILES_JS = """JSON.stringify([...document.querySelectorAll('.tile')].map(t => {
  const img = t.querySelector('img'), r = img.getBoundingClientRect();
  return {id: t.id, state: t.dataset.state, border: getComputedStyle(t).borderTopColor,
          loaded: img.complete && img.naturalWidth > 0, natural: [img.naturalWidth, img.naturalHeight],
          rect: [r.left, r.top, r.width, r.height], name: t.querySelector('.name').textContent};
}))"""


def main():
    base, screenshot, alarm_monitor = sys.argv[1], sys.argv[2], int(sys.argv[3])
    trigger = sys.argv[sys.argv.index("--") + 1:]
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
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port))
        page = next(t for t in targets if t["type"] == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        tools.call("Page.enable")
        tools.call("Page.navigate", url=base + "/")
        tiles, deadline = [], time.time() + 30
        while time.time() < deadline:
            tiles = json.loads(tools.evaluate(TILES_JS) or "[]")
            if tiles and all(t["loaded"] for t in tiles):
                break
            time.sleep(0.2)
        shot = base64.b64decode(tools.call("Page.captureScreenshot", format="png")["data"])
        with open(screenshot, "wb") as f:
            f.write(shot)
        image = Image.open(io.BytesIO(shot)).convert("RGB")
        scale = image.size[0] / 1280
        for t in tiles:
            left, top, width, height = (v * scale for v in t["rect"])
            region = image.crop((int(left), int(top), int(left + width), int(top + height)))
            stat = ImageStat.Stat(region) if width and height else None
            t["picture_stddev"] = round(sum(stat.stddev) / 3, 2) if stat else 0
            t["picture_mean"] = round(sum(stat.mean) / 3, 2) if stat else 0

        # Force the alarm and time the tile's change from the moment shared memory says ALARM.
        key = "tile-monitors-%d" % alarm_monitor
        states = {"shm_alarm_at": None}

        def watch_shm():
            end = time.time() + 15
            while time.time() < end and states["shm_alarm_at"] is None:
                if zm_shm_decode.read(alarm_monitor)[2]["state"] == 3:  # ALARM in 1.36.16+ numbering
                    states["shm_alarm_at"] = time.time()
                time.sleep(0.005)

        # Other tests may hold an alarm on the shared peer: wait for the tile to leave it first.
        end = time.time() + 60
        while time.time() < end and tools.evaluate("document.getElementById('%s').dataset.state" % key) in ("ALARM", "ALERT", "PREALARM"):
            time.sleep(0.1)
        before = tools.evaluate("document.getElementById('%s').dataset.state" % key)
        watcher = threading.Thread(target=watch_shm)
        watcher.start()
        triggered_at = time.time()
        command = subprocess.Popen(trigger, stdout=subprocess.DEVNULL)
        dom_alarm_at, border = None, None
        end = time.time() + 15
        while time.time() < end:
            state = tools.evaluate("document.getElementById('%s').dataset.state" % key)
            if state == "ALARM":
                dom_alarm_at = time.time()
                border = tools.evaluate("getComputedStyle(document.getElementById('%s')).borderTopColor" % key)
                break
            time.sleep(0.01)
        watcher.join()
        command.wait(30)
        shm_at = states["shm_alarm_at"]
        print(json.dumps({
            "tiles": tiles, "state_before": before, "alarm_border": border,
            "trigger_to_dom": None if dom_alarm_at is None else round(dom_alarm_at - triggered_at, 3),
            "shm_to_dom": None if dom_alarm_at is None or shm_at is None else round(dom_alarm_at - shm_at, 3),
            "screenshot_bytes": len(shot)}))
    finally:
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
