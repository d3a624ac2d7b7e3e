// swift-tools-version: 6.1
import PackageDescription

let packageDirectory = String(#filePath.prefix(upTo: #filePath.lastIndex(of: "/")!))

let package = Package(
    name: "Lookout",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lookout", targets: ["lookout"]),
        .executable(name: "lookout-agent", targets: ["lookout-agent"]),
        .library(name: "ZMShm", targets: ["ZMShm"]),
        .executable(name: "zmlog", targets: ["zmlog"]),
        .library(name: "ZMLog", targets: ["ZMLog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C edges
        // mysql.h only (libmariadb-dev); CMariaDBLoader loads libmariadb.so.3 when a connection is first made.
        .systemLibrary(name: "CMariaDB"),
        .target(name: "CMariaDBLoader", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CSegmentGuard"),
        .target(name: "CFutex"),
        .target(name: "CZMLog"),
        // libzmq.pc drags in krb5's -isystem flag, which SwiftPM rejects; zmq.h and libzmq.so are on default paths.
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        // mosquitto.h only (libmosquitto-dev); CMosquittoLoader loads libmosquitto.so.1 when the MQTT bridge starts.
        .systemLibrary(name: "CMosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .target(name: "CMosquittoLoader", linkerSettings: [.linkedLibrary("dl")]),
        // libjpeg-turbo's TurboJPEG API (libturbojpeg0-dev): the JPEG encoder of `lookout serve`'s pictures.
        .systemLibrary(name: "CTurboJPEG", providers: [.apt(["libturbojpeg0-dev"])]),

        // Domain modules, in data-flow order
        .target(name: "LookoutVersion"),
        .target(name: "PosixThread"),
        .target(name: "MariaDB", dependencies: ["CMariaDB", "CMariaDBLoader"]),
        .target(name: "ZMConfig", dependencies: ["MariaDB"]),
        .target(
            name: "ZMLog",
            dependencies: ["CZMLog", "MariaDB", "ZMConfig", "PosixThread", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "ZMShm", dependencies: ["CSegmentGuard", "FrameSource"]),
        // The interface every shared-memory frame ring satisfies (TS frame buffers, ZoneMinder's image ring): no deps.
        .target(name: "FrameSource"),
        .target(name: "TSFrameBuffer", dependencies: ["FrameSource", "ZMShm", "CFutex", "PosixThread"]),
        .target(name: "MonitorState", dependencies: ["ZMShm"]),
        .target(name: "ZMSite", dependencies: ["ZMShm", "ZMConfig", "MariaDB"]),
        // Pictures (docs/pictures.md): frames from segments and channels, one shared TurboJPEG encoder per source.
        .target(name: "Pictures", dependencies: ["CTurboJPEG", "ZMShm"]),
        .target(name: "DemoSimulator", dependencies: ["ZMShm", "PosixThread"]),
        .target(name: "LookoutJSON"),
        .target(name: "LookoutTOML"),
        // Verdicts (zmwatch's rules, the agent's own checks), threshold ranges and plugin output: pure, no I/O.
        .target(name: "LookoutHealth", dependencies: ["LookoutJSON"]),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        .target(name: "LookoutBus", dependencies: ["ZeroMQ", "LookoutJSON"]),
        // The MQTT bridge: follows the agent's bus on its own thread and mirrors it to a broker (docs/mqtt.md).
        .target(
            name: "LookoutMQTT",
            dependencies: [
                "CMosquitto", "CMosquittoLoader", "CZeroMQ", "ZeroMQ", "LookoutJSON", .product(name: "Logging", package: "swift-log"),
            ]),
        // zmtrigger.pl's TCP line protocol, served by the agent (docs/zmtrigger.md).
        .target(name: "ZMTrigger", dependencies: ["ZeroMQ", "LookoutJSON", "PosixThread", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Agent",
            dependencies: [
                "ZMShm", "ZMConfig", "ZMSite", "MonitorState", "LookoutBus", "LookoutJSON", "ZeroMQ", "DemoSimulator",
                "ZMLog", "PosixThread", "LookoutTOML", "LookoutVersion", "LookoutHealth", "FrameSource", "TSFrameBuffer",
                "LookoutMQTT", "ZMTrigger",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "LookoutCLI",
            dependencies: [
                "ZMShm", "ZMConfig", "ZMSite", "MonitorState", "LookoutJSON", "LookoutBus", "ZeroMQ", "Agent",
                "DemoSimulator", "PosixThread", "LookoutVersion", "LookoutHealth", "Pictures", "FrameSource", "TSFrameBuffer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "lookout",
            dependencies: ["LookoutCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            // Packed relative relocations (DT_RELR, glibc ≥ 2.36): the loader reads ~40 KiB of them instead of
            // ~2 MiB of RELA entries, which stayed resident (docs/performance.md). gold cannot pack them; lld can.
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"])]
        ),
        // The daemon alone, without the CLI's code; `lookout run` execs it. Its functions that run are laid out first
        // and together (packaging/lookout-agent.order, made by scripts/agent-order.sh), and it exports no symbols.
        .executableTarget(
            name: "lookout-agent",
            dependencies: ["Agent"],
            linkerSettings: [.unsafeFlags([
                "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
                "-Xlinker", "--symbol-ordering-file=\(packageDirectory)/packaging/lookout-agent.order",
                "-Xlinker", "--no-warn-symbol-ordering",
            ])]
        ),
        .executableTarget(
            name: "zmlog",
            dependencies: ["ZMLog", "ZMConfig", "LookoutVersion", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            // lld, like the others: the default linker warns about mktemp inside the static FoundationEssentials.
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"])]
        ),

        // Benchmarks (release-mode executable; see docs/performance.md)
        .executableTarget(name: "lookout-bench", dependencies: ["ZMShm"], path: "Benchmarks/ShmDecodeBench"),
        .executableTarget(name: "lookout-picture-bench", dependencies: ["Pictures", "ZMShm"], path: "Benchmarks/PictureBench"),
        .executableTarget(
            name: "lookout-log-bench", dependencies: ["ZMLog", "ZMConfig", "MariaDB"], path: "Benchmarks/LogBench"),

        // Seeded fuzzing of the segment reader (docs/zm-shm-reader.md, "Fuzzing"); a short run is a ZMShmTests test.
        .target(name: "SegmentFuzzing", dependencies: ["ZMShm"]),
        .executableTarget(name: "segment-fuzz", dependencies: ["SegmentFuzzing"]),

        // Tests. CZMLayouts declares ZoneMinder's structs so the C compiler gives the true offsets.
        .target(name: "CZMLayouts", path: "Tests/CZMLayouts"),
        .testTarget(name: "ZMShmTests", dependencies: ["ZMShm", "CZMLayouts", "SegmentFuzzing"]),
        .testTarget(name: "TSFrameBufferTests", dependencies: ["TSFrameBuffer", "FrameSource", "ZMShm"]),
        .testTarget(name: "ZMConfigTests", dependencies: ["ZMConfig", "MariaDB"]),
        .testTarget(name: "MonitorStateTests", dependencies: ["MonitorState", "ZMShm", "DemoSimulator"]),
        .testTarget(name: "LookoutBusTests", dependencies: ["LookoutBus", "ZeroMQ", "LookoutJSON"]),
        .testTarget(name: "PicturesTests", dependencies: ["Pictures", "CTurboJPEG", "ZMShm"]),
        .testTarget(name: "LookoutTOMLTests", dependencies: ["LookoutTOML"]),
        .testTarget(name: "ZMTriggerTests", dependencies: ["ZMTrigger"]),
        .testTarget(name: "LookoutHealthTests", dependencies: ["LookoutHealth", "LookoutJSON"]),
        .testTarget(name: "LookoutMQTTTests", dependencies: ["LookoutMQTT", "LookoutJSON"]),
        .testTarget(
            name: "AgentTests",
            dependencies: [
                "Agent", "ZMShm", "ZMSite", "ZeroMQ", "LookoutJSON", "DemoSimulator", "MonitorState", "LookoutBus", "LookoutVersion", "LookoutHealth",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "LookoutIntegrationTests",
            dependencies: ["ZMShm", "ZMConfig", "MariaDB", "MonitorState", "LookoutCLI", "DemoSimulator", "SegmentFuzzing", "TSFrameBuffer", "FrameSource"]
        ),
        .target(name: "ZMLogTestSupport", dependencies: ["ZMLog"], path: "Tests/ZMLogTestSupport"),
        .testTarget(
            name: "ZMLogTests",
            dependencies: ["ZMLog", "ZMLogTestSupport", "ZMConfig", "MariaDB", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ZMLogIntegrationTests", dependencies: ["ZMLog", "ZMLogTestSupport", "ZMConfig", "MariaDB"]),

    ]
)

for target in package.targets where target.type != .system && !["CSegmentGuard", "CFutex", "CZMLayouts", "CZMLog"].contains(target.name) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
