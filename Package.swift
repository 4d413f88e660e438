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
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
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
        // Sources, reports, claims and corrections; report files; EDTF; quantities; the
        // bundled gazetteer and commodity taxonomy.
        .target(
            name: "StrataDomain",
            dependencies: [
                "StrataLog",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources")]
        ),
        // Read models: the journal folded into shipments, volumes and timelines at any
        // point of the three time axes.
        .target(name: "StrataViews", dependencies: ["StrataDomain", "StrataLog", "LMDB"]),
        .executableTarget(
            name: "strata",
            dependencies: [
                "StrataViews",
                "StrataDomain",
                "StrataLog",
                "LMDB",  // storage errors map to exit codes (Failure.swift)
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Load generator and replay timer for benchmarks and the multi-process and crash tests.
        .executableTarget(
            name: "strata-bench",
            dependencies: [
                "StrataViews",
                "StrataDomain",
                "StrataLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB"]),
        .testTarget(name: "StrataLogTests", dependencies: ["StrataLog", "LMDB"]),
        .testTarget(name: "StrataDomainTests", dependencies: ["StrataDomain", "StrataLog"]),
        .testTarget(name: "StrataViewsTests", dependencies: ["StrataViews", "StrataDomain", "StrataLog", "LMDB"]),
        .testTarget(
            name: "StrataCLITests", dependencies: ["StrataLog", "StrataDomain", "StrataViews", "strata", "strata-bench"],
            exclude: ["InvalidReports"]),
    ],
    swiftLanguageModes: [.v6]
)
