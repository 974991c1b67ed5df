/// Decodes plain-text files: UTF-8 (with or without BOM), UTF-16/UTF-32 with BOM, UTF-16 without
/// BOM when the NUL pattern is unmistakable, and legacy 8-bit text as Windows-1252 (a superset of
/// Latin-1's printable range). Line ends are normalised to LF. Binary content is refused.
enum TextDecoder {
    enum Failure: Error, Equatable {
        case binary
        case undecodable(String)
    }

    static func decode(_ bytes: [UInt8]) throws(Failure) -> String {
        let decoded: String
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            decoded = try utf8(bytes.dropFirst(3))
        } else if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) {
            decoded = try utf32(bytes.dropFirst(4), bigEndian: false)
        } else if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            decoded = try utf32(bytes.dropFirst(4), bigEndian: true)
        } else if bytes.starts(with: [0xFF, 0xFE]) {
            decoded = try utf16(bytes.dropFirst(2), bigEndian: false)
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            decoded = try utf16(bytes.dropFirst(2), bigEndian: true)
        } else if let endianness = unmarkedUTF16Endianness(bytes) {
            decoded = try utf16(bytes[...], bigEndian: endianness)
        } else {
            if looksBinary(bytes) { throw .binary }
            if let text = try? utf8(bytes[...]) {
                decoded = text
            } else {
                decoded = windows1252(bytes)
            }
        }
        if decoded.unicodeScalars.contains(where: { $0.value == 0 }) { throw .binary }
        return normaliseLineEnds(decoded)
    }

    /// NUL bytes or a high share of C0 controls (other than tab, LF, FF, CR, ESC) mean binary.
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(64 * 1024)
        var controls = 0
        for byte in sample {
            if byte == 0 { return true }
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0C && byte != 0x0D && byte != 0x1B {
                controls += 1
            }
        }
        return controls * 10 > sample.count
    }

    /// UTF-16 without a BOM: in ASCII-heavy text every other byte is NUL.
    private static func unmarkedUTF16Endianness(_ bytes: [UInt8]) -> Bool? {
        let sample = Array(bytes.prefix(4096))
        guard sample.count >= 8, sample.count % 2 == 0 else { return nil }
        var evenZeros = 0, oddZeros = 0
        for (index, byte) in sample.enumerated() where byte == 0 {
            if index % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
        }
        let pairs = sample.count / 2
        if oddZeros * 10 >= pairs * 7 && evenZeros == 0 { return false }
        if evenZeros * 10 >= pairs * 7 && oddZeros == 0 { return true }
        return nil
    }

    private static func utf8(_ bytes: ArraySlice<UInt8>) throws(Failure) -> String {
        var scalars = String.UnicodeScalarView()
        var iterator = bytes.makeIterator()
        var codec = UTF8()
        while true {
            switch codec.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return String(scalars)
            case .error: throw .undecodable("invalid UTF-8 after a UTF-8 byte-order mark")
            }
        }
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) throws(Failure) -> String {
        guard bytes.count % 2 == 0 else { throw .undecodable("UTF-16 text with an odd number of bytes") }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        var scalars = String.UnicodeScalarView()
        var iterator = units.makeIterator()
        var codec = UTF16()
        while true {
            switch codec.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return String(scalars)
            case .error: throw .undecodable("UTF-16 text with an unpaired surrogate")
            }
        }
    }

    private static func utf32(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) throws(Failure) -> String {
        guard bytes.count % 4 == 0 else { throw .undecodable("UTF-32 text whose length is not a multiple of 4 bytes") }
        var scalars = String.UnicodeScalarView()
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let b = (0..<4).map { UInt32(bytes[index + $0]) }
            let value = bigEndian ? b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3] : b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0]
            guard let scalar = Unicode.Scalar(value) else { throw .undecodable("UTF-32 text with an invalid code point") }
            scalars.append(scalar)
            index += 4
        }
        return String(scalars)
    }

    /// Windows-1252; the five bytes it leaves undefined map to the C1 controls, as browsers do.
    static func windows1252(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte >= 0x80 && byte < 0xA0, let mapped = Unicode.Scalar(cp1252High[Int(byte - 0x80)]) {
                scalars.append(mapped)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    private static let cp1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// CRLF and lone CR become LF; a form feed (our page separator) becomes LF too, since TXT has one page.
    static func normaliseLineEnds(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r":
                out.append("\n")
                previousWasCR = true
                continue
            case "\n" where previousWasCR:
                break
            case "\u{000C}":
                out.append("\n")
            default:
                out.append(scalar)
            }
            previousWasCR = false
        }
        return String(out)
    }
}
