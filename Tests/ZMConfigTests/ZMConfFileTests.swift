import Foundation
import MariaDB
import Testing
@testable import ZMConfig

@Suite("ZMConfFile: zm.conf + conf.d as ZoneMinder reads them")
struct ZMConfFileTests {
    /// Expected values come from running ZoneMinder::Config's regex in perl on the same lines.
    @Test func lineSyntaxMatchesZoneMinderPerl() throws {
        let zmConf = """
            # comment
              # indented comment

            ZM_A=plain
              ZM_B = spaced value\u{20}\u{20}\t
            ZM_C="/bin/ip neigh"
            ZM_D='single'
            ZM_E="unpaired
            ZM_F=''
            ZM_G=
            ZM_H=pa#ss=word
            ZM_I = "mixed'\u{20}
            ZM_J=' '
            zm_lower=x
            ZM_K="a" "b"
            ZM_L= " lead"
            \t# tab comment
            ZM_N=tail"\u{20}\u{20}
            ZM_CR=x\r

            """
        try withTemporaryDirectory(["zm.conf": zmConf]) { dir in
            let conf = try ZMConfFile.load(directory: dir)
            let expected: [String: String] = [
                "ZM_A": "plain", "ZM_B": "spaced value", "ZM_C": "/bin/ip neigh", "ZM_D": "single",
                "ZM_E": "unpaired", "ZM_F": "", "ZM_G": "", "ZM_H": "pa#ss=word", "ZM_I": "mixed", "ZM_J": " ",
                "ZM_LOWER": "x", "ZM_K": "a\" \"b", "ZM_L": " lead", "ZM_N": "tail", "ZM_CR": "x",
            ]
            #expect(conf.values == expected)
            #expect(conf.warnings.isEmpty)
            #expect(conf["zm_lower"] == "x")
            #expect(conf["Zm_C"] == "/bin/ip neigh")
            #expect(conf["ZM_MISSING"] == nil)
        }
    }

    @Test func badLinesAreSkippedWithAWarningNamingFileAndLine() throws {
        let zmConf = "ZM_A=1\nbad line without equals\n=novalue\nNAME WITH SPACE=1\nZM_B=2\n"
        try withTemporaryDirectory(["zm.conf": zmConf]) { dir in
            let conf = try ZMConfFile.load(directory: dir)
            #expect(conf.values == ["ZM_A": "1", "ZM_B": "2"])
            let path = dir + "/zm.conf"
            #expect(conf.warnings.map(\.line) == [2, 3, 4])
            #expect(conf.warnings.allSatisfy { $0.code == .malformed && $0.path == path })
            #expect(conf.warnings.first?.message == "\(path):2: bad line, expected NAME=VALUE: bad line without equals")
        }
    }

    @Test func confDFilesOverrideInPerlGlobOrder() throws {
        let files = [
            "zm.conf": "ZM_A=main\nZM_ONLY_MAIN=1\n",
            "conf.d/20-b.conf": "ZM_A=20\n",
            "conf.d/10-a.conf": "ZM_A=10\nZM_FROM_10=yes\n",
            "conf.d/README": "ZM_A=readme\n",
            "conf.d/.hidden.conf": "ZM_A=hidden\n",
            "conf.d/30-c.conf.disabled": "ZM_A=disabled\n",
            "conf.d/dir.conf/inner.conf": "ZM_A=inner\n",
        ]
        try withTemporaryDirectory(files) { dir in
            let conf = try ZMConfFile.load(directory: dir)
            #expect(conf.filesRead == [dir + "/zm.conf", dir + "/conf.d/10-a.conf", dir + "/conf.d/20-b.conf"])
            #expect(conf["ZM_A"] == "20")
            #expect(conf["ZM_ONLY_MAIN"] == "1")
            #expect(conf["ZM_FROM_10"] == "yes")
        }
    }

