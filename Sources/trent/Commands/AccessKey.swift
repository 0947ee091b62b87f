import ArgumentParser
import Foundation
import KMSCore
import KMSServer


struct AccessKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access-key",
        abstract: "Manage a user's access keys.",
        subcommands: [Create.self, List.self, Delete.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create another access key for a user; prints its secret once.")

        @Option(name: .long, help: "The user to create the key for.")
        var user: String

        @OptionGroup var data: DataOptions

        func run() async throws {
            let directory = try await data.open()
            printJSON(try await directory.identities.createAccessKey(for: user))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's access key IDs (never their secrets).")

        @Option(name: .long, help: "The user whose keys to list.")
        var user: String

        @OptionGroup var data: DataOptions

        func run() async throws {
            let directory = try await data.open()
            guard try await directory.store.user(named: user) != nil else {
                throw ValidationError("User \(user) does not exist.")
            }
            let keys = try await directory.store.listAccessKeys(userName: user)
            printJSON(["AccessKeys": keys.map { AccessKeyListEntry(AccessKeyId: $0.id, CreatedAt: $0.createdAt) }])
        }
    }
}

extension AccessKey {
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an access key.",
            discussion: "A running server stops accepting the key within its --credential-cache-seconds."
        )

        @Option(name: .long, help: "The user who owns the key.")
        var user: String

        @Argument(help: "The access key ID to revoke.")
        var accessKeyID: String

        @OptionGroup var data: DataOptions

        func run() async throws {
            let directory = try await data.open()
            try await directory.identities.deleteAccessKey(accessKeyID, of: user)
            printJSON(["DeletedAccessKeyId": accessKeyID])
        }
    }
}

struct AccessKeyListEntry: Encodable {
    var AccessKeyId: String
    var CreatedAt: Date
}
