#!/usr/bin/python3
"""An independent MQTT client (paho-mqtt, Debian's python3-paho-mqtt: run with /usr/bin/python3) for the MQTT tests.

retained: subscribe to PATTERNs and print every retained message as a JSON object {topic: payload}. The end of the
          retained burst is found without a timer: after SUBACK the client publishes a marker on a topic of its own
          that it also subscribed to; the broker sends the retained messages before that marker.
watch:    subscribe to PATTERNs, optionally publish one message once subscribed, and print the messages received
          (JSON list of {topic, payload, retain, t}) as soon as every --until TOPIC=SUBSTRING was seen; exit 1 if
          --timeout passes first (the list so far is still printed).
"""
import argparse, json, os, sys, time, uuid
import paho.mqtt.client as mqtt


def connect(port, on_message):
    client = mqtt.Client(client_id="test-" + uuid.uuid4().hex[:12], clean_session=True)
    client.on_message = on_message
    client.connect("127.0.0.1", port, keepalive=30)
    return client


def retained(args):
    marker = "lookout-test/marker/" + uuid.uuid4().hex
    found, done = {}, []

    def on_message(client, userdata, message):
        if message.topic == marker:
            done.append(True)
        elif message.retain:
            found[message.topic] = message.payload.decode("utf-8", "replace")

    client = connect(args.port, on_message)
    subscribed = []
    client.on_subscribe = lambda *a: subscribed.append(True)
    client.subscribe([(p, 1) for p in args.patterns] + [(marker, 1)])
    deadline = time.monotonic() + args.timeout
    published = False
    while not done and time.monotonic() < deadline:
        client.loop(timeout=0.1)
        if subscribed and not published:
            client.publish(marker, b"end", qos=1)
            published = True
    client.disconnect()
    print(json.dumps(found))
    return 0 if done else 1


def watch(args):
    wanted = [tuple(u.split("=", 1)) if "=" in u else (u, "") for u in args.until]
    seen, messages = set(), []

    def on_message(client, userdata, message):
        payload = message.payload.decode("utf-8", "replace")
        messages.append({"topic": message.topic, "payload": payload, "retain": bool(message.retain), "t": time.time()})
        if args.skip_retained and message.retain:
            return
        for index, (topic, text) in enumerate(wanted):
            if mqtt.topic_matches_sub(topic, message.topic) and text in payload:
                seen.add(index)

    client = connect(args.port, on_message)
    subscribed = []
    client.on_subscribe = lambda *a: subscribed.append(True)
    client.subscribe([(p, 1) for p in args.patterns])
    deadline = time.monotonic() + args.timeout
    published = False
    while len(seen) < len(wanted) and time.monotonic() < deadline:
        client.loop(timeout=0.05)
        if subscribed and not published and args.publish:
            client.publish(args.publish[0], args.publish[1].encode(), qos=1)
            published = True
    client.disconnect()
    print(json.dumps(messages))
    return 0 if len(seen) == len(wanted) else 1


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("retained")
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--timeout", type=float, default=20)
    r.add_argument("patterns", nargs="+")
    w = sub.add_parser("watch")
    w.add_argument("--port", type=int, required=True)
    w.add_argument("--timeout", type=float, default=60)
    w.add_argument("--until", action="append", default=[])
    w.add_argument("--publish", nargs=2, metavar=("TOPIC", "PAYLOAD"))
    w.add_argument("--skip-retained", action="store_true")
    w.add_argument("patterns", nargs="+")
    args = parser.parse_args()
    sys.exit(retained(args) if args.command == "retained" else watch(args))


if __name__ == "__main__":
    main()
