import Foundation
import KMSCore
import Logging
import ServiceLifecycle

/// Connects, at start-up, the custom key stores an operator connected and did
/// not disconnect (a restart does not disconnect them, as in AWS), and ends
/// every token session at shutdown.
struct CustomKeyStoreService: Service {
    let environment: ServiceEnvironment
    let logger: Logger

    func run() async throws {
        do {
            let stores = try await environment.store.customKeyStores().filter(\.connectRequested)
            let clusters = try await environment.store.hsmClusters()
            for store in stores {
                switch store.type {
                case .cloudHSM:
                    guard let cluster = clusters.first(where: { $0.id == store.cloudHsmClusterID }) else {
                        environment.customKeyStores.fail(store.id, .clusterNotFound)
                        continue
                    }
                    await environment.customKeyStores.connect(
                        store.id, to: cluster, password: try await CustomKeyStores.openPassword(of: store, in: environment)
                    )
                case .externalKeyStore:
                    await environment.customKeyStores.connect(
                        store.id, to: try await CustomKeyStores.proxyEndpoint(of: store, in: environment), requestID: UUID().uuidString.lowercased()
                    )
                }
                let (state, error) = environment.customKeyStores.state(of: store.id)
                logger.notice("custom key store reconnected", metadata: [
                    "custom-key-store-id": "\(store.id)", "state": "\(state.rawValue)", "error": "\(error?.rawValue ?? "-")",
                ])
            }
        } catch {
            logger.error("reconnecting custom key stores failed", metadata: ["error": "\(String(reflecting: error))"])
        }
        try? await gracefulShutdown()
        await environment.customKeyStores.disconnectAll()
    }
}
