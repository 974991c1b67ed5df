import Foundation

/// The ANN-benchmarks file formats: `.fvecs` (per vector: Int32 dimension, then Float32s) and
/// `.ivecs` (the same with Int32s).
enum VectorFiles {
    static func readFvecs(_ path: String) throws -> [[Float]] {
        try read(path) { raw, offset, count in (0..<count).map { raw.loadUnaligned(fromByteOffset: offset + $0 * 4, as: Float.self) } }
    }

    static func readIvecs(_ path: String) throws -> [[Int32]] {
        try read(path) { raw, offset, count in (0..<count).map { raw.loadUnaligned(fromByteOffset: offset + $0 * 4, as: Int32.self) } }
    }

    private static func read<T>(_ path: String, row: (UnsafeRawBufferPointer, Int, Int) -> [T]) throws -> [[T]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        return try data.withUnsafeBytes { raw in
            var rows: [[T]] = []
            var offset = 0
            while offset + 4 <= raw.count {
                let count = Int(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
                guard count > 0, offset + 4 + count * 4 <= raw.count else { throw CocoaError(.fileReadCorruptFile) }
                rows.append(row(raw, offset + 4, count))
                offset += 4 + count * 4
            }
            return rows
        }
    }

    static func write<T>(_ rows: [[T]], to path: String) throws {
        var data = Data()
        for row in rows {
            withUnsafeBytes(of: Int32(row.count)) { data.append(contentsOf: $0) }
            row.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
