import Foundation
import Testing

/// The relay woken by each channel's waiter thread (a futex wait on `notify_seq32`), not by a timer.
extension AgentChannelTests {
    /// HEALTH's `relay` member and channel `n`'s `relay` object.
    static func relayHealth(_ agent: AgentProcess, channel n: Int) throws -> (relay: [String: Any], channel: [String: Any]) {
        let reply = try BusClient.request(agent.control, ["HEALTH"])
        let health = (reply.count > 1 ? BusClient.object(reply[1]) : nil) ?? [:]
        let channels = health["channels"] as? [[String: Any]] ?? []
        let channel = channels.first { $0["channel"] as? Int == n }?["relay"] as? [String: Any] ?? [:]
        return (health["relay"] as? [String: Any] ?? [:], channel)
    }

    static func subscribe(_ agent: AgentProcess, topic: String, seconds: Double) throws -> [String: Any] {
        let output = try Peer.run("/usr/bin/env", [
            "python3", Peer.packageRoot + "/Tests/python/frame_subscriber.py", "--pub", agent.pub, "--topic", topic,
            "--seconds", String(seconds), "--verify-pattern",
        ])
        return try #require(BusClient.object(output.stdout), "\(output.stderr)")
    }

    /// Threads of `pid` named `name` (`/proc/<pid>/task/*/comm`).
    static func threads(_ pid: Int32, named name: String) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.filter { task in
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)) ?? ""
            return comm.trimmingCharacters(in: .whitespacesAndNewlines) == name
        }.count
    }

    @Test("a 5 fps relay of a 30 fps channel sends about 5 frames a second, each one a wake-up by the channel's waiter, none by a timer")
    func relayWokenByWaiter() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let producer = try Self.producer(1, dir: dir.path, ["--size", "320x240", "--fps", "30"])
        defer {
            producer.interrupt()
            producer.waitUntilExit()
        }
        // poll_hz 1: anything beyond one wake-up a second and the relay's own is something else waking the loop.
        let agent = try AgentProcess(toml: "[agent]\npoll_hz = 1\n\n[ts]\ndir = \"\(dir.path)\"\n", arguments: ["--relay", "1@5"])
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        #expect(Self.threads(agent.process.processIdentifier, named: "lookout-ch1") == 1, "one waiter thread for the relayed channel")
        let before = try Self.relayHealth(agent, channel: 1)
        let summary = try Self.subscribe(agent, topic: "ts.channel.1.frame", seconds: 4)
        let after = try Self.relayHealth(agent, channel: 1)
        #expect(summary["bad"] as? Int == 0 && summary["increasing"] as? Bool == true, "\(summary)")
        let rate = summary["rate"] as? Double ?? 0
        #expect(rate > 3.5 && rate < 6.5, "relay_fps 5 from a 30 fps producer: \(rate) frames/s")
        func delta(_ key: String, _ pick: ([String: Any], [String: Any]) -> [String: Any] = { $1 }) -> Int {
            (pick(after.relay, after.channel)[key] as? Int ?? 0) - (pick(before.relay, before.channel)[key] as? Int ?? 0)
        }
        let sent = delta("sent"), wakeups = delta("wakeups"), signals = delta("waiter_signals")
        let loopWakeups = delta("loop_wakeups") { relay, _ in relay }
        #expect(sent >= 10, "\(after.channel)")
        #expect(abs(wakeups - sent) <= 2 && abs(signals - wakeups) <= 2, "a frame relayed per waiter signal: sent \(sent), wakeups \(wakeups), signals \(signals)")
        // The loop woke for the relay's frames, one poll a second, HEALTH, the subscriber's subscription and the
        // heartbeat: about 1.5 wake-ups per frame here, not hundreds a second.
        #expect(loopWakeups <= 2 * sent + 10, "loop wake-ups \(loopWakeups) for \(sent) frames")
        // One mapping for the whole run (an open that failed before the producer's file existed is not one).
        #expect((after.channel["waiter_opens"] as? Int) == 1 && delta("waiter_failures") == 0, "\(after.channel)")
    }

    @Test("a producer restarted smaller under a relay: the waiter re-opens, frames resume at the new size, pixels verify")
    func relaySurvivesProducerRestart() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var producer = try Self.producer(1, dir: dir.path, ["--size", "64x48", "--fps", "20"])
        let agent = try AgentProcess(toml: "[ts]\ndir = \"\(dir.path)\"\n", arguments: ["--relay", "1@10"])
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        let first = try Self.subscribe(agent, topic: "ts.channel.1.frame", seconds: 1)
        #expect((first["verified"] as? Int ?? 0) >= 3 && first["bad"] as? Int == 0, "\(first)")
        producer.interrupt()
        producer.waitUntilExit()
        #expect(truncate("\(dir.path)/sfb_data_ch1", 100) == 0, "shrunk below the header page")
        producer = try Self.producer(1, dir: dir.path, ["--size", "32x24", "--fps", "20"])
        defer {
            producer.interrupt()
            producer.waitUntilExit()
        }
        var channel: [String: Any] = [:]
        #expect(try Peer.waitUntil(timeout: 20, every: 0.2) {
            channel = try Self.relayHealth(agent, channel: 1).channel
            return (channel["waiter_opens"] as? Int ?? 0) >= 2
        }, "\(channel)")
        let second = try Self.subscribe(agent, topic: "ts.channel.1.frame", seconds: 1)
        #expect((second["verified"] as? Int ?? 0) >= 3 && second["bad"] as? Int == 0, "\(second)")
        #expect((second["first_body"] as? [String: Any])?["width"] as? Int == 32, "\(second)")
        #expect(agent.process.isRunning)
    }

    @Test("a relayed channel discovered, then gone: its waiter thread starts with it and ends when it is forgotten")
    func waiterFollowsChannel() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let producer = try Self.producer(1, dir: dir.path, ["--size", "64x48", "--fps", "20"])
        let agent = try AgentProcess(
            toml: "[agent]\ndiscovery_seconds = 0.5\nforget_missing_seconds = 1\n\n[ts]\ndir = \"\(dir.path)\"\n", arguments: ["--relay", "1@5"])
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        let pid = agent.process.processIdentifier
        #expect(try Peer.waitUntil(timeout: 20, every: 0.2) { (try Self.relayHealth(agent, channel: 1).channel["sent"] as? Int ?? 0) >= 2 })
        #expect(Self.threads(pid, named: "lookout-ch1") == 1)
        producer.interrupt()
        producer.waitUntilExit()
        #expect(unlink("\(dir.path)/sfb_data_ch1") == 0)
        #expect(Peer.waitUntil(timeout: 30, every: 0.2) { Self.threads(pid, named: "lookout-ch1") == 0 }, "the waiter ends with its channel")
        #expect(try Self.channelStates(agent)[1] == nil, "channel 1 forgotten")
        #expect(agent.process.isRunning)
    }

    @Test("stopping the agent while a relay runs to a reading subscriber exits cleanly, waiter thread joined")
    func stopWithRelayRunning() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let producer = try Self.producer(1, dir: dir.path, ["--size", "320x240", "--fps", "60"])
        defer {
            producer.interrupt()
            producer.waitUntilExit()
        }
        let agent = try AgentProcess(toml: "[ts]\ndir = \"\(dir.path)\"\n", arguments: ["--relay", "1@60"])
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        let subscriber = Process()
        subscriber.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        subscriber.arguments = [
            "python3", Peer.packageRoot + "/Tests/python/frame_subscriber.py", "--pub", agent.pub, "--topic", "ts.channel.1.frame",
            "--seconds", "30",
        ]
        subscriber.standardOutput = FileHandle.nullDevice
        try subscriber.run()
        defer {
            kill(subscriber.processIdentifier, SIGKILL)
            subscriber.waitUntilExit()
        }
        #expect(try Peer.waitUntil(timeout: 20, every: 0.2) { (try Self.relayHealth(agent, channel: 1).channel["sent"] as? Int ?? 0) >= 30 })
        #expect(Self.threads(agent.process.processIdentifier, named: "lookout-ch1") == 1)
        let status = agent.terminate()
        let errors = String(decoding: agent.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Exited by itself (the loop joined the waiter, then closed the bus), not killed by the signal or a crash.
        #expect(agent.process.terminationReason == .exit && status == 0, "exit status \(status): \(errors)")
    }
}
