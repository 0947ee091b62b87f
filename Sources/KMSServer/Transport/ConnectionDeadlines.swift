import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// What a connection is doing, and for how many ticks (seconds) it has done
/// it; shared by the two handlers of one connection, on its event loop.
final class ConnectionPhase {
    enum Phase {
        case waiting(requestStarted: Bool)
        case reading
        case handling
        /// Half-closed by the server: the client has a moment to read the answer.
        case lingering
    }

    var phase = Phase.waiting(requestStarted: false)
    var since = 0
    var ticks = 0

    func enter(_ phase: Phase) {
        self.phase = phase
        since = ticks
    }
}

/// Sits before the HTTP decoder: notes that a request's first bytes arrived,
/// so that its headers are timed from then.
final class ReadActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let state: ConnectionPhase

    init(state: ConnectionPhase) {
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .waiting(requestStarted: false) = state.phase { state.enter(.waiting(requestStarted: true)) }
        context.fireChannelRead(data)
    }
}

/// Closes a connection that idles between requests, sends its headers or its
/// body too slowly, that was answered before its body was read, or that the
/// server has half-closed after giving up on it (a malformed request is
/// answered 400 and then the client is not read again: without a close its
/// socket would wait in FIN-WAIT-2 for ever). Deadlines are checked by one
/// timer a second per connection, so a request costs no timer of its own.
final class ConnectionDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Seconds a half-closed connection may stay, so that the client reads the answer before the close.
    static let lingerSeconds = 2

    private let state: ConnectionPhase
    private let limits: (idle: Int, header: Int, body: Int)
    private let mark: WaitingMark
    private var requestEnded = false
    private var responseEnded = false
    private var timer: RepeatedTask?

    init(state: ConnectionPhase, limits: ConnectionLimits, mark: WaitingMark) {
        self.state = state
        self.limits = (Self.seconds(limits.idleTimeout), Self.seconds(limits.headerTimeout), Self.seconds(limits.bodyTimeout))
        self.mark = mark
    }

    private static func seconds(_ duration: Duration) -> Int { max(1, Int(duration.components.seconds)) }

    func handlerAdded(context: ChannelHandlerContext) {
        state.enter(.waiting(requestStarted: false))
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            loopBound.value.handler.tick(context: loopBound.value.context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    private func tick(context: ChannelHandlerContext) {
        state.ticks += 1
        let limit: Int? = switch state.phase {
        case .waiting(requestStarted: false): limits.idle
        case .waiting(requestStarted: true): limits.header
        case .reading: limits.body
        case .handling: nil
        case .lingering: Self.lingerSeconds
        }
        if let limit, state.ticks - state.since >= limit {
            timer?.cancel()
            timer = nil
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .outputClosed { state.enter(.lingering) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            state.enter(.reading)
            requestEnded = false
            responseEnded = false
            mark.busy()
        case .body:
            break
        case .end:
            requestEnded = true
            if responseEnded { startWaiting() } else { state.enter(.handling) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        responseEnded = true
        if requestEnded {
            startWaiting()
            context.write(data, promise: promise)
            return
        }
        // Answered before the body was read (refused before authentication, too large, throttled):
        // the rest of the body is not read, and the connection ends once the answer is out.
        context.writeAndFlush(data, promise: promise)
        context.close(mode: .output, promise: nil)
    }

    private func startWaiting() {
        state.enter(.waiting(requestStarted: false))
        mark.waiting(since: NIODeadline.now().uptimeNanoseconds)
    }
}

/// Answers a connection over the cap with 503 at once, then closes it.
final class OverCapacityHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let body = #"{"__type":"ServiceUnavailableException","message":"Trent is serving as many connections as it allows; retry shortly."}"#

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context: context)
        context.fireChannelActive()
    }

    /// Nothing the client sends is read further.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func refuse(context: ChannelHandlerContext) {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-amz-json-1.1"
        headers[.connection] = "close"
        headers[.contentLength] = String(Self.body.utf8.count)
        headers[.retryAfter] = "1"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .serviceUnavailable, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(string: Self.body))), promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            let context = loopBound.value
            context.close(mode: .output, promise: nil)
            context.eventLoop.scheduleTask(in: .seconds(Int64(ConnectionDeadlines.lingerSeconds))) { loopBound.value.close(promise: nil) }
        }
    }
}
