@preconcurrency import Glibc
import ArgumentParser
import LookoutCLI

@main
struct Lookout {
    static func main() async {
        // Line-buffered even into a pipe or a log, so each line (a watch change, a trigger step) appears when it happens.
        setvbuf(stdout, nil, _IOLBF, 0)
        await LookoutCommand.main()
    }
}
