#!/usr/bin/python3
"""Sequential GETs of one URL over fresh connections (as an image tile or a Home Assistant camera does), or runs of a
command; prints min/p50/p99/max milliseconds as JSON.

    latency.py url URL COUNT [--encode]   (--encode: a different quality each time, so every answer is a fresh encode)
    latency.py command COUNT -- COMMAND...
"""
import http.client
import json
import subprocess
import sys
import time
import urllib.parse


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    kind = sys.argv[1]
    samples = []
    if kind == "url":
        url, count = urllib.parse.urlsplit(sys.argv[2]), int(sys.argv[3])
        encode = "--encode" in sys.argv
        for index in range(count):
            query = "&".join(q for q in [url.query, "quality=%d" % (60 + index % 30) if encode else ""] if q)
            start = time.perf_counter()
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
            connection.request("GET", url.path + ("?" + query if query else ""))
            response = connection.getresponse()
            body = response.read()
            connection.close()
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status == 200 and body[:2] == b"\xff\xd8", response.status
    else:
        count = int(sys.argv[2])
        command = sys.argv[sys.argv.index("--") + 1:]
        for _ in range(count):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            samples.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"count": len(samples), "min": round(min(samples), 2), "p50": round(percentile(samples, 0.5), 2),
                      "p99": round(percentile(samples, 0.99), 2), "max": round(max(samples), 2)}))


if __name__ == "__main__":
    main()
