/// The version of the YT8MKit package (the library and the `yt8m` tool),
/// following semantic versioning; CHANGELOG.md says what each one changed.
public enum YT8MKitVersion {
    /// This build's version.
    public static let current = "0.3.0"
}
