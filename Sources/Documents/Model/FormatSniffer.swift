/// What the first bytes of a file say it is. Extensions are ignored: a PDF named `.txt` is a PDF.
enum SniffedContent: Equatable {
    case pdf
    case zip
    /// A binary format coachrag recognises but does not read (the name is for the error message).
    case knownUnsupported(String)
    /// Anything else: handed to the text decoder, which refuses binary content.
    case other
}

enum FormatSniffer {
    static func sniff<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> SniffedContent where Bytes.Element == UInt8, Bytes.Index == Int {
        let head = Array(bytes.prefix(1024))
        if head.starts(with: Array("PK\u{03}\u{04}".utf8)) || head.starts(with: Array("PK\u{05}\u{06}".utf8)) {
            return .zip
        }
        // PDF readers accept the header anywhere in the first kilobyte.
        if indexOf(Array("%PDF-".utf8), in: head) != nil { return .pdf }
        for (magic, name) in knownMagic where head.starts(with: magic) {
            return .knownUnsupported(name)
        }
        return .other
    }

    private static let knownMagic: [([UInt8], String)] = [
        ([0x89, 0x50, 0x4E, 0x47], "a PNG image"),
        ([0xFF, 0xD8, 0xFF], "a JPEG image"),
        (Array("GIF8".utf8), "a GIF image"),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "a legacy Office (OLE2) file such as .doc; save it as .docx"),
        (Array("{\\rtf".utf8), "an RTF document; save it as .docx"),
        ([0x1F, 0x8B], "a gzip archive"),
        (Array("Rar!".utf8), "a RAR archive"),
        (Array("7z".utf8) + [0xBC, 0xAF], "a 7-Zip archive"),
        ([0x7F, 0x45, 0x4C, 0x46], "an ELF executable"),
    ]

    private static func indexOf(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}
