import Testing
@testable import ZMConfig

/// The ZM_VERSION constants are found by `QuotedValueScanner`, standing in for the regular expressions
/// `use\s+constant\s+ZM_VERSION\s*=>\s*['"]([^'"]+)['"]` and
/// `define\s*\(\s*['"]ZM_VERSION['"]\s*,\s*['"]([^'"]+)['"]`: it must find what they found, and only that.
@Suite("ZMVersionDetector's ZM_VERSION scanner")
struct ZMVersionScannerTests {
    /// The version `fromPerlBase` reads from a `ZoneMinder/Base.pm` holding `source`.
    static func perl(_ source: String) throws -> String? {
        try withTemporaryDirectory(["perl/ZoneMinder/Base.pm": source]) { dir in
            ZMVersionDetector.fromPerlBase(libDirs: [dir + "/perl"])?.version
        }
    }

    /// The version `fromWebConfig` reads from an `includes/config.php` holding `source` under ZM_PATH_WEB.
    static func php(_ source: String) throws -> String? {
        try withTemporaryDirectory(["www/includes/config.php": source]) { dir in
            let conf = ZMConfFile(values: ["ZM_PATH_WEB": dir + "/www"], directory: dir)
            return ZMVersionDetector.fromWebConfig(conf)?.version
        }
    }

    @Test("Perl: quotes and white space between the tokens", arguments: [
        ("use constant ZM_VERSION => '1.36.33';", "1.36.33"),
        ("use constant ZM_VERSION => \"1.37.61\";", "1.37.61"),
        ("use constant\n  ZM_VERSION =>  \"1.37.61\";", "1.37.61"),
        ("use\tconstant\tZM_VERSION\t=>\t'1.36.1';", "1.36.1"),
        ("use  \t constant \n\n ZM_VERSION \n => \n '1.36.2';", "1.36.2"),
        ("use constant ZM_VERSION =>\r\n    '1.36.3';\r\n", "1.36.3"),
        ("use constant ZM_VERSION=>'1.36.4';", "1.36.4"),
        ("package ZoneMinder::Base;\nuse 5.006;\nuse strict;\n\nuse constant ZM_VERSION => '1.36.5';   # ZoneMinder Version\nuse constant ZM_REVISION => 'x';\n", "1.36.5"),
    ])
    func perlFound(source: String, expected: String) throws {
        #expect(try Self.perl(source) == expected)
    }

    @Test("Perl: a look-alike before the real constant is passed over", arguments: [
        "# use constant ZM_VERSIONS => '9.9';\nuse constant ZM_VERSION => '1.36.33';",
        "use constant ZM_VERSION_MAJOR => '9.9';\nuse constant ZM_VERSION => '1.36.33';",
        "use constant ZM_REVISION => '9.9';\nuse constant ZM_VERSION => '1.36.33';",
        "useconstant ZM_VERSION => '9.9';\nuse constant ZM_VERSION => '1.36.33';",
        "use constant ZM_VERSION = '9.9';\nuse constant ZM_VERSION => '1.36.33';",
        "use constant ZM_VERSION => 9.9;\nuse constant ZM_VERSION => '1.36.33';",
        "use constant ZM_VERSION => '';\nuse constant ZM_VERSION => '1.36.33';",
    ])
    func perlLookAlikeFirst(source: String) throws {
        #expect(try Self.perl(source) == "1.36.33")
    }

    @Test("Perl: nothing that only looks like the constant is taken", arguments: [
        "use constant ZM_VERSION => '';",
        "use constant ZM_VERSION => \"\";",
        "use constant ZM_VERSIONS => '9.9';",
        "use constant ZM_VERSION => 1.36.33;",
        "use constant ZM_VERSION => '1.36.33",
        "use constant ZM_VERSION =>",
        "useconstant ZM_VERSION => '1.36.33';",
        "use constantZM_VERSION => '1.36.33';",
        "use constant ZM_VERSION => 'latest';",
        "",
    ])
    func perlRejected(source: String) throws {
        #expect(try Self.perl(source) == nil)
    }

