import ArgumentParser
import Crypto
import Foundation
import KMSCore
import KMSKeyStorePKCS11
import KMSServer
import SwiftASN1
import X509

struct HSM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hsm",
        abstract: "Register PKCS#11 tokens as the HSM clusters of CloudHSM-style custom key stores.",
        subcommands: [Register.self, List.self]
    )

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a PKCS#11 token as an HSM cluster; prints its ClusterId and the TrustAnchorCertificate that CreateCustomKeyStore must present. The token's PIN is not asked for: CreateCustomKeyStore takes it."
        )

        @Option(name: .long, help: "Path of the PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so).")
        var module: String

        @Option(name: .long, help: "Label of the token in that module.")
        var tokenLabel: String

        @Option(name: .long, help: "Also write the trust anchor certificate (PEM) to this file.")
        var trustAnchorOut: String?

        @OptionGroup var data: DataOptions

        func run() async throws {
            let modulePath = URL(fileURLWithPath: module).standardizedFileURL.path
            let token = try PKCS11Module.load(path: modulePath).slot(forTokenLabel: tokenLabel)
            let directory = try await data.open()
            let id = HSMClusterRecord.generateID()
            let registered = HSMClusterRecord(
                id: id, modulePath: modulePath, tokenLabel: tokenLabel, tokenSerial: token.serialNumber,
                trustAnchorCertificate: try Self.trustAnchor(clusterID: id, tokenLabel: tokenLabel, tokenSerial: token.serialNumber),
                createdAt: Date()
            )
            guard try await directory.store.commit([.registerHSMCluster(registered)]) else {
                throw ValidationError("the registration could not be stored")
            }
            if let trustAnchorOut {
                try Data(registered.trustAnchorCertificate.utf8).write(to: URL(fileURLWithPath: trustAnchorOut))
            }
            printJSON(ClusterEntry(registered))
        }

        /// A self-signed certificate naming the cluster and its token. Its key
        /// is thrown away: the certificate only identifies the registration,
        /// as a CloudHSM cluster's trust anchor identifies the cluster.
        static func trustAnchor(clusterID: String, tokenLabel: String, tokenSerial: String) throws -> String {
            let key = P256.Signing.PrivateKey()
            let name = try DistinguishedName {
                OrganizationName("Trent")
                CommonName("\(clusterID) (token \(tokenLabel), serial \(tokenSerial))")
            }
            let now = Date()
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
                notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(20 * 365 * 86_400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0)) },
                issuerPrivateKey: .init(key)
            )
            return try certificate.serializeAsPEM().pemString + "\n"
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered HSM clusters.")

        @OptionGroup var data: DataOptions

        func run() async throws {
            let directory = try await data.open()
            printJSON(["Clusters": try await directory.store.hsmClusters().map(ClusterEntry.init)])
        }
    }

    struct ClusterEntry: Encodable {
        var ClusterId: String
        var ModulePath: String
        var TokenLabel: String
        var TokenSerialNumber: String
        var TrustAnchorCertificate: String
        var CreatedAt: Date

        init(_ cluster: HSMClusterRecord) {
            ClusterId = cluster.id
            ModulePath = cluster.modulePath
            TokenLabel = cluster.tokenLabel
            TokenSerialNumber = cluster.tokenSerial
            TrustAnchorCertificate = cluster.trustAnchorCertificate
            CreatedAt = cluster.createdAt
        }
    }
}
