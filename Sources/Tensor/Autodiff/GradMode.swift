import Foundation

/// Whether operations are recorded for autodiff on the current thread.
///
/// Recording is on by default; ``withoutGrad(_:)`` switches it off for a
/// scope (inference, optimizer updates, EMA, and every pullback).
public enum GradMode {
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    /// True while recording is switched off on this thread.
    public static var isDisabled: Bool {
        pthread_getspecific(key) != nil
    }

    static func setDisabled(_ disabled: Bool) {
        // Any non-nil pointer marks "disabled"; nil (the default) means enabled.
        pthread_setspecific(key, disabled ? UnsafeRawPointer(bitPattern: 1) : nil)
    }
}

/// Runs `body` with gradient recording switched off on this thread.
public func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
    let was = GradMode.isDisabled
    GradMode.setDisabled(true)
    defer { GradMode.setDisabled(was) }
    return try body()
}
