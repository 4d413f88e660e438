// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Strata",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "strata", targets: ["strata"]),
        .library(name: "StrataLog", targets: ["StrataLog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    ],
    targets: [
        // The system liblmdb (apt: liblmdb-dev). Nothing else lives here.
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        // A thin, safe Swift layer over LMDB; the only module that imports CLMDB.
        .target(name: "LMDB", dependencies: ["CLMDB"]),
        // The append-only event log.
        .target(
            name: "StrataLog",
            dependencies: [
                "LMDB",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "strata",
            dependencies: [
                "StrataLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Load generator and replay timer for benchmarks and the multi-process and crash tests.
        .executableTarget(
            name: "strata-bench",
            dependencies: [
                "StrataLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB"]),
        .testTarget(name: "StrataLogTests", dependencies: ["StrataLog", "LMDB"]),
        .testTarget(name: "StrataCLITests", dependencies: ["StrataLog", "strata", "strata-bench"]),
    ],
    swiftLanguageModes: [.v6]
)
