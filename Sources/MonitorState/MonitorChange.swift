// Placeholder until the state model lands.
