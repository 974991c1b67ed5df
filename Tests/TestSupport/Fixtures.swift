public import Foundation

/// Locations shared by every test target: the package root and its corpora.
public enum TestPaths {
    /// The package root (the folder holding Package.swift), found from this source file.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The Python with the test clients (`openai`, `selenium`) that scripts/setup.sh installs
    /// into `.venv` (or `COACHRAG_PYTHON`).
    public static var python: URL {
        if let env = ProcessInfo.processInfo.environment["COACHRAG_PYTHON"] { return URL(fileURLWithPath: env) }
        return packageRoot.appendingPathComponent(".venv/bin/python")
    }

    public static var corpora: URL { packageRoot.appendingPathComponent("corpora") }
    public static var models: URL {
        if let env = ProcessInfo.processInfo.environment["COACHRAG_MODELS"] { return URL(fileURLWithPath: env) }
        return packageRoot.appendingPathComponent("models")
    }
}
