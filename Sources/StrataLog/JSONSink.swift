/// Receives what ``JSONParser`` reads, in document order. One parser serves every use:
/// building a ``Payload`` tree (``PayloadBuilder``) and transcoding JSON straight into the
/// stored binary form without a tree (``BinaryPayloadWriter``).
public protocol JSONSink {
    /// The byte offset in the input of the value or key about to be reported, for sinks
    /// that keep locations (report files name the line of every value).
    mutating func location(_ offset: Int)
    mutating func null()
    mutating func bool(_ value: Bool)
    mutating func int(_ value: Int64)
    mutating func double(_ value: Double)
    /// Whether numbers come as the text written (``number(text:)``) instead of values, for
    /// sinks that keep what the writer wrote (report files: `1.50` stays `1.50`).
    static var takesNumberText: Bool { get }
    /// A number's text, checked against JSON's grammar, when ``takesNumberText``.
    mutating func number(text utf8: UnsafeRawBufferPointer)
    /// Valid UTF-8, escapes already decoded.
    mutating func string(_ utf8: UnsafeRawBufferPointer)
    mutating func beginArray()
    mutating func endArray()
    mutating func beginObject()
    /// An object key's UTF-8 (escapes decoded), already checked to be unique in its object.
    mutating func key(_ utf8: UnsafeRawBufferPointer)
    mutating func endObject()
}

extension JSONSink {
    public mutating func location(_ offset: Int) {}
    public static var takesNumberText: Bool { false }
    public mutating func number(text utf8: UnsafeRawBufferPointer) {}
}

/// Parses JSON text into a sink: the one strict parser of the project.
public enum JSON {
    /// Parses `bytes` as one JSON value into `sink`.
    public static func parse<S: JSONSink>(_ bytes: UnsafeRawBufferPointer, into sink: inout S) throws(JSONError) {
        var parser = JSONParser(bytes)
        try parser.parseDocument(into: &sink)
    }
}

/// Builds a ``Payload`` tree.
struct PayloadBuilder: JSONSink {
    /// An open array or object. Frames are changed in place on the stack, so appending to
    /// one copies nothing (popping an enum frame and pushing it back copied its whole
    /// array each time: quadratic in the number of elements).
    private struct Frame {
        let isObject: Bool
        var items: [Payload] = []
        var fields: [Payload.Field] = []
        var key = ""
    }

    private var stack: [Frame] = []
    private(set) var result: Payload? = nil

    private mutating func add(_ value: Payload) {
        guard !stack.isEmpty else {
            result = value
            return
        }
        let top = stack.count - 1
        if stack[top].isObject {
            stack[top].fields.append(Payload.Field(stack[top].key, value))
        } else {
            stack[top].items.append(value)
        }
    }

    mutating func null() { add(.null) }
    mutating func bool(_ value: Bool) { add(.bool(value)) }
    mutating func int(_ value: Int64) { add(.int(value)) }
    mutating func double(_ value: Double) { add(.double(value)) }
    mutating func string(_ utf8: UnsafeRawBufferPointer) { add(.string(String(decoding: utf8, as: UTF8.self))) }
    mutating func beginArray() { stack.append(Frame(isObject: false)) }
    mutating func beginObject() { stack.append(Frame(isObject: true)) }

    mutating func key(_ utf8: UnsafeRawBufferPointer) {
        precondition(stack.last?.isObject == true, "key outside an object")
        stack[stack.count - 1].key = String(decoding: utf8, as: UTF8.self)
    }

    mutating func endArray() {
        guard let frame = stack.popLast(), !frame.isObject else { preconditionFailure("unbalanced array") }
        add(.array(frame.items))
    }

    mutating func endObject() {
        guard let frame = stack.popLast(), frame.isObject else { preconditionFailure("unbalanced object") }
        add(.object(frame.fields))
    }
}

/// Writes the stored binary form (see ``Payload/encode()``) as the parser reads.
struct BinaryPayloadWriter: JSONSink {
    var out: ByteWriter

    init(capacity: Int = 256) { out = ByteWriter(capacity: capacity) }

    mutating func null() { out.u8(Payload.Tag.null.rawValue) }
    mutating func bool(_ value: Bool) {
        out.u8(value ? Payload.Tag.trueValue.rawValue : Payload.Tag.falseValue.rawValue)
    }
    mutating func int(_ value: Int64) { Payload.writeInt(value, into: &out) }
    mutating func double(_ value: Double) { Payload.writeDouble(value, into: &out) }
    mutating func string(_ utf8: UnsafeRawBufferPointer) {
        out.u8(Payload.Tag.string.rawValue)
        out.varint(UInt64(utf8.count))
        out.bytes.append(contentsOf: utf8)
    }
    mutating func beginArray() { out.u8(Payload.Tag.array.rawValue) }
    mutating func endArray() { out.u8(Payload.Tag.end.rawValue) }
    mutating func beginObject() { out.u8(Payload.Tag.object.rawValue) }
    mutating func key(_ utf8: UnsafeRawBufferPointer) { Payload.writeKey(utf8, into: &out) }
    mutating func endObject() { out.u8(0) }
}

/// Checks a value and keeps nothing of it but, when it is a top-level integer, the integer.
struct SkipSink: JSONSink {
    private(set) var integer: Int64? = nil
    private var depth = 0

    mutating func null() {}
    mutating func bool(_ value: Bool) {}
    mutating func int(_ value: Int64) { if depth == 0 { integer = value } }
    mutating func double(_ value: Double) {}
    mutating func string(_ utf8: UnsafeRawBufferPointer) {}
    mutating func beginArray() { depth += 1 }
    mutating func endArray() { depth -= 1 }
    mutating func beginObject() { depth += 1 }
    mutating func key(_ utf8: UnsafeRawBufferPointer) {}
    mutating func endObject() { depth -= 1 }
}
