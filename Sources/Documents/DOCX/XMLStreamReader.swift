import CLibXML2

/// A forward-only reader over one XML part with libxml2's safe options: no network, no entity
/// expansion, no DTD loading. Any DOCTYPE is refused outright (DOCX parts never have one), and
/// nesting deeper than the limit stops the read.
struct XMLStreamReader: ~Copyable {
    enum Node {
        case start(namespace: String, name: String, isEmpty: Bool)
        case end(namespace: String, name: String)
        case text(String)
    }

    static let parseOptions: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue
    )

    /// Reads `bytes` (one part, named `part` in errors), calling `visit` for every node.
    static func read(
        _ bytes: [UInt8], part: String, path: String, maxDepth: Int,
        visit: (Node, _ attribute: (_ name: String, _ namespace: String) -> String?) throws(DocumentError) -> Void
    ) throws(DocumentError) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(DocumentError) in
            // The reader parses lazily from the buffer: keep it alive for the whole loop.
            guard let base = buffer.baseAddress else { throw DocumentError(.xmlRejected, path: path, "\(part) is empty") }
            let raw = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            guard let reader = xmlReaderForMemory(raw, Int32(buffer.count), nil, nil, parseOptions) else {
                throw DocumentError(.xmlRejected, path: path, "\(part) cannot be parsed as XML")
            }
            defer { xmlFreeTextReader(reader) }
            func attribute(_ name: String, _ namespace: String) -> String? {
                guard let value = xmlTextReaderGetAttributeNs(reader, name, namespace) else { return nil }
                defer { free(value) }
                return String(cString: value)
            }
            while true {
                let status = xmlTextReaderRead(reader)
                if status == 0 { return }
                if status < 0 {
                    if parserStoppedAtDepthLimit() {
                        throw DocumentError(.nestingTooDeep, path: path, "\(part) nests elements more than \(maxDepth) deep")
                    }
                    throw DocumentError(.xmlRejected, path: path, "\(part) is not well-formed XML (\(lastErrorMessage()))")
                }
                if Int(xmlTextReaderDepth(reader)) > maxDepth {
                    throw DocumentError(.nestingTooDeep, path: path, "\(part) nests elements more than \(maxDepth) deep")
                }
                switch xmlTextReaderNodeType(reader) {
                case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
                    throw DocumentError(.xmlRejected, path: path, "\(part) declares a DOCTYPE; DTDs and entities are refused in DOCX parts")
                case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                    let node = Node.start(namespace: string(xmlTextReaderConstNamespaceUri(reader)), name: string(xmlTextReaderConstLocalName(reader)), isEmpty: xmlTextReaderIsEmptyElement(reader) == 1)
                    try visit(node, attribute)
                case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                    try visit(.end(namespace: string(xmlTextReaderConstNamespaceUri(reader)), name: string(xmlTextReaderConstLocalName(reader))), attribute)
                case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
                    try visit(.text(string(xmlTextReaderConstValue(reader))), attribute)
                default:
                    continue
                }
            }
        }
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    /// libxml2 parses ahead of the reader, so its own depth limit (256 without XML_PARSE_HUGE)
    /// can fire before the reader reaches ours; it reports it as an internal error carrying the
    /// limit in `int1`.
    private static func parserStoppedAtDepthLimit() -> Bool {
        guard let error = xmlGetLastError() else { return false }
        return error.pointee.code == Int32(XML_ERR_INTERNAL_ERROR.rawValue) && error.pointee.int1 >= 256
    }

    private static func lastErrorMessage() -> String {
        guard let error = xmlGetLastError(), let message = error.pointee.message else { return "unknown error" }
        return String(cString: message).trimmingTrailingNewlines()
    }
}

private extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
