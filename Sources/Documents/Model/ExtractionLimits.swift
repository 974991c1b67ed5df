/// Resource limits applied while extracting one file, so hostile input cannot exhaust memory or time.
public struct ExtractionLimits: Sendable, Hashable {
    /// Largest input file accepted, in bytes.
    public var maxFileBytes: Int = 512 << 20
    /// Largest single ZIP entry (decompressed) read from a DOCX.
    public var maxEntryBytes: Int = 64 << 20
    /// Largest total of all ZIP entries read from one DOCX (decompressed).
    public var maxTotalUncompressedBytes: Int = 256 << 20
    /// Largest decompressed/compressed ratio accepted for an entry bigger than `ratioFloorBytes`.
    public var maxCompressionRatio: Int = 100
    /// Entries smaller than this are never judged by their ratio (tiny XML compresses very well).
    public var ratioFloorBytes: Int = 1 << 20
    /// Deepest XML element nesting accepted in a DOCX part.
    public var maxXMLDepth: Int = 200
    /// Wall-clock limit for one PDF in the isolated worker.
    public var pdfTimeoutSeconds: Double = 60
    /// Address-space limit for the isolated PDF worker.
    public var pdfWorkerMemoryBytes: Int = 2 << 30

    public init() {}

    public static let `default` = ExtractionLimits()
}
