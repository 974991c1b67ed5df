import ArgumentParser
import Foundation
import VectorIndex

/// `coachrag index list|info|verify|rollback|gc`: look after a creator's index versions.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Inspect and manage a creator's index versions.",
        discussion: """
            Each creator has immutable version files indexes/<creator>/vNNNNNN.cidx and a CURRENT \
            file naming the live one. ingest publishes a new version and keeps the last 5.
            """,
        subcommands: [List.self, Info.self, Verify.self, Rollback.self, GC.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List versions, marking the current one.")
        @OptionGroup var index: IndexOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            do {
                let versions = try index.store.versions(creator: index.creator)
                if json {
                    Output.jsonLine(["creator": AnyEncodable(index.creator), "versions": AnyEncodable(versions.map {
                        ["name": AnyEncodable($0.name), "generation": AnyEncodable($0.generation), "bytes": AnyEncodable($0.bytes), "current": AnyEncodable($0.isCurrent)]
                    })])
                } else if versions.isEmpty {
                    Output.standardOutput("no versions for \(index.creator) under \(index.indexes)")
                } else {
                    for version in versions {
                        Output.standardOutput("\(version.isCurrent ? "*" : " ") \(version.name)  \(version.bytes) bytes")
                    }
                }
            } catch { throw error.exit() }
        }
    }

    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the header and section sizes of the current (or a given) version.")
        @OptionGroup var index: IndexOptions
        @Option(help: "Version file name (default: CURRENT).") var version: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            do {
                let url: URL
                if let version {
                    url = try index.store.directory(for: index.creator).appendingPathComponent(version)
                } else {
                    url = try index.store.currentURL(creator: index.creator)
                }
                let mapped = try MappedIndex(url: url)
                let info = IndexInfo(mapped)
                if json {
                    Output.jsonLine(info)
                } else {
                    Output.standardOutput(info.text)
                }
            } catch { throw error.exit() }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check every section checksum and every link of the current version (or all with --all).")
        @OptionGroup var index: IndexOptions
        @Flag(help: "Verify every version, not only the current one.") var all = false

        func run() async throws {
            do {
                let urls = all ? try index.store.versions(creator: index.creator).map(\.url) : [try index.store.currentURL(creator: index.creator)]
                var failed = false
                for url in urls {
                    do {
                        try MappedIndex(url: url).verify()
                        Output.standardOutput("ok  \(url.lastPathComponent)")
                    } catch {
                        failed = true
                        Output.error(error.message)
                    }
                }
                if failed { throw ExitCode(ExitStatus.someInputFailed) }
            } catch let error as IndexFileError { throw error.exit() }
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Point CURRENT at an older version.")
        @OptionGroup var index: IndexOptions
        @Argument(help: "Version name (vNNNNNN.cidx) or generation number.") var version: String

        func run() async throws {
            let lock = try index.lock()
            defer { withExtendedLifetime(lock) {} }
            do {
                try index.store.rollback(creator: index.creator, to: version)
                Output.standardOutput("CURRENT → \(try index.store.currentName(creator: index.creator) ?? "?")")
            } catch { throw error.exit() }
        }
    }

    struct GC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "gc", abstract: "Remove versions beyond the retention (never CURRENT) and stale temporary files.")
        @OptionGroup var index: IndexOptions
        @Option(help: "Versions to keep.") var keep: Int = IndexStore.defaultRetention

        func run() async throws {
            let lock = try index.lock()
            defer { withExtendedLifetime(lock) {} }
            do {
                let removed = try index.store.gc(creator: index.creator, retention: keep)
                Output.standardOutput(removed.isEmpty ? "nothing to remove" : "removed " + removed.joined(separator: ", "))
            } catch { throw error.exit() }
        }
    }
}

/// What `index info` prints.
struct IndexInfo: Encodable {
    struct Section: Encodable { var name: String; var offset: Int; var bytes: Int; var checksum: String }
    var file: String
    var file_bytes: Int
    var format: String
    var dimension: Int
    var count: Int
    var metric: String
    var element_type: String
    var m: Int
    var m0: Int
    var ef_construction: Int
    var ef_search: Int
    var entry_point: UInt32
    var max_level: Int
    var created_at: Int64
    var source_digest: String
    var documents: Int
    var embedder: String
    /// nil for a format 1.0 file (searched dense-only).
    var lexical: Lexical?
    var sections: [Section]

    struct Lexical: Encodable { var terms: Int; var postings: Int; var bytes: Int; var k1: Float; var b: Float }

    init(_ index: MappedIndex) {
        let header = index.header
        file = index.url.path
        file_bytes = index.fileSize
        format = "\(header.formatMajor).\(header.formatMinor)"
        dimension = header.dimension
        count = header.count
        metric = header.metric
        element_type = header.elementType
        m = header.configuration.connectivity
        m0 = header.configuration.baseConnectivity
        ef_construction = header.configuration.expansionAdd
        ef_search = header.configuration.expansionSearch
        entry_point = header.entryPoint
        max_level = header.maxLevel
        created_at = header.createdAt
        source_digest = header.sourceDigest.map { String(format: "%02x", $0) }.joined()
        documents = header.documentCount
        embedder = String(decoding: header.embedderDescriptor, as: UTF8.self)
        if header.formatMinor >= 1 {
            let statistics = index.lexicalStatistics
            lexical = Lexical(terms: statistics.terms, postings: statistics.postings, bytes: statistics.bytes, k1: header.bm25K1, b: header.bm25B)
        }
        sections = header.sections.map { Section(name: $0.kind.description, offset: $0.offset, bytes: $0.length, checksum: String(format: "%016llx", $0.checksum)) }
    }

    var text: String {
        var lines = [
            "file          \(file) (\(file_bytes) bytes, format \(format))",
            "vectors       \(count) × \(dimension) \(element_type), \(metric)",
            "hnsw          M=\(m) M0=\(m0) efConstruction=\(ef_construction) ef=\(ef_search) entry=\(entry_point) maxLevel=\(max_level)",
            "documents     \(documents)",
            "created       \(Date(timeIntervalSince1970: TimeInterval(created_at)).ISO8601Format()) (\(created_at))",
            "sources       \(source_digest)",
            "embedder      \(embedder)",
            lexical.map { l in
                String(format: "lexical       %d terms, %d postings, %d bytes (%.1f%% of the file), BM25 k1=%.2f b=%.2f",
                       l.terms, l.postings, l.bytes, 100 * Double(l.bytes) / Double(max(file_bytes, 1)), l.k1, l.b)
            } ?? "lexical       none (format 1.0: searched dense-only; re-ingest to add it)",
            "sections",
        ]
        for section in sections {
            lines.append("  \(section.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(section.bytes).leftPadded(12)) bytes at \(section.offset)  checksum \(section.checksum)")
        }
        return lines.joined(separator: "\n")
    }
}

/// Type-erased Encodable for ad-hoc JSON objects.
struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
