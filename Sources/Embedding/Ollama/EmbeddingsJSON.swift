import Foundation

/// A fast reader for `/api/embed` responses: `{"embeddings": [[number, ...], ...], ...}`.
/// Foundation's `JSONDecoder` takes ~10 ms for 32 × 768 floats on this machine; this scanner
/// reads the same in well under a millisecond. Anything unexpected returns nil, and the caller
/// falls back to `JSONDecoder` (which produces the precise error).
enum EmbeddingsJSON {
    static func parse(_ data: Data) -> [[Float]]? {
        var bytes = [UInt8](data)
        bytes.append(0)  // strtof needs a terminator
        return bytes.withUnsafeMutableBufferPointer { buffer -> [[Float]]? in
            guard let base = buffer.baseAddress else { return nil }
            let key = Array("\"embeddings\"".utf8)
            guard let keyStart = find(key, in: buffer) else { return nil }
            var i = keyStart + key.count
            func skipSpace() { while i < buffer.count, [0x20, 0x0A, 0x0D, 0x09].contains(buffer[i]) { i += 1 } }
            skipSpace()
            guard i < buffer.count, buffer[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            guard i < buffer.count, buffer[i] == UInt8(ascii: "[") else { return nil }
            i += 1
            var rows: [[Float]] = []
            while true {
                skipSpace()
                guard i < buffer.count else { return nil }
                if buffer[i] == UInt8(ascii: "]") { return rows }
                if buffer[i] == UInt8(ascii: ",") { i += 1; continue }
                guard buffer[i] == UInt8(ascii: "[") else { return nil }
                i += 1
                var row: [Float] = []
                row.reserveCapacity(rows.first?.count ?? 768)
                while true {
                    skipSpace()
                    guard i < buffer.count else { return nil }
                    if buffer[i] == UInt8(ascii: "]") { i += 1; break }
                    if buffer[i] == UInt8(ascii: ",") { i += 1; continue }
                    let start = UnsafeMutableRawPointer(base + i).assumingMemoryBound(to: CChar.self)
                    var end: UnsafeMutablePointer<CChar>?
                    let value = strtof(start, &end)
                    guard let end, end != start else { return nil }
                    row.append(value)
                    i += end - start
                }
                rows.append(row)
            }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
