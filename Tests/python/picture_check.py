#!/usr/bin/python3
"""Compares lookout serve's latest.jpg of a ZoneMinder monitor with the same frame read independently from shared
memory (scripts/zm_shm_decode.py's layout, Pillow's JPEG decoder). Run with Debian's /usr/bin/python3 (python3-pil).

    picture_check.py BASE_URL MONITOR_ID [QUALITY]

Prints one JSON object: width, height, format, mad (mean absolute difference per channel, 0-255), the white box's
centroid in both pictures (null when the frame has none), the frame time, and the slot it was found in.
"""
import json
import mmap
import os
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import zm_shm_decode  # noqa: E402
from PIL import Image, ImageChops, ImageStat  # noqa: E402

MODES = {2: ("L", "L"), 5: ("RGB", "BGR"), 6: ("RGB", "RGB"), 7: ("RGBA", "BGRA"), 8: ("RGBA", "RGBA")}


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers, response.read()


def slot_image(monitor_id, micros):
    """The slot whose timestamp is `micros`, copied and re-checked (its timestamp unchanged after the copy)."""
    path, _, shared, _, _, slots, timestamps, images_offset, _ = zm_shm_decode.read(monitor_id)
    size = shared["imagesize"]
    for k, (seconds, usec) in enumerate(timestamps):
        if seconds * 1_000_000 + usec != micros:
            continue
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            data = bytes(m[images_offset + k * size: images_offset + (k + 1) * size])
            header = zm_shm_decode.struct.unpack_from("<I", m, 0)[0] + zm_shm_decode.TRIGGER_SIZE + zm_shm_decode.VIDEO_STORE_SIZE
            again = zm_shm_decode.TIMEVAL.unpack_from(m, header + 16 * k)
        if again[0] * 1_000_000 + again[1] == micros:
            return k, shared["format"], data
    return None


def centroid(image):
    rgb = image.convert("RGB")
    xs = ys = n = 0
    width, height = rgb.size
    pixels = rgb.load()
    for y in range(height):
        for x in range(width):
            r, g, b = pixels[x, y]
            if r > 225 and g > 225 and b > 225:
                xs += x
                ys += y
                n += 1
    return None if n < 20 else [round(xs / n, 1), round(ys / n, 1)]


def main():
    base, monitor_id = sys.argv[1], int(sys.argv[2])
    quality = sys.argv[3] if len(sys.argv) > 3 else "95"
    for _ in range(20):
        headers, body = fetch("%s/api/monitors/%d/latest.jpg?quality=%s" % (base, monitor_id, quality))
        micros = int(headers["X-Frame-Time"])
        found = slot_image(monitor_id, micros)
        if found is None:
            continue  # the ring moved past the frame between the two reads; ask again
        slot, order, raw = found
        mode, raw_mode = MODES[order]
        jpeg = Image.open(__import__("io").BytesIO(body))
        width, height = jpeg.size
        shm = Image.frombuffer(mode, (width, height), raw, "raw", raw_mode, 0, 1)
        compare_mode = "L" if mode == "L" else "RGB"
        difference = ImageChops.difference(jpeg.convert(compare_mode), shm.convert(compare_mode))
        mad = sum(ImageStat.Stat(difference).mean) / len(compare_mode)
        print(json.dumps({"width": width, "height": height, "format": order, "mad": round(mad, 3), "slot": slot,
                          "frame_time": micros, "jpeg_box": centroid(jpeg), "shm_box": centroid(shm),
                          "jpeg_mode": jpeg.mode}))
        return 0
    print(json.dumps({"error": "the frame named by X-Frame-Time was never found in the ring"}))
    return 1


if __name__ == "__main__":
    sys.exit(main())
