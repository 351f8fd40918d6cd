extension JSONWriter {
    /// Writes a value that is already JSON text (a decision from ``Decision/appendJSON(to:)``, a
    /// case schema), as the next value. The bytes must be one complete JSON value; they are not checked.
    package mutating func serialised(_ json: [UInt8]) {
        value(serialised: json)
    }
}
