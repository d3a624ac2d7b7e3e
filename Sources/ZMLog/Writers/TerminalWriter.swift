internal import Glibc

/// The terminal output. C++ `puts`es the file line to **stdout**, which adds a second newline (a blank line after
/// every entry); Perl prints it to **stderr** once.
struct TerminalWriter {
    let flavour: LogFlavour

    func write(_ line: String) {
        switch flavour {
        case .cpp: _ = Posix.writeAll(STDOUT_FILENO, line + "\n")
        case .perl: _ = Posix.writeAll(STDERR_FILENO, line)
        }
    }
}
