// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Lookout",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lookout", targets: ["lookout"]),
        .library(name: "ZMShm", targets: ["ZMShm"]),
        // Logging (issue 3)
        .executable(name: "zmlog", targets: ["zmlog"]),
        .library(name: "ZMLog", targets: ["ZMLog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Logging (issue 3)
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C edges
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        .target(name: "CSegmentGuard"),

        // Domain modules, in data-flow order
        .target(name: "MariaDB", dependencies: ["CMariaDB"]),
        .target(name: "ZMConfig", dependencies: ["MariaDB"]),
        .target(name: "ZMShm", dependencies: ["CSegmentGuard"]),
        .target(name: "MonitorState", dependencies: ["ZMShm"]),
        .target(
            name: "LookoutCLI",
            dependencies: [
                "ZMShm", "ZMConfig", "MonitorState",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "lookout",
            dependencies: ["LookoutCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Benchmarks (release-mode executable; see docs/performance.md)
        .executableTarget(name: "lookout-bench", dependencies: ["ZMShm"], path: "Benchmarks/ShmDecodeBench"),

        // Tests. CZMLayouts declares ZoneMinder's structs so the C compiler gives the true offsets.
        .target(name: "CZMLayouts", path: "Tests/CZMLayouts"),
        .testTarget(name: "ZMShmTests", dependencies: ["ZMShm", "CZMLayouts"]),
        .testTarget(name: "ZMConfigTests", dependencies: ["ZMConfig", "MariaDB"]),
        .testTarget(name: "MonitorStateTests", dependencies: ["MonitorState", "ZMShm"]),
        .testTarget(
            name: "LookoutIntegrationTests",
            dependencies: ["ZMShm", "ZMConfig", "MonitorState", "LookoutCLI"]
        ),

        // Logging (issue 3): ZoneMinder-compatible logger library, the `zmlog` drop-in, tests and benchmark.
        .target(name: "CZMLog"),
        .target(
            name: "ZMLog",
            dependencies: ["CZMLog", "MariaDB", "ZMConfig", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "zmlog",
            dependencies: ["ZMLog", "ZMConfig", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "lookout-log-bench", dependencies: ["ZMLog", "ZMConfig", "MariaDB"], path: "Benchmarks/LogBench"),
        .testTarget(
            name: "ZMLogTests",
            dependencies: ["ZMLog", "ZMConfig", "MariaDB", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ZMLogIntegrationTests", dependencies: ["ZMLog", "ZMConfig", "MariaDB"]),
    ]
)

for target in package.targets where target.type != .system && !["CSegmentGuard", "CZMLayouts", "CZMLog"].contains(target.name) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
