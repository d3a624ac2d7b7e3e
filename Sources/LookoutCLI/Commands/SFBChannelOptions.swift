import ArgumentParser
import TSFrameBuffer

/// Which channel file a TS frame buffer command reads.
struct SFBChannelOptions: ParsableArguments {
    @Argument(help: "Channel number: reads sfb_data_ch<N>.") var channel: Int
    @Option(name: .customLong("sfb-dir"), help: "Directory of the channel files.") var dir = "/dev/shm"

    var path: String {
        (dir.hasSuffix("/") ? dir : dir + "/") + SFB1Layout.dataName(channel: channel)
    }
}
