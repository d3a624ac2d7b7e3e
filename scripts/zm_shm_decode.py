#!/usr/bin/env python3
"""Independent decoder of a ZoneMinder 1.36 segment /dev/shm/zm.mmap.<id> (x86_64), Python stdlib only.

Written from the offsets in docs/zm-shm-layouts.md, not from Lookout's Swift code, so the integration
tests (Tests/LookoutIntegrationTests/OracleTests.swift) can cross-check our decoder against it on the
same bytes. Covers the two 1.36 layouts: SharedData of 760 bytes (1.36.0-1.36.33) and 768 bytes
(1.36.34+), each followed by TriggerData (560), VideoStoreData (4128), one timeval per slot, then the
image ring starting at the next 64-byte boundary.

    zm_shm_decode.py [--map-dir DIR] MONITOR_ID...     print every field of each segment

As a module: read(monitor_id) -> (path, file_size, shared, trigger, video_store, slots, timestamps,
images_offset, newest_image). The file is opened with the module-level name `open`, so a caller may
substitute it (the tests point it at a frozen copy).
"""
import mmap
import os
import struct
import sys

MAP_DIR = "/dev/shm"

# SharedData fields: name -> (offset, struct code) for the 760-byte layout. The 768-byte layout inserts
# int32 image_count at 12 and moves everything from `state` on by 4, then by 8 (alignment of the doubles).
_SD_760 = {
    "size": (0, "I"), "last_write_index": (4, "i"), "last_read_index": (8, "i"), "state": (12, "I"),
    "capture_fps": (16, "d"), "analysis_fps": (24, "d"), "last_event_id": (32, "Q"), "action": (40, "I"),
    "brightness": (44, "i"), "hue": (48, "i"), "colour": (52, "i"), "contrast": (56, "i"),
    "alarm_x": (60, "i"), "alarm_y": (64, "i"), "valid": (68, "B"), "active": (69, "B"), "signal": (70, "B"),
    "format": (71, "B"), "imagesize": (72, "I"), "last_frame_score": (76, "I"), "audio_frequency": (80, "I"),
    "audio_channels": (84, "I"), "startup_time": (88, "q"), "zmc_heartbeat_time": (96, "q"),
    "last_write_time": (104, "q"), "last_read_time": (112, "q"), "control_state": (120, "256s"),
    "alarm_cause": (376, "256s"), "video_fifo_path": (632, "64s"), "audio_fifo_path": (696, "64s"),
}
_SD_768 = {name: (off if off < 12 else off + 4 if name == "state" else off + 8, code)
           for name, (off, code) in _SD_760.items()}
_SD_768["image_count"] = (12, "i")
LAYOUTS = {760: _SD_760, 768: _SD_768}

# TriggerData (560 bytes, right after SharedData) and VideoStoreData (4128 bytes, right after that).
_TD = [("size", 0, "I"), ("trigger_state", 4, "I"), ("trigger_score", 8, "I"), ("padding", 12, "I"),
       ("trigger_cause", 16, "32s"), ("trigger_text", 48, "256s"), ("trigger_showtext", 304, "256s")]
TRIGGER_SIZE = 560
VIDEO_STORE_SIZE = 4128
TIMEVAL = struct.Struct("<qq")

STATES = {0: "UNKNOWN", 1: "IDLE", 2: "PREALARM", 3: "ALARM", 4: "ALERT", 5: "TAPE"}  # 1.36.16 and later
TRIGGERS = {0: "CANCEL", 1: "ON", 2: "OFF"}


def _field(buf, offset, code):
    return struct.unpack_from("<" + code, buf, offset)[0]


def text(raw):
    """A char[N] field up to its first NUL."""
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def read(monitor_id, map_dir=None):
    path = "%s/zm.mmap.%s" % (map_dir or MAP_DIR, monitor_id)
    with open(path, "rb") as f:  # read-only: a reader never needs write access
        file_size = os.fstat(f.fileno()).st_size
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            size = _field(m, 0, "I")
            if size not in LAYOUTS:
                raise ValueError("%s: SharedData size %d is not a 1.36 layout (760 or 768)" % (path, size))
            shared = {name: _field(m, off, code) for name, (off, code) in LAYOUTS[size].items()}
            trigger = {name: _field(m, size + off, code) for name, off, code in _TD}
            v = size + TRIGGER_SIZE
            # VideoStoreData: u32 size, 4 bytes padding, u64 current_event, char[4096] event_file, timeval recording
            video_store = (_field(m, v, "I"), _field(m, v + 8, "Q"), _field(m, v + 16, "4096s"),
                           _field(m, v + 4112, "q"), _field(m, v + 4120, "q"))
            header = v + VIDEO_STORE_SIZE
            # file size = header + slots * (16 + imagesize) + 64 (room to align the images to 64 bytes)
            image_size = shared["imagesize"]
            slots = (file_size - header - 64) // (16 + image_size) if image_size else 0
            timestamps = [TIMEVAL.unpack_from(m, header + 16 * k) for k in range(slots)]
            images_offset = -(-(header + 16 * slots) // 64) * 64
            newest = None
            if 0 <= shared["last_write_index"] < slots:  # == slots means nothing written yet
                start = images_offset + shared["last_write_index"] * image_size
                newest = m[start:start + image_size]
    return path, file_size, shared, trigger, video_store, slots, timestamps, images_offset, newest


def show(monitor_id, map_dir=None):
    path, file_size, shared, trigger, vs, slots, timestamps, images_offset, newest = read(monitor_id, map_dir)
    print("%s  %d bytes, %d slots, images at %d" % (path, file_size, slots, images_offset))
    for name, value in shared.items():
        if isinstance(value, bytes):
            value = repr(text(value)) if name != "control_state" else "%d non-zero bytes" % sum(1 for b in value if b)
        elif name == "state":
            value = "%d (%s)" % (value, STATES.get(value, "?"))
        print("  shared_data.%s = %s" % (name, value))
    for name, value in trigger.items():
        if isinstance(value, bytes):
            value = repr(text(value))
        elif name == "trigger_state":
            value = "%d (%s)" % (value, TRIGGERS.get(value, "?"))
        print("  trigger_data.%s = %s" % (name, value))
    print("  video_store_data: size=%d current_event=%d event_file=%r recording=%d.%06d"
          % (vs[0], vs[1], text(vs[2]), vs[3], vs[4]))
    print("  timestamps: %s" % " ".join("%d.%06d" % t for t in timestamps))
    print("  newest image: %s" % ("%d bytes" % len(newest) if newest is not None else "none yet"))


if __name__ == "__main__":
    arguments = sys.argv[1:]
    directory = None
    if arguments[:1] == ["--map-dir"] and len(arguments) >= 2:
        directory, arguments = arguments[1], arguments[2:]
    if not arguments or arguments[0].startswith("-"):
        sys.exit(__doc__)
    for monitor in arguments:
        show(monitor, directory)
