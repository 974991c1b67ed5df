import Foundation

/// Reads float32 tensors from a `.safetensors` file: an 8-byte little-endian header length, a
/// JSON header `{name: {dtype, shape, data_offsets}}`, then the raw data.
struct SafeTensors {
    struct Entry: Decodable {
        var dtype: String
        var shape: [Int]
        var data_offsets: [Int]
    }

    let url: URL
    private let data: Data
    private let entries: [String: Entry]
    private let dataStart: Int

    init(url: URL) throws(EmbeddingError) {
        self.url = url
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else {
            throw .modelMissing(url.deletingLastPathComponent().path, "cannot read \(url.lastPathComponent)")
        }
        guard data.count >= 8 else { throw .malformedModel(url.path, "the file is \(data.count) bytes") }
        let headerLength = data.prefix(8).withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        guard headerLength > 0, headerLength <= data.count - 8 else { throw .malformedModel(url.path, "the header length \(headerLength) exceeds the file") }
        var entries: [String: Entry] = [:]
        guard let object = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any] else {
            throw .malformedModel(url.path, "the header is not JSON")
        }
        for (name, value) in object where name != "__metadata__" {
            guard let json = try? JSONSerialization.data(withJSONObject: value), let entry = try? JSONDecoder().decode(Entry.self, from: json),
                  entry.data_offsets.count == 2, entry.data_offsets[0] >= 0, entry.data_offsets[0] <= entry.data_offsets[1],
                  entry.data_offsets[1] <= data.count - 8 - headerLength else {
                throw .malformedModel(url.path, "tensor \(name) has a bad header entry")
            }
            entries[name] = entry
        }
        self.data = data
        self.entries = entries
        self.dataStart = 8 + headerLength
    }

    /// A copy of a float32 tensor, checked against the expected shape.
    func floats(_ name: String, shape: [Int]) throws(EmbeddingError) -> [Float] {
        guard let entry = entries[name] else { throw .malformedModel(url.path, "tensor \(name) is missing") }
        guard entry.dtype == "F32" else { throw .malformedModel(url.path, "tensor \(name) is \(entry.dtype), expected F32") }
        guard entry.shape == shape else { throw .malformedModel(url.path, "tensor \(name) has shape \(entry.shape), expected \(shape)") }
        let count = shape.reduce(1, *)
        guard entry.data_offsets[1] - entry.data_offsets[0] == count * 4 else { throw .malformedModel(url.path, "tensor \(name) has the wrong byte size") }
        var result = [Float](repeating: 0, count: count)
        let start = dataStart + entry.data_offsets[0]
        result.withUnsafeMutableBytes { destination in
            data.withUnsafeBytes { source in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<(start + count * 4)]))
            }
        }
        return result
    }
}
