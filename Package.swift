// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "coachrag",
    // Synchronization's Mutex and Atomic need macOS 15 (Linux is what CI and production run).
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "coachrag", targets: ["coachrag"]),
        .executable(name: "coachrag-bench", targets: ["coachrag-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.0.0", traits: ["JSON", "YAML"]),
    ],
    targets: [
        // MARK: C libraries (installed by scripts/setup.sh)
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "blas", providers: [.apt(["libblas-dev", "libopenblas-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),

        // MARK: Libraries, lowest layer first
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=fast"])]),
        .target(name: "Documents", dependencies: ["CPoppler", "CLibXML2", "CZip", .product(name: "Subprocess", package: "swift-subprocess")],
                swiftSettings: swiftSettings),
        .target(
            name: "Tokenization",
            exclude: ["Resources/SOURCE.md"],
            resources: [.copy("Resources/vocab.txt"), .copy("Resources/bert_normalizer_table.tsv")],
            swiftSettings: swiftSettings
        ),
        .target(name: "Chunking", dependencies: ["Tokenization"], swiftSettings: swiftSettings),
        .target(
            name: "Embedding",
            dependencies: [
                "Tokenization", "CBLAS", "CKernels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VectorIndex", dependencies: ["CBLAS"],
            // Optimised even in debug builds (the test suite builds real graphs). Hot loops rely on
            // explicit range checks of everything read from a file, not on array bounds checks.
            swiftSettings: swiftSettings + [
                .unsafeFlags(["-O"], .when(configuration: .debug)),
                .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
            ]
        ),
        .target(name: "Retrieval", dependencies: ["VectorIndex", "Embedding", "Tokenization"], swiftSettings: swiftSettings),
        .target(
            name: "Pipelines",
            dependencies: ["Chunking", "VectorIndex", "Retrieval", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Ingestion",
            dependencies: [
                "Documents", "Tokenization", "Chunking", "Embedding", "VectorIndex", "Retrieval", "Pipelines",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "State",
            dependencies: ["CArgon2", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Server",
            dependencies: [
                "State", "Embedding", "VectorIndex", "Retrieval", "Tokenization", "Pipelines",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Resources/widget")],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables
        .executableTarget(
            name: "coachrag",
            dependencies: [
                "Documents", "Tokenization", "Chunking", "Embedding", "VectorIndex", "Retrieval", "Pipelines", "Ingestion", "State", "Server",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "coachrag-bench",
            dependencies: [
                "Documents", "Tokenization", "Chunking", "Embedding", "VectorIndex", "Retrieval", "Ingestion", "TestSupport", "CBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "bench/Sources/coachrag-bench",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .target(
            name: "TestSupport",
            dependencies: [
                "State",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TokenizationTests", dependencies: ["Tokenization", "TestSupport"],
            resources: [.copy("Fixtures")], swiftSettings: swiftSettings
        ),
        .testTarget(name: "ChunkingTests", dependencies: ["Chunking", "Tokenization", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "EmbeddingTests", dependencies: ["Embedding", "Tokenization", "TestSupport"],
            resources: [.copy("Fixtures")], swiftSettings: swiftSettings
        ),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "VectorIndex", "Tokenization", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "VectorIndexTests", dependencies: ["VectorIndex", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "IngestionTests", dependencies: ["Ingestion", "Pipelines", "Embedding", "VectorIndex", "Retrieval", "Tokenization", "Documents", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "PipelinesTests", dependencies: ["Pipelines", "Retrieval", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "StateTests", dependencies: ["State", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: swiftSettings),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "State", "Embedding", "VectorIndex", "Retrieval", "Tokenization", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Clients"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["TestSupport", .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
    ]
)
