/// SplitMix64: small, fast and reproducible, so input `i` of seed `s` is the same input on every machine.
public struct FuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The generator for one input: independent of every other input's, so one can be replayed alone.
    public init(seed: UInt64, input: UInt64) { self.init(seed: seed ^ (input &* 0xD6E8_FEB8_6659_FD93)) }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ bound: Int) -> Int { Int.random(in: 0..<max(1, bound), using: &self) }

    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}