    @Test("Perl: a Base.pm without the constant sends the search on to the next directory")
    func perlNextDirectory() throws {
        let files = [
            "first/ZoneMinder/Base.pm": "use constant ZM_VERSION => '';\n",
            "second/ZoneMinder/Base.pm": "use constant ZM_VERSION => \"1.36.34\";\n",
        ]
        try withTemporaryDirectory(files) { dir in
            let found = ZMVersionDetector.fromPerlBase(libDirs: [dir + "/first", dir + "/second"])
            #expect(found == DetectedZMVersion(
                version: "1.36.34", source: "Perl constant ZM_VERSION in \(dir)/second/ZoneMinder/Base.pm"))
        }
    }

    @Test("PHP: quotes and white space between the tokens", arguments: [
        ("<?php\ndefine( 'ZM_VERSION', '1.36.33' );", "1.36.33"),
        ("define(\"ZM_VERSION\",\"1.36.34\");", "1.36.34"),
        ("define('ZM_VERSION','1.36.35');", "1.36.35"),
        ("define ( \"ZM_VERSION\" , '1.36.36' ) ;", "1.36.36"),
        ("define(\n\t'ZM_VERSION',\n\t'1.36.37'\n);", "1.36.37"),
        ("define\t(\r\n'ZM_VERSION'\r\n,\r\n\"1.36.38\");", "1.36.38"),
    ])
    func phpFound(source: String, expected: String) throws {
        #expect(try Self.php(source) == expected)
    }

    @Test("PHP: a look-alike before the real constant is passed over", arguments: [
        "define('ZM_VERSIONS', '9.9');\ndefine('ZM_VERSION', '1.36.33');",
        "define('ZM_PATH_WEB', '9.9');\ndefine('ZM_VERSION', '1.36.33');",
        "define('XZM_VERSION', '9.9');\ndefine('ZM_VERSION', '1.36.33');",
        "define('ZM_VERSION', '');\ndefine('ZM_VERSION', '1.36.33');",
        "define('ZM_VERSION' '9.9');\ndefine('ZM_VERSION', '1.36.33');",
        "define(ZM_VERSION, '9.9');\ndefine('ZM_VERSION', '1.36.33');",
    ])
    func phpLookAlikeFirst(source: String) throws {
        #expect(try Self.php(source) == "1.36.33")
    }

    @Test("PHP: nothing that only looks like the constant is taken", arguments: [
        "define('ZM_VERSION', '');",
        "define(\"ZM_VERSION\", \"\");",
        "define('ZM_VERSIONS', '1.36.33');",
        "define('ZM_VERSION', 1.36);",
        "define('ZM_VERSION', '1.36.33",
        "define 'ZM_VERSION', '1.36.33';",
        "",
    ])
    func phpRejected(source: String) throws {
        #expect(try Self.php(source) == nil)
    }

    @Test("the scanner alone: the first place where every step matches, its value")
    func scannerDirectly() {
        let steps: [QuotedValueScanner.Step] = [
            .word("k"), .optionalSpaces, .word("="), .spaces, .quotedValue,
        ]
        #expect(QuotedValueScanner.firstValue(in: "k = 'a' k = 'b'", steps) == "a")
        #expect(QuotedValueScanner.firstValue(in: "k ='a' k = \"b\"", steps) == "b")
        #expect(QuotedValueScanner.firstValue(in: "k = '' k = 'c'", steps) == "c")
        #expect(QuotedValueScanner.firstValue(in: "k = ''", steps) == nil)
        #expect(QuotedValueScanner.firstValue(in: "k = 'é ü'", steps) == "é ü")
        #expect(QuotedValueScanner.firstValue(in: "", steps) == nil)
        #expect(QuotedValueScanner.firstValue(in: "k", steps) == nil)
        let quoted: [QuotedValueScanner.Step] = [.quoted("K"), .word(":"), .quotedValue]
        #expect(QuotedValueScanner.firstValue(in: "'k':'x' \"K\":\"y\"", quoted) == "y")
    }
}
