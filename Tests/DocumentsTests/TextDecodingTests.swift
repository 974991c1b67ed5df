import Foundation
import Testing
@testable import Documents

@Suite struct TextDecodingTests {
    let files = TestFiles()
    let sample = "Café naïve “quotes” — Zürich"

    @Test func utf8WithAndWithoutBOM() async throws {
        let plain = await files.extract("a.txt", Data(sample.utf8)).document
        let bom = await files.extract("b.txt", Data([0xEF, 0xBB, 0xBF]) + Data(sample.utf8)).document
        #expect(plain?.pages.first?.text == sample)
        #expect(bom?.pages.first?.text == sample)
        #expect(plain?.format == .txt)
        #expect(plain?.pages.first?.number == nil)
    }

    @Test func utf16BothEndiannessesWithBOM() async throws {
        let units = Array(sample.utf16)
        let little = Data([0xFF, 0xFE]) + Data(units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let big = Data([0xFE, 0xFF]) + Data(units.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        #expect(await files.extract("le.txt", little).document?.pages.first?.text == sample)
        #expect(await files.extract("be.txt", big).document?.pages.first?.text == sample)
    }

    @Test func windows1252IsDecodedToTheSameUnicode() async throws {
        // "Café naïve “quotes” — Zürich" in Windows-1252.
        let bytes: [UInt8] = Array("Caf".utf8) + [0xE9] + Array(" na".utf8) + [0xEF] + Array("ve ".utf8) + [0x93] + Array("quotes".utf8) + [0x94, 0x20, 0x97] + Array(" Z".utf8) + [0xFC] + Array("rich".utf8)
        #expect(await files.extract("legacy.txt", Data(bytes)).document?.pages.first?.text == sample)
    }

    @Test func lineEndsAreNormalised() async throws {
        let text = await files.extract("crlf.txt", Data("one\r\ntwo\rthree\nfour\u{000C}five".utf8)).document?.pages.first?.text
        #expect(text == "one\ntwo\nthree\nfour\nfive")
    }

    @Test func binaryContentIsRefused() async {
        var bytes = [UInt8](repeating: 0, count: 256)
        for i in bytes.indices { bytes[i] = UInt8((i * 37) & 0xFF) }
        #expect(await files.extract("blob.txt", Data(bytes)).errorCode == .binaryContent)
        #expect(await files.extract("blob.dat", Data(bytes)).errorCode == .unsupportedFormat)
    }

    @Test func undecodableUTF16IsRefused() async {
        let odd = Data([0xFF, 0xFE, 0x41, 0x00, 0x42])
        let unpaired = Data([0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00])
        #expect(await files.extract("odd.txt", odd).errorCode == .undecodableText)
        #expect(await files.extract("unpaired.txt", unpaired).errorCode == .undecodableText)
    }

    @Test func emptyAndWhitespaceOnlyFiles() async {
        #expect(await files.extract("empty.txt", Data()).errorCode == .emptyFile)
        #expect(await files.extract("blank.txt", Data(" \n\t\n".utf8)).errorCode == .emptyFile)
    }

    @Test func missingFileIsUnreadableAndNamed() async {
        let result = await DocumentExtractor().result(path: "/nonexistent/file.pdf")
        #expect(result.errorCode == .unreadable)
        if case .failure(let error) = result { #expect(error.description.hasPrefix("/nonexistent/file.pdf: ")) }
    }

    @Test func knownBinaryFormatsAreNamed() async {
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0])
        let result = await files.extract("picture.txt", png)
        #expect(result.errorCode == .unsupportedFormat)
        if case .failure(let error) = result { #expect(error.message.contains("PNG")) }
    }
}
