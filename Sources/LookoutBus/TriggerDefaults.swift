/// What a forced alarm gets when the request leaves it out; `TRIGGER … on` on the bus and `lookout trigger on`
/// share these.
public enum TriggerDefaults {
    /// The score zmc adds to every analysed frame while the alarm is forced. zmtrigger itself has no default (a
    /// message without a score is ignored); 255 is the score in its documented examples (`1|on+20|255|…`).
    public static let score: UInt32 = 255
    public static let cause = "Lookout"
}
