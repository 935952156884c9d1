// swift-tools-version:6.1
import CompilerPluginSupport
import PackageDescription

// Targets are split by dependency weight (see ARCHITECTURE.md): `Troupe` (the umbrella users import)
// is `TroupeCore` plus the handler macros and compiles no NIO.
let strictConcurrency: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "troupe",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Troupe", targets: ["Troupe"]),
        .library(name: "TroupeCore", targets: ["TroupeCore"]),
        .library(name: "TroupeWire", targets: ["TroupeWire"]),
        .library(name: "TroupeTestKit", targets: ["TroupeTestKit"]),
        .library(name: "TroupeRemote", targets: ["TroupeRemote"]),
        .library(name: "TroupeNIOTransport", targets: ["TroupeNIOTransport"]),
        .library(name: "TroupeProtobuf", targets: ["TroupeProtobuf"]),
        .executable(name: "troupe-demo", targets: ["troupe-demo"]),
        .executable(name: "troupe", targets: ["troupe"]),
        .executable(name: "troupe-bench", targets: ["troupe-bench"]),
        .executable(name: "troupe-fuzz-wire", targets: ["troupe-fuzz-wire"]),
        .executable(name: "troupe-remote-bench", targets: ["troupe-remote-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-syntax.git", from: "603.0.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        .target(
            name: "TroupeCore",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictConcurrency
        ),
        // The transport protocol, wire envelope, framing and binary codec: pure Swift, no NIO and no
        // macros, so that it can be fuzzed (libFuzzer's `main` clashes with a macro plugin's).
        .target(
            name: "TroupeWire",
            swiftSettings: strictConcurrency
        ),
        // What users import in their tests: probes, the deterministic simulation, the behaviour
        // harness, the in-memory transport with faults, the seed sweep.
        .target(
            name: "TroupeTestKit",
            dependencies: [
                "TroupeCore", "TroupeWire",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strictConcurrency
        ),
        // Refs to actors on other nodes: the serialization registry (an allow-list), the remote
        // node that maps refs to envelopes over any `MessageTransport`. (The NIO TCP+TLS transport
        // will join it in its own target.)
        .target(
            name: "TroupeRemote",
            dependencies: [
                "TroupeCore", "TroupeWire",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        // The TCP+TLS transport on swift-nio: the only target (with its tests and the remote
        // benchmark) that compiles NIO and BoringSSL.
        .target(
            name: "TroupeNIOTransport",
            dependencies: [
                "TroupeWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        // Protobuf messages across the wire: as an actor's whole message, or inside a Codable one.
        // Only this target (and its tests) compiles swift-protobuf's library; the generated code
        // is committed (scripts/generate-protos), so no build runs its plugin.
        .target(
            name: "TroupeProtobuf",
            dependencies: [
                "TroupeCore", "TroupeWire",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strictConcurrency
        ),
        .macro(
            name: "TroupeMacros",
            dependencies: [
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
                .product(name: "SwiftDiagnostics", package: "swift-syntax"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "Troupe",
            dependencies: ["TroupeCore", "TroupeMacros"],
            swiftSettings: strictConcurrency
        ),
        // The command-line tool: `troupe node` starts a node (the multi-process tests use it),
        // `troupe certs` writes development TLS credentials.
        .executableTarget(
            name: "troupe",
            dependencies: [
                "Troupe", "TroupeRemote", "TroupeNIOTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictConcurrency
        ),
        .executableTarget(
            name: "troupe-demo",
            dependencies: ["Troupe"],
            swiftSettings: strictConcurrency
        ),
        // The libFuzzer target for the wire decoders; depends on TroupeWire alone (no macros, whose
        // plugin's `main` would clash with libFuzzer's). See its main.swift for the build flags.
        .executableTarget(
            name: "troupe-fuzz-wire",
            dependencies: ["TroupeWire"],
            swiftSettings: strictConcurrency
        ),
        .executableTarget(
            name: "troupe-remote-bench",
            dependencies: [
                "Troupe", "TroupeRemote", "TroupeNIOTransport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(name: "CTroupeBench"),
        .executableTarget(
            name: "troupe-bench",
            dependencies: ["Troupe", "CTroupeBench"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "TroupeCoreTests",
            dependencies: [
                "TroupeCore",
                "TroupeTestKit",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "TroupeMacrosTests",
            dependencies: [
                "TroupeMacros",
                .product(name: "SwiftSyntaxMacroExpansion", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacrosGenericTestSupport", package: "swift-syntax"),
            ],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "TroupeWireTests",
            dependencies: ["TroupeWire"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "TroupeTestKitTests",
            dependencies: ["TroupeTestKit", "Troupe"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "TroupeRemoteTests",
            dependencies: ["TroupeRemote", "TroupeTestKit", "Troupe"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "TroupeNIOTransportTests",
            dependencies: [
                "TroupeNIOTransport", "TroupeRemote", "TroupeTestKit", "Troupe",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "TroupeProtobufTests",
            dependencies: [
                "TroupeProtobuf", "TroupeRemote", "TroupeTestKit", "Troupe",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Protos/inventory.proto"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "TroupeTests",
            dependencies: ["Troupe", "TroupeWire"],
            swiftSettings: strictConcurrency
        ),
    ]
)
