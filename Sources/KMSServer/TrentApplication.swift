import Foundation
public import Hummingbird
public import KMSCore
public import Logging
import NIOCore
import SigV4

/// Builds the HTTP application: `POST /` for the KMS API and `GET /health`
/// (unauthenticated, for load balancers and test harnesses).
public func buildApplication(
    environment: ServiceEnvironment,
    identities: Identities,
    host: String,
    port: Int,
    credentialCacheLifetime: Duration,
    logger: Logger
) -> some ApplicationProtocol {
    let handler = KMSRequestHandler(
        dispatcher: OperationDispatcher(environment: environment),
        verifier: SigV4Verifier(region: environment.region, service: "kms"),
        credentials: CredentialCache(identities: identities, lifetime: credentialCacheLifetime),
        now: environment.now,
        logger: logger
    )
    let router = Router(context: BasicRequestContext.self)
    router.post("/") { request, _ in await handler.handle(request) }
    router.get("/health") { _, _ in "ok\n" }
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "Trent"),
        onServerRunning: { channel in
            logger.notice("Trent is serving the AWS KMS API", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
        },
        logger: logger
    )
}
