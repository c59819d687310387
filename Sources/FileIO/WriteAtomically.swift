
/// Writes text to `path` atomically (temporary file, fsync, rename).
public func writeAtomically(_ text: String, to path: String) throws {
    let file = try AtomicFileWriter(path: path)
    try file.write(text)
    try file.commit()
}

/// Writes bytes to `path` atomically (temporary file, fsync, rename).
public func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let file = try AtomicFileWriter(path: path)
    try file.write(bytes)
    try file.commit()
}
