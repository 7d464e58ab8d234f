import Foundation

/// An export ready to write: the table's bytes and its manifest.
public struct ExportDocument: Sendable {
    /// The table's format.
    public let format: ExportFormat
    /// The table, exactly as it is to be written (the manifest's hash covers these bytes).
    public let table: [UInt8]
    /// `manifest.json`: period, dimensions, K, rules, region table, cut-off, software, SHA-256.
    public let manifest: [UInt8]

    /// The table's file name (`counts.csv` or `counts.json`).
    public var tableFileName: String { format.fileName }
    /// The manifest's file name.
    public static let manifestFileName = "manifest.json"

    /// Where ``write(toFolder:)`` put the table and its manifest.
    public struct Files: Sendable, Equatable {
        /// The table's path.
        public let table: String
        /// The manifest's path.
        public let manifest: String
    }

    /// Writes the table and `manifest.json` into `folder`, creating the folder (and its parents)
    /// owner-only when it is missing.
    ///
    /// Both files are created owner-only and never replace a file: an earlier export in the same
    /// folder stays exactly as it was, since a manifest that no longer matches its table, or a
    /// table whose rules changed under the same name, would mislead whoever publishes it. Each
    /// file appears whole or not at all (written under a temporary name, then named), so an
    /// interrupted export never leaves half a table. If the manifest cannot be written the table
    /// is removed again: a table without its manifest is not an export.
    ///
    /// ```swift
    /// let files = try table.document(.csv).write(toFolder: "report-2023")
    /// print(files.table, files.manifest)
    /// ```
    /// - Returns: the paths written (absolute when `folder` is relative).
    /// - Throws: ``CaseVaultError`` about `.exportFolder(folder)`: `alreadyExists` when `folder` is
    ///   a file or already holds a table or manifest of this name, `storage` when the folder or a
    ///   file cannot be created or written.
    @discardableResult
    public func write(toFolder folder: String) throws -> Files {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw CaseVaultError(.alreadyExists, "\(folder) is a file, not a folder", remedy: "choose a folder",
                                     subject: .exportFolder(folder))
            }
        } else {
            do {
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
            } catch {
                throw CaseVaultError(.storage, "cannot create the folder \(folder)", remedy: "check the path",
                                     subject: .exportFolder(folder))
            }
        }
        let base = URL(fileURLWithPath: folder)
        let files = Files(table: base.appendingPathComponent(tableFileName).path,
                          manifest: base.appendingPathComponent(ExportDocument.manifestFileName).path)
        // Checked before writing either, so a second export into the folder leaves no stray table.
        for path in [files.table, files.manifest] where manager.fileExists(atPath: path) {
            throw CaseVaultError(.alreadyExists, "\(path) already exists", remedy: "choose another folder",
                                 subject: .exportFolder(folder))
        }
        try OwnerOnlyFile.create(at: files.table, contents: table)
        do {
            try OwnerOnlyFile.create(at: files.manifest, contents: manifest)
        } catch {
            try? manager.removeItem(atPath: files.table)
            throw error
        }
        return files
    }
}
