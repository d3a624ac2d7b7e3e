/// Byte offsets and limits of the `SFB1` layout (docs/ts-frame-buffers.md; the contract is shared/specs/sfb.md).
public enum SFB1Layout {
    /// ASCII `SFB1`, first character in the low byte.
    public static let magic: UInt32 = 0x3142_4653
    public static let version: UInt16 = 1
    public static let headerSize = 4096
    public static let maxSlots = 62
    public static let slotAlignment = 64
    public static let descriptorsOffset = 128
    public static let descriptorSize = 64

    public enum Header {
        public static let magic = 0
        public static let version = 4
        public static let headerSize = 6
        public static let slotCount = 8
        public static let slotSize = 12
        public static let width = 16
        public static let height = 20
        public static let fourcc = 24
        public static let stride0 = 28
        public static let producerEpoch = 40
        public static let producerPID = 48
        public static let state = 52
        public static let heartbeat = 56
        public static let notifySeq32 = 64
        public static let writeSeq = 72
        /// Bytes copied to decode every header field (the descriptors follow).
        public static let fieldsSize = 80
    }

    public enum Descriptor {
        public static let seq = 0
        public static let pts = 8
        public static let capture = 16
        public static let bytes = 24
        public static let flags = 28
        /// Bytes a reader copies of a descriptor (the rest is reserved).
        public static let usedSize = 32
    }

    public static func descriptorOffset(slot: Int) -> Int { descriptorsOffset + descriptorSize * slot }
    public static func slotOffset(slot: Int, slotSize: Int) -> Int { headerSize + slot * slotSize }
    public static func fileSize(slots: Int, slotSize: Int) -> Int { headerSize + slots * slotSize }

    /// The data file of channel `n`: `sfb_data_ch<n>`, as TS-API names it.
    public static func dataName(channel: Int) -> String { "sfb_data_ch\(channel)" }
    public static func eventName(channel: Int) -> String { "sfb_event_ch\(channel)" }

    /// The channel number in `sfb_data_ch<n>` (digits only, no sign or leading zeros beyond `0`), else nil.
    public static func channel(inDataName name: String) -> Int? {
        let prefix = "sfb_data_ch"
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              digits == "0" || digits.first != "0"
        else { return nil }
        return Int(digits)
    }
}

/// `state` in the header.
public enum SFB1State: UInt32, Sendable {
    case initialising = 0
    case running = 1
    case stopping = 2

    public var name: String {
        switch self {
        case .initialising: "initialising"
        case .running: "running"
        case .stopping: "stopping"
        }
    }
}
