import ArgumentParser
import FrameSource
import LookoutJSON
import TSFrameBuffer
import ZMShm

struct DumpSFB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump-sfb", abstract: "Print a TS shared frame buffer's header and slot descriptors (layout SFB1).")

    @OptionGroup var options: SFBChannelOptions
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        do {
            let reader = try SFB1Reader(path: options.path)
            let header = try reader.header()
            let slots = try reader.descriptors()
            if json {
                print(Self.json(channel: options.channel, path: reader.path, fileSize: reader.mapping.length, header: header, slots: slots).rendered(pretty: true))
            } else {
                print(Self.text(path: reader.path, fileSize: reader.mapping.length, header: header, slots: slots))
            }
        } catch {
            throw CLIError("channel \(options.channel): \(error.message)")
        }
    }

    static func json(channel: Int, path: String, fileSize: Int, header: SFB1Header, slots: [SFB1Reader.SlotRead]) -> JSONValue {
        .object([
            ("channel", .from(channel)), ("path", .string(path)), ("file_size", .from(fileSize)),
            ("magic", .string("SFB1")), ("version", .from(Int(header.version))), ("header_size", .from(Int(header.headerSize))),
            ("slot_count", .from(Int(header.slotCount))), ("slot_size", .from(Int(header.slotSize))),
            ("width", .from(Int(header.width))), ("height", .from(Int(header.height))), ("format", .string(header.fourccText)),
            ("strides", .array(header.strides.map { .from(Int($0)) })),
            ("producer_epoch", .string(String(header.producerEpoch, radix: 16))), ("producer_pid", .from(Int(header.producerPID))),
            ("state", .string(header.runState?.name ?? "unknown (\(header.state))")),
            ("heartbeat_ns", .int(header.heartbeatNanoseconds)), ("notify_seq32", .uint(UInt64(header.notifySeq32))),
            ("write_seq", .uint(header.writeSeq)), ("newest_slot", .from(header.newestSlot)),
            ("slots", .array(slots.map { read in
                .object([
                    ("slot", .from(read.slot)), ("seq", .uint(read.sequence)), ("frame", .uint(read.sequence / 2)),
                    ("writing", .bool(read.sequence & 1 == 1)), ("pts_ns", .int(read.descriptor.ptsNanoseconds)),
                    ("capture_ns", .int(read.descriptor.captureNanoseconds)), ("bytes", .uint(UInt64(read.descriptor.bytes))),
                    ("flags", .uint(UInt64(read.descriptor.flags))),
                ])
            })),
        ])
    }

    static func text(path: String, fileSize: Int, header: SFB1Header, slots: [SFB1Reader.SlotRead]) -> String {
        var lines = [
            "\(path): SFB1 version \(header.version), \(fileSize) bytes",
            "  \(header.width)x\(header.height) \(header.fourccText), strides \(header.strides.map(String.init).joined(separator: " "))",
            "  \(header.slotCount) slots of \(header.slotSize) bytes; write_seq \(header.writeSeq) (newest slot \(header.newestSlot.map(String.init) ?? "none")), notify_seq32 \(header.notifySeq32)",
            "  producer pid \(header.producerPID), epoch \(String(header.producerEpoch, radix: 16)), state \(header.runState?.name ?? "unknown (\(header.state))"), heartbeat_ns \(header.heartbeatNanoseconds)",
            "  slot  seq            frame        bytes       capture_ns           pts_ns               flags",
        ]
        for read in slots {
            let d = read.descriptor
            lines.append(
                "  \(pad(read.slot, 4))  \(pad(read.sequence, 13))  \(pad(read.sequence / 2, 11))  \(pad(d.bytes, 10))  \(pad(d.captureNanoseconds, 19))  \(pad(d.ptsNanoseconds, 19))  \(d.flags)"
                    + (read.sequence & 1 == 1 ? "  (being written)" : ""))
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ value: some BinaryInteger, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
