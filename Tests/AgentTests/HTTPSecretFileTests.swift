import Foundation
import Testing
@testable import Agent

/// `[http] token_file` / `password_file`: the secret in a file of its own, so the conffile can stay 0644.
@Suite("HTTP secrets from files")
struct HTTPSecretFileTests {
    @discardableResult
    private func withFile<T>(_ content: String?, _ body: (String) throws -> T) throws -> T {
        let path = NSTemporaryDirectory() + "lookout-secret-" + UUID().uuidString
        if let content { try content.write(toFile: path, atomically: true, encoding: .utf8) }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    @Test("the file's content is the token and the password, without its trailing newline")
    func readFromFiles() throws {
        let configuration = try withFile("s3cret-token\n") { token in
            try withFile("pass word\r\n") { password in
                try AgentConfiguration.parse("[http]\ntoken_file = \"\(token)\"\npassword_file = \"\(password)\"\n", file: "f")
            }
        }
        #expect(configuration.http.token == "s3cret-token")
        #expect(configuration.http.password == "pass word")
    }

    @Test("both the secret and its file, an empty file or a missing one: refused, naming the key and the file")
    func refused() throws {
        try withFile("abc\n") { path in
            #expect(throws: AgentConfigurationError(file: "f", key: "http.token_file", "set either http.token or http.token_file, not both")) {
                try AgentConfiguration.parse("[http]\ntoken = \"x\"\ntoken_file = \"\(path)\"\n", file: "f")
            }
        }
        try withFile("\n") { path in
            #expect(throws: AgentConfigurationError(file: "f", key: "http.password_file", "\(path) is empty")) {
                try AgentConfiguration.parse("[http]\npassword_file = \"\(path)\"\n", file: "f")
            }
        }
        try withFile(nil) { path in
            do {
                _ = try AgentConfiguration.parse("[http]\ntoken_file = \"\(path)\"\n", file: "f")
                Issue.record("a missing token file was accepted")
            } catch let error as AgentConfigurationError {
                #expect(error.key == "http.token_file")
                #expect("\(error)".contains(path) && "\(error)".contains("No such file"))
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
