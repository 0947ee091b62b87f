import ArgumentParser
import Foundation
import KMSCore
import KMSServer


struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage users (identities that sign requests).",
        subcommands: [Create.self, List.self, Delete.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user with a first access key; prints its secret once.")

        @Argument(help: "User name: 1-64 letters, digits and +=,.@_-")
        var name: String

        @OptionGroup var data: DataOptions

        func run() async throws {
            let directory = try await data.open()
            printJSON(try await directory.identities.createUser(named: name))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a user with its access keys and policies."
        )

        @Argument(help: "User name")
        var name: String

        @OptionGroup var data: DataOptions

        func run() async throws {
            let directory = try await data.open()
            try await directory.identities.deleteUserAndEverythingItHas(named: name)
            printJSON(["DeletedUser": name])
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")

        @OptionGroup var data: DataOptions

        func run() async throws {
            let directory = try await data.open()
            let users = try await directory.store.listUsers()
            printJSON(["Users": users.map { UserListEntry(UserName: $0.name, CreatedAt: $0.createdAt) }])
        }
    }
}

struct UserListEntry: Encodable {
    var UserName: String
    var CreatedAt: Date
}
