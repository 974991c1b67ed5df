import Foundation
import Testing
import TestSupport
@testable import Ingestion

@Suite struct PipelineFileTests {
    @Test func theDemoPipelineParses() throws {
        let configuration = try PipelineFile.load(TestPaths.packageRoot.appendingPathComponent("pipelines/demo.yml"))
        #expect(configuration.creator == "demo")
        #expect(configuration.sources == ["corpora/demo"])
        #expect(configuration.include == ["*.pdf", "*.docx", "*.txt"])
        #expect(configuration.chunking.maxTokens == 1000 && configuration.chunking.overlap == 200)
        #expect(configuration.embedder.provider == .local)
        #expect(configuration.index.connectivity == 16 && configuration.index.baseConnectivity == 32)
        #expect(configuration.persona?.contains("demo coach") == true)
    }

    @Test func minimalFileUsesDefaults() throws {
        let configuration = try PipelineFile.parse("creator: anna\nsources: [docs]\n", path: "p.yml")
        #expect(configuration.sources == ["docs"])
        #expect(configuration.chunking == .default)
        #expect(configuration.retention == 5)
    }

    @Test(arguments: [
        ("creator: a\nsources: [x]\nchunking:\n  max_tokens: 100\n  overlapp: 10\n", "p.yml:5: unknown key 'chunking.overlapp'"),
        ("creator: a\nsources: [x]\ncolour: red\n", "p.yml:3: unknown key 'colour'"),
        ("creator: a\nsources: [x]\nchunking:\n  max_tokens: lots\n", "p.yml:4: 'chunking.max_tokens' must be an integer"),
        ("creator: a\nsources: [x]\nembedder:\n  provider: openai\n", "p.yml:4: embedder.provider must be local or ollama"),
        ("sources: [x]\n", "missing required key 'creator'"),
        ("creator: ../etc\nsources: [x]\n", "invalid creator id"),
        ("creator: a\nsources: [x]\nchunking: {max_tokens: 100, overlap: 100}\n", "overlap (100) must be smaller than max tokens (100)"),
        ("creator: [a\n", "not valid YAML"),
    ])
    func mistakesNameTheFileLineAndKey(yaml: String, expected: String) {
        #expect {
            try PipelineFile.parse(yaml, path: "p.yml")
        } throws: { error in
            let message = "\(error)"
            return message.contains(expected) && message.hasPrefix("p.yml")
        }
    }
}

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex(SHA256.hash("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(SHA256.hash("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(SHA256.hash(Array(repeating: UInt8(ascii: "a"), count: 1000))) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