    /// Perl's glob sorts case-insensitively, folding to lower case (so `_` sorts before letters).
    @Test func confDOrderIsCaseInsensitiveLikePerlGlob() throws {
        let files = [
            "zm.conf": "",
            "conf.d/B.conf": "ZM_LAST=B\n",
            "conf.d/a.conf": "ZM_LAST=a\n",
            "conf.d/_c.conf": "ZM_LAST=_c\n",
            "conf.d/A.conf": "ZM_LAST=A\n",
        ]
        try withTemporaryDirectory(files) { dir in
            let conf = try ZMConfFile.load(directory: dir)
            let names = conf.filesRead.map { ($0 as NSString).lastPathComponent }
            #expect(names == ["zm.conf", "_c.conf", "A.conf", "a.conf", "B.conf"])
            #expect(conf["ZM_LAST"] == "B")
        }
    }

    @Test func missingConfDIsFine() throws {
        try withTemporaryDirectory(["zm.conf": "ZM_PATH_MAP=/run/shm\n"]) { dir in
            let conf = try ZMConfFile.load(directory: dir + "/")
            #expect(conf.filesRead == [dir + "/zm.conf"])
            #expect(conf.pathMap == "/run/shm")
        }
    }

    @Test func missingZmConfNamesThePath() throws {
        try withTemporaryDirectory(["conf.d/01.conf": "ZM_A=1\n"]) { dir in
            let error = #expect(throws: ZMConfigError.self) { try ZMConfFile.load(directory: dir) }
            #expect(error?.code == .notFound)
            #expect(error?.path == dir + "/zm.conf")
            #expect(error?.message.contains(dir + "/zm.conf") == true)
        }
    }

    @Test func zmConfThatIsADirectoryIsUnreadable() throws {
        try withTemporaryDirectory(["zm.conf/x": ""]) { dir in
            let error = #expect(throws: ZMConfigError.self) { try ZMConfFile.load(directory: dir) }
            #expect(error?.code == .unreadable)
            #expect(error?.message.contains(dir + "/zm.conf") == true)
        }
    }

    /// The tests run as root, which reads any file, so the permission case is checked on the error factory.
    @Test func permissionDeniedExplainsTheUsualOwnership() {
        let error = ZMConfigError.cannotRead("/etc/zm/conf.d/99-x.conf", FileSystem.Failure(errno: EACCES))
        #expect(error.code == .unreadable)
        #expect(error.path == "/etc/zm/conf.d/99-x.conf")
        #expect(error.message.contains("/etc/zm/conf.d/99-x.conf"))
        #expect(error.message.contains("root:www-data 0640"))
        #expect(error.description == error.message)
    }

    @Test func pathDefaultsWhenUnsetOrEmpty() throws {
        try withTemporaryDirectory(["zm.conf": "ZM_PATH_LOGS=\n"]) { dir in
            let conf = try ZMConfFile.load(directory: dir)
            #expect(conf.pathMap == "/dev/shm")
            #expect(conf.pathLogs == "/var/log/zm")
        }
        try withTemporaryDirectory(["zm.conf": "ZM_PATH_MAP=/dev/shm/zm\nZM_PATH_LOGS=\"/srv/zm logs\"\n"]) { dir in
            let conf = try ZMConfFile.load(directory: dir)
            #expect(conf.pathMap == "/dev/shm/zm")
            #expect(conf.pathLogs == "/srv/zm logs")
        }
    }

    @Test func theRealMachineConfiguration() throws {
        let conf = try ZMConfFile.load()
        #expect(conf.filesRead == [
            "/etc/zm/zm.conf", "/etc/zm/conf.d/01-system-paths.conf", "/etc/zm/conf.d/02-multiserver.conf",
            "/etc/zm/conf.d/99-zm-peer.conf",
        ])
        #expect(conf["ZM_PATH_ARP"] == "/bin/ip neigh")
        #expect(conf["ZM_SERVER_HOST"] == "")
        #expect(conf.pathMap == "/dev/shm")
        #expect(conf.pathLogs == "/var/log/zm")
        #expect(conf.warnings.isEmpty)
        let settings = try #require(conf.databaseSettings)
        #expect(settings.unixSocket == "/run/zm-peer/mysqld/mysqld.sock")
        #expect(settings.user == "zmuser")
        #expect(settings.database == "zm")
    }
}
