internal import CSodium

/// Entry point for process-wide libsodium state.
///
/// Every SodiumKit type calls ``Sodium/ensureInitialized()`` before it touches libsodium, so
/// callers never need to; it is public for hosts that want to fail early at start-up.
public enum Sodium {
    private static let initialized: Bool = sodium_init() >= 0

    /// Initialises libsodium once for the process.
    ///
    /// - Precondition: libsodium can initialise (it only fails when the system offers no
    ///   source of randomness, in which case no cryptography is safe to run).
    public static func ensureInitialized() {
        precondition(initialized, "libsodium failed to initialise: no secure randomness available")
    }

    /// The version string of the linked libsodium, for manifests and diagnostics.
    public static var libraryVersion: String {
        ensureInitialized()
        return String(cString: sodium_version_string())
    }
}
