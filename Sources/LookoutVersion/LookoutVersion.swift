/// The one place Lookout's version is written. `lookout --version`, `zmlog --version`, `lookout-agent --version`
/// and `agent.info` report it; `scripts/build-deb.sh` names the package from it, and a test checks that
/// `packaging/debian/changelog` opens with the same version.
public enum LookoutVersion {
    public static let current = "0.4.0"
}
