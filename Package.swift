// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
// The metrics API only; the executable chooses the backend (Prometheus).
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")

let package = Package(
    name: "trent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trent", targets: ["trent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // Pure: primitives, key material, the ciphertext blob format. No I/O.
        // Debian's libsecp256k1 (libsecp256k1-dev): swift-crypto has no secp256k1.
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        // Debian's libsodium, for Ed25519ph (ED25519_PH_SHA_512): neither swift-crypto nor OpenSSL 3.0 has it.
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        // Debian's OpenSSL libcrypto (libssl-dev), for HMAC-SHA-224 and RSA signatures of supplied digests,
        // which swift-crypto cannot make (it has no SHA-224, and signs only digests of its own hash types).
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "KMSCrypto",
            dependencies: [crypto, .product(name: "CryptoExtras", package: "swift-crypto"), "CSecp256k1", "CLibCrypto", "CSodium"],
            swiftSettings: swiftSettings
        ),
        // AWS JSON 1.1 wire shapes, shared by server and CLI.
        .target(name: "KMSProtocol", swiftSettings: swiftSettings),
        // Pure: the IAM policy language (parse, validate, evaluate). Key, identity and trust policies all go through it.
        .target(name: "KMSPolicy", swiftSettings: swiftSettings),
        // Pure domain: key model, lifecycle state machine, authorization, errors, one file per operation.
        .target(name: "KMSCore", dependencies: ["KMSCrypto", "KMSProtocol", "KMSPolicy", logging, metrics], swiftSettings: swiftSettings),
        // IAM and STS over the Query protocol: users, roles, policies, access keys, temporary credentials.
        .target(name: "KMSIdentity", dependencies: ["KMSCore", "KMSPolicy"], swiftSettings: swiftSettings),
        // The audit trail: CloudTrail records, the group-commit sink, signed digests, the offline verifier and LookupEvents.
        .target(
            name: "KMSAudit",
            dependencies: [
                "KMSCore", "KMSCrypto", "KMSProtocol", crypto, logging,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "SigV4", dependencies: [crypto, .product(name: "HTTPTypes", package: "swift-http-types")], swiftSettings: swiftSettings),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "KMSStorageSQLite",
            dependencies: [
                "KMSCore", "KMSCrypto", "CSQLite", metrics, .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The PKCS#11 header (p11-kit's); the module itself is dlopen()ed at run time.
        .systemLibrary(name: "CPKCS11", pkgConfig: "p11-kit-1", providers: [.apt(["libp11-kit-dev"])]),
        .target(
            name: "KMSKeyStorePKCS11",
            dependencies: ["KMSCore", "CPKCS11", .product(name: "NIOPosix", package: "swift-nio"), logging],
            swiftSettings: swiftSettings
        ),
        // Trent as an XKS client: calls external key store proxies over HTTPS, SigV4-signed.
        .target(
            name: "KMSKeyStoreXKS",
            dependencies: [
                "KMSCore", "SigV4", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // `trent xks-proxy`: the XKS Proxy API (AWS KMS external key stores) over AES keys in a PKCS#11 token.
        .target(
            name: "KMSXKSProxy",
            dependencies: [
                "KMSKeyStorePKCS11", "CPKCS11", "SigV4", crypto, logging,
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KMSServer",
            dependencies: [
                "KMSCore", "KMSCrypto", "KMSProtocol", "KMSIdentity", "KMSAudit", "SigV4",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                logging, metrics,
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "trent",
            dependencies: [
                "KMSServer", "KMSCore", "KMSAudit", "KMSStorageSQLite", "KMSKeyStorePKCS11", "KMSKeyStoreXKS", "KMSXKSProxy", crypto,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Prometheus", package: "swift-prometheus"), metrics,
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmark's ceiling: a bare Hummingbird handler answering a fixed body (Benchmarks/encrypt-wrk.sh).
        .executableTarget(
            name: "trent-ceiling",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/Ceiling",
            swiftSettings: swiftSettings
        ),
        // Shared test fixtures: the MetadataStore conformance suite, a real SQLite-backed environment and a hand-moved clock. Never shipped.
        .target(name: "KMSTestSupport", dependencies: ["KMSCore", "KMSCrypto", "KMSStorageSQLite"], swiftSettings: swiftSettings),
        .testTarget(name: "KMSStorageSQLiteTests", dependencies: ["KMSStorageSQLite", "KMSCore", "KMSTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "KMSCryptoTests", dependencies: ["KMSCrypto", "KMSTestSupport", crypto], exclude: ["Vectors"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KMSCoreTests",
            dependencies: ["KMSCore", "KMSCrypto", "KMSStorageSQLite", "KMSTestSupport", .product(name: "CryptoExtras", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KMSServerTests",
            dependencies: [
                "KMSServer", "KMSAudit", "KMSCore", "KMSIdentity", "KMSProtocol", "KMSStorageSQLite", "KMSTestSupport", "SigV4",
                .product(name: "Hummingbird", package: "hummingbird"),
                logging,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KMSAuditTests",
            dependencies: ["KMSAudit", "KMSCore", "KMSCrypto", "KMSProtocol", "KMSStorageSQLite", "KMSTestSupport", crypto, logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "KMSPolicyTests", dependencies: ["KMSPolicy"], swiftSettings: swiftSettings),
        .testTarget(name: "KMSIdentityTests", dependencies: ["KMSIdentity", "KMSCore", "KMSCrypto", "KMSTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"], swiftSettings: swiftSettings),
        .testTarget(name: "KMSXKSProxyTests", dependencies: ["KMSXKSProxy"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KMSKeyStorePKCS11Tests",
            dependencies: ["KMSKeyStorePKCS11", .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
    ]
)
