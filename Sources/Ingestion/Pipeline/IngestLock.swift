public import Foundation

/// An exclusive lock per creator (`indexes/<creator>/.ingest.lock`, flock): two ingests of the
/// same creator never run at once, nor an ingest and `index rollback` or `index gc`. The holder's pid and host are written into the file so the
/// error can name them. Released when the process ends, however it ends.
public final class IngestLock {
    private let fd: Int32

    public init(directory: URL, creator: String) throws(IngestError) {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(".ingest.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .index("cannot create the lock file \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let holder = String(decoding: buffer.prefix(max(0, n)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .locked("another ingest or index command of creator \(creator) is running (\(holder.isEmpty ? "holder unknown" : holder)); wait for it to finish")
        }
        let holder = Array("pid \(getpid()) on \(ProcessInfo.processInfo.hostName)\n".utf8)
        ftruncate(fd, 0)
        _ = holder.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.fd = fd
    }

    deinit {
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
