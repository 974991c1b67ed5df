import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Sockets a hostile client holds open: half-sent requests and connection floods.
@Suite("Connection attacks") struct ConnectionAttackTests {
    /// A blocking TCP socket connected to the server on loopback.
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        return fd
    }

    static func send(_ fd: Int32, _ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
    }

    /// The sockets among `fds` the server has closed (readable with end of file or an error).
    static func closedByServer(_ fds: [Int32]) -> Set<Int32> {
        var polls = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        _ = poll(&polls, nfds_t(polls.count), 0)
        var closed = Set<Int32>()
        var buffer = [UInt8](repeating: 0, count: 512)
        for entry in polls where entry.revents != 0 {
            let read = recv(entry.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if read <= 0 { closed.insert(entry.fd) }
        }
        return closed
    }

    @Test func halfSentRequestsAreClosedAfterTheIdleTimeoutWhileOthersAreServed() async throws {
        let server = try await ServerHarness.start { $0.idleTimeout = 2; $0.maxConnections = 500 }
        defer { Task { await server.stop() } }
        let fds = try (0..<200).map { _ in try Self.connect(port: server.port) }
        defer { for fd in fds { close(fd) } }
        for fd in fds { Self.send(fd, "GET /health/li") }
        // A normal client is served meanwhile.
        #expect(try await server.request(.GET, "/health/live").status == 200)
        let started = ContinuousClock.now
        var closed = Set<Int32>()
        while closed.count < fds.count && ContinuousClock.now - started < .seconds(30) {
            try await Task.sleep(for: .milliseconds(200))
            closed.formUnion(Self.closedByServer(fds))
        }
        #expect(closed.count == fds.count, "\(fds.count - closed.count) half-open sockets still open 30 s after a 2 s timeout")
        #expect(try await server.request(.GET, "/health/live").status == 200)
    }

    @Test func connectionsBeyondTheCapAreClosedAtOnce() async throws {
        let server = try await ServerHarness.start { $0.maxConnections = 20 }
        defer { Task { await server.stop() } }
        var held = try (0..<20).map { _ in try Self.connect(port: server.port) }
        defer { for fd in held { close(fd) } }
        try await Task.sleep(for: .milliseconds(300))
        let extra = try Self.connect(port: server.port)
        defer { close(extra) }
        var refused = false
        for _ in 0..<25 where !refused {
            try await Task.sleep(for: .milliseconds(200))
            refused = Self.closedByServer([extra]).contains(extra)
        }
        #expect(refused, "the 21st connection was kept open")
        #expect(Self.closedByServer(held).isEmpty, "connections within the cap were closed")
        // Room again once some go.
        for fd in held.prefix(5) { close(fd) }
        held.removeFirst(5)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await server.request(.GET, "/health/live").status == 200)
    }
}
