/// A failure a command reports in one line. ArgumentParser prints `ValidationError`s thrown
/// from `run()` with the usage text after them; errors of this type print as their message alone.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
