// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Lookout",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lookout", targets: ["lookout"]),
        .library(name: "ZMShm", targets: ["ZMShm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
    ]
)

for target in package.targets where target.type != .system && target.name != "CSegmentGuard" && target.name != "CZMLayouts" {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
