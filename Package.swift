// swift-tools-version:6.0
import PackageDescription

/// A C library found through pkg-config and installed from Debian's packages.
func systemLibrary(_ name: String, pkgConfig: String, apt: [String]) -> Target {
  .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt(apt)])
}

/// Class properties in the record loops would otherwise pay a runtime exclusivity check on
/// every access (half of CSV→NDJSON time in a profile); the static checks still apply.
let fast: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
  name: "pl",
  products: [
    .executable(name: "pl-extract", targets: ["pl-extract"]),
    .executable(name: "pl-load", targets: ["pl-load"]),
    .executable(name: "pl-clean", targets: ["pl-clean"]),
    .executable(name: "pl-validate", targets: ["pl-validate"]),
    .executable(name: "pl-promote", targets: ["pl-promote"]),
    .executable(name: "pl-report", targets: ["pl-report"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    // The record stream: JSON values, records, NDJSON codec, stage protocols, errors. No C, no CLI.
    .target(name: "PLCore", swiftSettings: fast),

    // C libraries, each behind a Swift wrapper that owns its handles.
    systemLibrary("CPLArchive", pkgConfig: "libarchive", apt: ["libarchive-dev"]),
    systemLibrary("CPLXML2", pkgConfig: "libxml-2.0", apt: ["libxml2-dev"]),
    systemLibrary("CPLPoppler", pkgConfig: "poppler-glib", apt: ["libpoppler-glib-dev"]),
    systemLibrary("CPLSQLite3", pkgConfig: "sqlite3", apt: ["libsqlite3-dev"]),
    systemLibrary("CPLPQ", pkgConfig: "libpq", apt: ["libpq-dev"]),
    systemLibrary("CPLCrypto", pkgConfig: "libcrypto", apt: ["libssl-dev"]),
    systemLibrary("CPLUchardet", pkgConfig: "uchardet", apt: ["libuchardet-dev"]),
    systemLibrary("CPLZlib", pkgConfig: "zlib", apt: ["zlib1g-dev"]),
    systemLibrary("CPLDeflate", pkgConfig: "libdeflate", apt: ["libdeflate-dev"]),
    systemLibrary("CPLZstd", pkgConfig: "libzstd", apt: ["libzstd-dev"]),
    systemLibrary("CPLRsvg", pkgConfig: "librsvg-2.0", apt: ["librsvg2-dev"]),
    .target(name: "PLArchive", dependencies: ["PLCore", "CPLArchive"]),
    .target(name: "PLXML", dependencies: ["PLCore", "CPLXML2"]),
    .target(name: "PLPDF", dependencies: ["PLCore", "CPLPoppler"]),
    .target(name: "PLSQLite", dependencies: ["CPLSQLite3"], swiftSettings: fast),
    .target(name: "PLPostgres", dependencies: ["CPLPQ"], swiftSettings: fast),
    .target(name: "PLDigest", dependencies: ["PLCore", "CPLCrypto"]),
    .target(name: "PLCompress", dependencies: ["PLCore", "CPLZlib", "CPLDeflate", "CPLZstd"], swiftSettings: fast),

    // One library per stage.
    .target(name: "PLExtract", dependencies: [
      "PLCore", "CPLUchardet", "PLArchive", "PLXML", "PLPDF", "CPLPoppler", .product(name: "Yams", package: "Yams"),
    ], swiftSettings: fast),
    .target(name: "PLLoad", dependencies: [
      "PLCore", "PLDigest", "PLSQLite", "PLPostgres", .product(name: "Yams", package: "Yams"),
    ], swiftSettings: fast),
    // Cleaning: value parsers (numbers, results, units, times), the lab lexicon, record operations
    // and the spec format. Reference tables are data files under Data/, embedded in the binary.
    .target(name: "PLClean", dependencies: [
      "PLCore", "PLDigest", .product(name: "Yams", package: "Yams"),
    ], resources: [
      .embedInCode("Data/analytes.csv"), .embedInCode("Data/channels.csv"), .embedInCode("Data/lexicon_roles.csv"),
      .embedInCode("Data/lexicon_units.csv"), .embedInCode("Data/lexicon_words.csv"),
      .embedInCode("Data/units.csv"), .embedInCode("Data/units-basis.csv"),
    ], swiftSettings: fast),
    // Validation: the schema (Frictionless Table Schema plus rules), record and dataset rules,
    // rejects with reasons and the report. The built-in lab schema is a data file, embedded.
    .target(name: "PLValidate", dependencies: [
      "PLCore", .product(name: "Yams", package: "Yams"),
    ], resources: [.embedInCode("Data/lab.schema.yml")], swiftSettings: fast),

    // The lake: bronze files, silver and gold parts, manifests, locks, lineage events.
    .target(name: "PLLake", dependencies: [
      "PLCore", "PLDigest", "PLCompress", .product(name: "Yams", package: "Yams"),
    ], swiftSettings: fast),

    // The morning report: freshness, control charts, quality and lineage from gold and the
    // manifests (never silver), as one HTML page or one SVG/PNG per chart (PNG through librsvg).
    .target(name: "PLReport", dependencies: ["PLCore", "PLLake", "CPLRsvg"], swiftSettings: fast),

    // Shared command-line conventions: option groups, the runner, progress, summaries, metrics.
    .target(name: "PLCommandLine", dependencies: [
      "PLCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ], swiftSettings: fast),

    // Thin executables: parse, build a plan, delegate.
    .executableTarget(name: "pl-extract", dependencies: [
      "PLExtract", "PLDigest", "PLCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
    .executableTarget(name: "pl-load", dependencies: [
      "PLLoad", "PLCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
    .executableTarget(name: "pl-clean", dependencies: [
      "PLClean", "PLCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
    .executableTarget(name: "pl-validate", dependencies: [
      "PLValidate", "PLCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
    // PLClean for --pseudonymise: the same keyed pseudonyms as pl-clean (PLLake stays without it).
    .executableTarget(name: "pl-promote", dependencies: [
      "PLLake", "PLClean", "PLCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),

    .executableTarget(name: "pl-report", dependencies: [
      "PLReport", "PLCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),

    // A bench entry for the gold layer (bench/gold.sh), not a product.
    .executableTarget(name: "pl-gold-bench", dependencies: ["PLLake", "PLCore"], path: "bench/GoldBench"),

    // Helpers the test targets share: temporary folders, byte literals, pipes, chunked inputs.
    .target(name: "PLTestSupport", dependencies: ["PLCore"], path: "Tests/PLTestSupport"),
    .testTarget(name: "PLCoreTests", dependencies: ["PLCore", "PLTestSupport"]),
    .testTarget(name: "PLExtractTests", dependencies: ["PLExtract", "PLCore", "PLTestSupport"]),
    .testTarget(name: "PLCleanTests", dependencies: ["PLClean", "PLCore", "PLTestSupport"]),
    .testTarget(name: "PLValidateTests", dependencies: ["PLValidate", "PLCore", "PLTestSupport"]),
    .testTarget(name: "PLLoadTests", dependencies: ["PLLoad", "PLSQLite", "PLPostgres", "PLCore", "PLTestSupport"]),
    .testTarget(name: "PLCompressTests", dependencies: ["PLCompress", "PLCore", "PLTestSupport"]),
    .testTarget(name: "PLLakeTests", dependencies: ["PLLake", "PLCompress", "PLCore", "PLTestSupport"]),
    .testTarget(name: "PLPDFTests", dependencies: ["PLPDF", "PLCore", "PLTestSupport"]),
    .testTarget(name: "PLCommandLineTests", dependencies: ["PLCommandLine", "PLCore", "PLTestSupport"]),
    .testTarget(name: "WrapperTests", dependencies: ["PLArchive", "PLXML", "PLPDF", "PLDigest", "PLTestSupport"]),
    .testTarget(name: "PLReportTests", dependencies: ["PLReport", "PLLake", "PLCore", "PLTestSupport"]),
    .testTarget(name: "EndToEndTests", dependencies: ["PLCore", "PLExtract", "PLPDF", "PLTestSupport"]),
  ]
)
