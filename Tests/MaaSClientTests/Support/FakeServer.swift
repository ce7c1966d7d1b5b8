import Foundation
import MaaSProtocol
import ProtoWire
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A scripted stand-in for a maas server: plain blocking sockets on a thread of its own, accepting one
/// connection on 127.0.0.1 and running `script` on it. It can answer out of order, with wrong call ids, cut a
/// frame short or announce an absurd length — things a correct server never does, so the client's handling
/// of them can be tested.
final class FakeServer: Sendable {
    let port: Int
    /// Every envelope the script read, in order.
    let received = Mutex<[Envelope]>([])

    /// The sockets, each closed only by the server thread and only under this lock, so `stop()` never
    /// touches a descriptor number that was closed and reused by another test running in parallel.
    private struct Sockets {
        var listener: Int32
        var connection: Int32 = -1
        var stopped = false
    }
    private let sockets: Mutex<Sockets>
    private let exited = DispatchSemaphore(value: 0)

    init(script: @escaping @Sendable (FakeConnection) throws -> Void) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FakeServerError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 4) == 0 else {
            close(fd)
            throw FakeServerError("bind/listen: \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.sockets = Mutex(Sockets(listener: fd))

        let thread = Thread { [self] in
            defer { exited.signal() }
            let client = accept(fd, nil, nil)
            let proceed = sockets.withLock { sockets in
                close(sockets.listener)
                sockets.listener = -1
                guard client >= 0 else { return false }
                if sockets.stopped {
                    close(client)
                    return false
                }
                sockets.connection = client
                return true
            }
            guard proceed else { return }
            try? script(FakeConnection(fd: client, server: self))
            sockets.withLock { sockets in
                close(sockets.connection)
                sockets.connection = -1
            }
        }
        thread.start()
    }

    /// Wakes the server thread (a blocked accept or read sees an error or end of input) and waits for it
    /// to close its sockets.
    func stop() {
        let alreadyStopped = sockets.withLock { sockets in
            defer { sockets.stopped = true }
            if sockets.listener >= 0 { shutdown(sockets.listener, Int32(SHUT_RDWR)) }
            if sockets.connection >= 0 { shutdown(sockets.connection, Int32(SHUT_RDWR)) }
            return sockets.stopped
        }
        if !alreadyStopped { _ = exited.wait(timeout: .now() + 10) }
    }

    func record(_ envelope: Envelope) {
        received.withLock { $0.append(envelope) }
    }
}

struct FakeServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The server's side of the one accepted connection.
struct FakeConnection: Sendable {
    let fd: Int32
    let server: FakeServer

    /// Reads one whole frame and decodes it; nil at end of input.
    func readEnvelope() throws -> Envelope? {
        guard let header = try readExactly(4) else { return nil }
        let length = Int(Framing.bodyLength(header: header))
        guard let body = try readExactly(length) else { throw FakeServerError("client closed inside a frame") }
        let envelope = try Envelope(serializedBytes: body)
        server.record(envelope)
        return envelope
    }

    /// Reads frames until one carries `end_stream` (a whole call); returns them all.
    func readCall() throws -> [Envelope] {
        var frames: [Envelope] = []
        while let envelope = try readEnvelope() {
            frames.append(envelope)
            if envelope.endStream { break }
        }
        return frames
    }

    func send(_ envelope: Envelope) { sendRaw(Framing.frame(envelope)) }

    /// Answers call `callID` with OK and `response`.
    func reply(to callID: UInt64, _ response: some ProtoMessage) {
        send(Envelope(callID: callID, payload: response.serializedBytes(), status: .ok, endStream: true))
    }

    /// Ends call `callID` with an error status.
    func fail(_ callID: UInt64, _ code: StatusCode, _ message: String) {
        send(Envelope(callID: callID, status: Status(code: code, message: message), endStream: true))
    }

    func sendRaw(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Reads and discards until the client closes.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while recv(fd, &buffer, buffer.count, 0) > 0 {}
    }

    func closeNow() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    private func readExactly(_ count: Int) throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + filled, count - filled, 0) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return nil }
            filled += n
        }
        return buffer
    }
}
