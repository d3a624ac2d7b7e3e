import Foundation
import Testing
@testable import ZMConfig

@Suite("ZMVersionDetector")
struct ZMVersionDetectorTests {
    static let dpkgStatus = """
        Package: zoneminder-doc
        Status: install ok installed
        Version: 1.30.0-1

        Package: zoneminder
        Status: deinstall ok config-files
        Version: 1.34.22-1

        Package: zoneminder
        Status: install ok installed
        Priority: optional
        Depends: perl:any,
         libavcodec59 (>= 7:5.0)
        Version: 1:1.36.33+dfsg1-1
        Description: video camera security and surveillance solution
         Version: 9.9.9 in a continuation line is not a field

        Package: zsh
        Status: install ok installed
        Version: 5.9-4+b7

        """

    static let basePm = """
        package ZoneMinder::Base;
        use 5.006;
        use constant ZM_VERSION => '1.37.65';   # ZoneMinder Version
        """

    @Test func installedDebianPackageComesFirst() throws {
        let files = ["status": Self.dpkgStatus, "perl/ZoneMinder/Base.pm": Self.basePm]
        let found = try withTemporaryDirectory(files) { dir in
            ZMVersionDetector.detect(
                conf: nil, database: nil, dpkgStatusPath: dir + "/status", perlLibDirs: [dir + "/perl"])
        }
        #expect(found == DetectedZMVersion(version: "1.36.33", source: "dpkg package zoneminder 1:1.36.33+dfsg1-1"))
    }

    @Test func removedPackageFallsBackToPerlBaseInAVersionedDir() throws {
        let status = "Package: zoneminder\nStatus: deinstall ok config-files\nVersion: 1.34.22-1\n"
        let files = ["status": status, "perl/5.36.0/ZoneMinder/Base.pm": Self.basePm]
        try withTemporaryDirectory(files) { dir in
            let found = ZMVersionDetector.detect(
                conf: nil, database: nil, dpkgStatusPath: dir + "/status",
                perlLibDirs: [dir + "/missing", dir + "/perl/*"])
            #expect(found?.version == "1.37.65")
            #expect(found?.source == "Perl constant ZM_VERSION in \(dir)/perl/5.36.0/ZoneMinder/Base.pm")
        }
    }

    @Test func webConfigFromZmPathWebWhenConfIsGiven() throws {
        let files = [
            "etc/zm.conf": "",
            "www/includes/config.php": "<?php\ndefine( 'ZM_VERSION', '1.38.0' );               // Version\n",
        ]
        try withTemporaryDirectory(files) { dir in
            try Data("ZM_PATH_WEB=\(dir)/www\n".utf8).write(to: URL(fileURLWithPath: dir + "/etc/zm.conf"))
            let conf = try ZMConfFile.load(directory: dir + "/etc")
            let found = ZMVersionDetector.detect(
                conf: conf, database: nil, dpkgStatusPath: dir + "/none", perlLibDirs: [])
            #expect(found == DetectedZMVersion(
                version: "1.38.0", source: "PHP constant ZM_VERSION in \(dir)/www/includes/config.php"))
            #expect(ZMVersionDetector.detect(conf: nil, database: nil, dpkgStatusPath: dir + "/none", perlLibDirs: []) == nil)
        }
    }

    @Test(arguments: [
        ("1.36.33", "1.36.33"), ("1.36.33+dfsg1-1", "1.36.33"), ("1:1.36.33-1", "1.36.33"),
        ("1.37.61~20240101.1-bookworm", "1.37.61"), ("1.36.", "1.36"),
    ])
    func normalize(raw: String, expected: String) {
        #expect(ZMVersionDetector.normalize(raw[...]) == expected)
    }

    @Test(arguments: ["", "garbage", "36", ".1.2", "v1.36.33"])
    func normalizeRejects(raw: String) {
        #expect(ZMVersionDetector.normalize(raw[...]) == nil)
    }

    @Test func theRealMachineHasZoneMinder13633FromDpkg() {
        let found = ZMVersionDetector.detect(conf: nil, database: nil)
        #expect(found == DetectedZMVersion(version: "1.36.33", source: "dpkg package zoneminder 1.36.33+dfsg1-1"))
    }

    @Test func theRealMachinePerlAndWebConfigAgree() throws {
        let perl = ZMVersionDetector.fromPerlBase(libDirs: ZMVersionDetector.defaultPerlLibDirs)
        #expect(perl == DetectedZMVersion(
            version: "1.36.33", source: "Perl constant ZM_VERSION in /usr/share/perl5/ZoneMinder/Base.pm"))
        let web = ZMVersionDetector.fromWebConfig(try ZMConfFile.load())
        #expect(web?.version == "1.36.33")
    }

    @Test func theRealPeerDatabaseWhenNoFileSays() throws {
        let database = try Peer.database()
        let found = ZMVersionDetector.detect(
            conf: nil, database: database, dpkgStatusPath: "/nonexistent/status", perlLibDirs: [])
        #expect(found == DetectedZMVersion(version: "1.36.33", source: "database Config ZM_DYN_CURR_VERSION 1.36.33"))
    }
}
