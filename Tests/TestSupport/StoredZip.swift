public import Foundation

/// Writes ZIP archives with stored (uncompressed) entries, so tests can build DOCX files with
/// exactly the XML they need, or with hostile entry names and declared sizes.
public enum StoredZip {
    public static func make(_ entries: [(name: String, data: Data)]) -> Data {
        var output = Data()
        var central = Data()
        for (name, data) in entries {
            let nameBytes = Data(name.utf8)
            let crc = crc32(data)
            let offset = UInt32(output.count)
            output.append(le32(0x04034B50)); output.append(le16(20)); output.append(le16(0)); output.append(le16(0))
            output.append(le16(0)); output.append(le16(0x21))
            output.append(le32(crc)); output.append(le32(UInt32(data.count))); output.append(le32(UInt32(data.count)))
            output.append(le16(UInt16(nameBytes.count))); output.append(le16(0))
            output.append(nameBytes); output.append(data)

            central.append(le32(0x02014B50)); central.append(le16(20)); central.append(le16(20)); central.append(le16(0))
            central.append(le16(0)); central.append(le16(0)); central.append(le16(0x21))
            central.append(le32(crc)); central.append(le32(UInt32(data.count))); central.append(le32(UInt32(data.count)))
            central.append(le16(UInt16(nameBytes.count))); central.append(le16(0)); central.append(le16(0))
            central.append(le16(0)); central.append(le16(0)); central.append(le32(0)); central.append(le32(offset))
            central.append(nameBytes)
        }
        let centralOffset = UInt32(output.count)
        output.append(central)
        output.append(le32(0x06054B50)); output.append(le16(0)); output.append(le16(0))
        output.append(le16(UInt16(entries.count))); output.append(le16(UInt16(entries.count)))
        output.append(le32(UInt32(central.count))); output.append(le32(centralOffset)); output.append(le16(0))
        return output
    }

    /// A minimal DOCX around a `<w:body>` fragment, plus optional extra parts.
    public static func docx(body: String, extraParts: [(name: String, data: Data)] = []) -> Data {
        let contentTypes = #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#
        return make([("[Content_Types].xml", Data(contentTypes.utf8)), ("word/document.xml", Data(wordDocument(body).utf8))] + extraParts)
    }

    public static func wordDocument(_ body: String) -> String {
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>"# + body + "</w:body></w:document>"
    }

    private static func le16(_ v: UInt16) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
    private static func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }

    private static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}

/// A fresh temporary directory per test, removed when the value is dropped... by the OS: tests
/// write only small files, and each gets its own folder so parallel tests never collide.
public enum TemporaryDirectory {
    public static func make(_ label: String = "coachrag-test") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
