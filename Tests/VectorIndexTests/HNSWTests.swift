import Foundation
import Testing
import TestSupport
@testable import VectorIndex

@Suite struct HNSWTests {
    let directory = TemporaryDirectory.make("vindex")

    /// Recall@10 against exact search at the default efSearch (64), with M = 16, efC = 200.
    @Test(arguments: [(20_000, 384), (20_000, 768)])
    func recallAtTenIsAtLeast95Percent(count: Int, dimension: Int) throws {
        let space = ClusteredVectors(dimension: dimension, seed: UInt64(dimension))
        let vectors = space.sample(count: count, seed: 1)
        let url = directory.appendingPathComponent("recall-\(dimension).cidx")
        _ = try IndexFixture.write(vectors, to: url)
        let index = try MappedIndex(url: url)
        let queries = space.sample(count: 100, seed: 2)
        var found = 0
        for query in queries {
            let truth = Set(try index.exactSearch(query, k: 10).map(\.slot))
            found += try index.search(query, k: 10).filter { truth.contains($0.slot) }.count
        }
        let recall = Double(found) / Double(queries.count * 10)
        #expect(recall >= 0.95, "recall@10 = \(recall)")
        print("recall@10 \(count)×\(dimension) = \(recall)")
    }

    @Test func exactSearchIsExact() throws {
        let vectors = ClusteredVectors(dimension: 32).sample(count: 500, seed: 3)
        let url = directory.appendingPathComponent("exact.cidx")
        _ = try IndexFixture.write(vectors, to: url)
        let index = try MappedIndex(url: url)
        let query = vectors[17]
        let hits = try index.exactSearch(query, k: 5)
        let brute = vectors.enumerated().map { (slot: $0.offset, score: zip($0.element, query).reduce(Float(0)) { $0 + $1.0 * $1.1 }) }
            .sorted { $0.score > $1.score }.prefix(5)
        #expect(hits.map { Int($0.slot) } == brute.map(\.slot))
        #expect(hits[0].slot == 17)
        #expect(abs(hits[0].score - 1) < 1e-4)
    }

    @Test func sameInputGivesByteIdenticalFiles() throws {
        let vectors = ClusteredVectors(dimension: 64).sample(count: 1500, seed: 5)
        let a = directory.appendingPathComponent("a.cidx"), b = directory.appendingPathComponent("b.cidx")
        _ = try IndexFixture.write(vectors, to: a)
        _ = try IndexFixture.write(vectors, to: b)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
    }

    @Test func mappedSearchEqualsInMemorySearchAndRecordsRoundTrip() throws {
        let vectors = ClusteredVectors(dimension: 48).sample(count: 800, seed: 9)
        let url = directory.appendingPathComponent("roundtrip.cidx")
        let builder = try IndexFixture.write(vectors, to: url)
        let index = try MappedIndex(url: url)
        for query in vectors.prefix(20) {
            #expect(try index.search(query, k: 10) == builder.search(query, k: 10))
        }
        #expect(try index.chunk(at: 5) == IndexFixture.contents(count: 800).chunks[5])
        #expect(try index.documents == IndexFixture.contents(count: 800).documents)
        #expect(index.header.embedderDescriptor == IndexFixture.contents(count: 1).embedderDescriptor)
        #expect(index.header.createdAt == 1_767_225_600)
        #expect(index.vector(at: 3) == vectors[3])
        try index.verify()
    }

    @Test func graphInvariantsHold() throws {
        let builder = try IndexFixture.build(ClusteredVectors(dimension: 16).sample(count: 1000, seed: 2))
        try builder._checkInvariants()
    }

    @Test func emptyAndTinyIndexes() throws {
        let url = directory.appendingPathComponent("empty.cidx")
        _ = try IndexFixture.write([], to: url)
        let empty = try MappedIndex(url: url)
        #expect(empty.count == 0)
        let one = directory.appendingPathComponent("one.cidx")
        _ = try IndexFixture.write([ClusteredVectors.normalised([1, 0, 0])], to: one)
        #expect(try MappedIndex(url: one).search([1, 0, 0], k: 5).map(\.slot) == [0])
    }

    @Test func wrongDimensionsAreRefused() throws {
        let builder = try HNSWBuilder(dimension: 4)
        #expect(throws: IndexFileError(.dimensionMismatch, "")) { try builder.add([1, 2, 3]) }
    }
}
