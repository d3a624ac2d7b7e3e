import ZMConfig

/// The Monitors rows a ZoneMinder with the demo's cameras would have, so demo messages carry names and functions.
enum DemoMonitors {
    static let names = ["Front door", "Driveway", "Back yard", "Garage", "Loading bay", "Lobby"]

    static func rows(count: Int) -> [Int: ZMMonitorRow] {
        var rows: [Int: ZMMonitorRow] = [:]
        for id in 1...max(1, count) {
            let name = id <= names.count ? names[id - 1] : "Camera \(id)"
            rows[id] = ZMMonitorRow(
                id: id, name: name, function: "Modect", enabled: true, width: 160, height: 120, colours: 3,
                imageBufferCount: 4, zoneCount: 0)
        }
        return rows
    }
}
