import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// Hummingbird's HTTP/1.1 channel behind the connection cap, the deadlines
/// and, when configured, TLS with a certificate that can be replaced while
/// serving.
struct TrentChildChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let responder: HTTPChannelHandler.Responder
    let limits: ConnectionLimits
    let registry: ConnectionRegistry
    let tls: TLSContextBox?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admission = registry.admit(channel)
        if admission == .admitted {
            channel.closeFuture.whenComplete { [registry] _ in registry.closed(channel) }
        }
        let limits = limits
        let registry = registry
        return channel.eventLoop.makeCompletedFuture {
            if let tls {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.current))
            }
            try channel.pipeline.syncOperations.addHandler(ReadActivityHandler())
        }.flatMap {
            let configuration = HTTP1Channel.Configuration(
                additionalChannelHandlers: admission == .admitted
                    ? [ConnectionDeadlines(limits: limits, registry: registry)] : [OverCapacityHandler()],
                httpDecoderConfiguration: .init(maxHeaderFieldSize: limits.maximumHeaderBytes, maxHeaderListSize: limits.maximumHeaderBytes)
            )
            return HTTP1Channel(responder: responder, configuration: configuration).setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}
