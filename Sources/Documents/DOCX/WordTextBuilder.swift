/// Accumulates text from WordprocessingML events (see `DOCXExtractor` for what is kept).
struct WordTextBuilder {
    static let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    static let markupCompatibility = "http://schemas.openxmlformats.org/markup-compatibility/2006"

    enum NoteKind: CaseIterable {
        case footnote, endnote
        var part: String { self == .footnote ? "word/footnotes.xml" : "word/endnotes.xml" }
        var element: String { self == .footnote ? "footnote" : "endnote" }
        var reference: String { self == .footnote ? "footnoteReference" : "endnoteReference" }
        var heading: String { self == .footnote ? "Footnotes" : "Endnotes" }
    }

    /// A table being read: finished rows, the current row's cells, the current cell's paragraphs.
    private struct TableFrame {
        var cells: [String] = []
        var paragraphs: [String] = []
    }

    private var pages: [String] = [""]
    private var hasPageBreaks = false
    private var paragraphs: [String] = []          // stack: text boxes nest paragraphs in paragraphs
    private var listItem: [Bool] = []
    private var tables: [TableFrame] = []
    private var inText = false
    private var skipDepth = 0                      // inside w:del, w:instrText, mc:Fallback
    private var noteNumbers: [NoteKind: [String: Int]] = [:]

    // Notes mode: collecting the text of each footnote/endnote by id.
    private let collecting: NoteKind?
    private var currentNoteID: String?
    private(set) var notes: [String: String] = [:]

    init(collecting: NoteKind? = nil) {
        self.collecting = collecting
    }

    mutating func visit(_ node: XMLStreamReader.Node, attribute: (String, String) -> String?) {
        switch node {
        case .start(let namespace, let name, let isEmpty):
            start(namespace: namespace, name: name, isEmpty: isEmpty, attribute: attribute)
            if isEmpty { end(namespace: namespace, name: name) }
        case .end(let namespace, let name):
            end(namespace: namespace, name: name)
        case .text(let text):
            if inText && skipDepth == 0 { appendToParagraph(text) }
        }
    }

    private static func skips(_ namespace: String, _ name: String) -> Bool {
        (namespace == w && (name == "del" || name == "instrText" || name == "delInstrText"))
            || (namespace == markupCompatibility && name == "Fallback")
    }

    private mutating func start(namespace: String, name: String, isEmpty: Bool, attribute: (String, String) -> String?) {
        if Self.skips(namespace, name) {
            if !isEmpty { skipDepth += 1 }
            return
        }
        guard namespace == Self.w, skipDepth == 0 else { return }
        switch name {
        case "p":
            paragraphs.append("")
            listItem.append(false)
        case "numPr":
            if !listItem.isEmpty { listItem[listItem.count - 1] = true }
        case "t":
            inText = true
        case "tab", "ptab":
            appendToParagraph("\t")
        case "br", "cr":
            if name == "br" && attribute("type", Self.w) == "page" {
                pageBreak()
            } else {
                appendToParagraph("\n")
            }
        case "noBreakHyphen":
            appendToParagraph("-")
        case "tbl":
            tables.append(TableFrame())
        case "footnoteReference", "endnoteReference":
            let kind: NoteKind = name == "footnoteReference" ? .footnote : .endnote
            if let id = attribute("id", Self.w) {
                var numbers = noteNumbers[kind, default: [:]]
                let number = numbers[id] ?? (numbers.count + 1)
                numbers[id] = number
                noteNumbers[kind] = numbers
                appendToParagraph(kind == .footnote ? "[\(number)]" : "[e\(number)]")
            }
        case "footnote", "endnote":
            let type = attribute("type", Self.w)
            if collecting?.element == name, type == nil || type == "normal" {
                currentNoteID = attribute("id", Self.w)
            }
        default:
            break
        }
    }

    private mutating func end(namespace: String, name: String) {
        if Self.skips(namespace, name) {
            skipDepth = max(0, skipDepth - 1)
            return
        }
        guard namespace == Self.w, skipDepth == 0 else { return }
        switch name {
        case "t":
            inText = false
        case "p":
            finishParagraph()
        case "tc":
            if !tables.isEmpty {
                let cell = tables[tables.count - 1].paragraphs.filter { !$0.isEmpty }.joined(separator: " ")
                tables[tables.count - 1].cells.append(cell)
                tables[tables.count - 1].paragraphs = []
            }
        case "tr":
            if !tables.isEmpty {
                let row = tables[tables.count - 1].cells.joined(separator: "\t")
                tables[tables.count - 1].cells = []
                // The row belongs to whatever encloses the table (a page, a note, an outer cell).
                let table = tables.removeLast()
                emitBlock(row)
                tables.append(table)
            }
        case "tbl":
            _ = tables.popLast()
        case "footnote", "endnote":
            currentNoteID = nil
        default:
            break
        }
    }

    private mutating func appendToParagraph(_ text: String) {
        if paragraphs.isEmpty {
            paragraphs.append("")
            listItem.append(false)
        }
        paragraphs[paragraphs.count - 1] += text
    }

    private mutating func finishParagraph() {
        guard let text = paragraphs.popLast() else { return }
        let isListItem = listItem.popLast() ?? false
        emitBlock(isListItem && !text.isEmpty ? "- " + text : text)
    }

    /// A finished paragraph or table row goes into the enclosing table cell, the current note,
    /// or the current page.
    private mutating func emitBlock(_ text: String) {
        if !tables.isEmpty {
            tables[tables.count - 1].paragraphs.append(text)
        } else if collecting != nil {
            guard let id = currentNoteID, !text.isEmpty else { return }
            notes[id, default: ""] += (notes[id, default: ""].isEmpty ? "" : " ") + text
        } else {
            pages[pages.count - 1] += text + "\n"
        }
    }

    private mutating func pageBreak() {
        guard collecting == nil, tables.isEmpty else { return }
        // The text before the break ends this page; the rest of the paragraph starts the next.
        let before = paragraphs.popLast() ?? ""
        let isListItem = listItem.last ?? false
        if !before.isEmpty { pages[pages.count - 1] += (isListItem ? "- " : "") + before + "\n" }
        paragraphs.append("")
        if !listItem.isEmpty { listItem[listItem.count - 1] = false }
        pages.append("")
        hasPageBreaks = true
    }

    mutating func appendNotes(_ collected: [String: String], kind: NoteKind) {
        let numbers = noteNumbers[kind, default: [:]]
        let ordered = collected.compactMap { id, text in numbers[id].map { ($0, text) } }.sorted { $0.0 < $1.0 }
        guard !ordered.isEmpty else { return }
        let prefix = kind == .footnote ? "" : "e"
        var block = "\n" + kind.heading + "\n"
        for (number, text) in ordered { block += "[\(prefix)\(number)] \(text)\n" }
        pages[pages.count - 1] += block
    }

    func finish() -> [ExtractedDocument.Page] {
        let texts = pages.map { $0.hasSuffix("\n") ? String($0.dropLast()) : $0 }
        if !hasPageBreaks { return [.init(number: nil, text: texts.first ?? "")] }
        return texts.enumerated().map { .init(number: $0.offset + 1, text: $0.element) }
    }
}
