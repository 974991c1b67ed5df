import Foundation

/// A fast reader for `/api/embed` responses: `{"embeddings": [[number, ...], ...], ...}`.
/// Foundation's `JSONDecoder` takes ~10 ms for 32 × 768 floats on this machine; this scanner
/// reads the same in well under a millisecond. Anything unexpected returns nil, and the caller
/// falls back to `JSONDecoder` (which produces the precise error).
enum EmbeddingsJSON {
    /// `{"model": M, "input": [...], "truncate": false}`, written directly (JSONEncoder costs
    /// more than the rest of the client together for a 32 × 1000-token batch).
    static func request(model: String, inputs: [String]) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(inputs.reduce(64) { $0 + $1.utf8.count + 8 })
        out += Array(#"{"model":"#.utf8)
        appendString(model, to: &out)
        out += Array(#","input":["#.utf8)
        for (index, input) in inputs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(input, to: &out)
        }
        out += Array(#"],"truncate":false}"#.utf8)
        return Data(out)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

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
                    if let (value, length) = fastDecimal(buffer, at: i) {
                        row.append(value)
                        i += length
                        continue
                    }
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

    private static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    /// `-?digits(.digits)?` with at most 15 significant digits and no exponent (what Ollama
    /// writes for embeddings): mantissa / 10ⁿ in Double is exact-then-rounded, then one rounding
    /// to Float. Anything else returns nil and goes to `strtof`.
    @inline(__always)
    static func fastDecimal(_ buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> (Float, Int)? {
        var i = start
        let negative = buffer[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, fraction = 0
        var seenPoint = false
        while i < buffer.count {
            let byte = buffer[i]
            if byte >= 0x30 && byte <= 0x39 {
                if digits > 0 || byte != 0x30 { digits += 1 }
                guard digits <= 15 else { return nil }
                mantissa = mantissa * 10 + UInt64(byte - 0x30)
                if seenPoint { fraction += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        guard i > start + (negative ? 1 : 0), i < buffer.count, buffer[i] != UInt8(ascii: "e"), buffer[i] != UInt8(ascii: "E"), fraction <= 22 else { return nil }
        let value = Float(Double(mantissa) / powersOfTen[fraction])
        return (negative ? -value : value, i - start)
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
