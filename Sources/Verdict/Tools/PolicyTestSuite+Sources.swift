extension PolicyTestSuite {
    /// Tests from files already in memory (`*.test.yaml` texts), as ``load(directory:)`` reads them
    /// from a folder: for a hot reload that checks the exact files it read, not a later state of the folder.
    public static func load(sources: [SourceFile]) -> PolicyTestSuite {
        var suite = PolicyTestSuite()
        for file in sources.sorted(by: { $0.path < $1.path }) { suite.add(file) }
        return suite
    }
}
