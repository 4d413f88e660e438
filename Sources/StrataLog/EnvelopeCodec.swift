import Crypto

/// The stored form of an envelope, the value under its position key in `events`:
///
///     u8 codec version (1) · u8 flags (bit 0: has causation id)
///     16 event id · 16 correlation id · [16 causation id]
///     u64 LE record time (µs) · varint stream version · varint previous position in the
///     stream (0: first event) — the stream's events are a chain back from its head
///     string type · string stream · string recorded-by      (varint length + UTF-8)
///     payload (Payload binary form)
///     8 checksum: the first 8 bytes of SHA-256(position big-endian ‖ all bytes above)
///
/// The position is part of the checksum, so an event moved to another key is caught.
enum EnvelopeCodec {
    static let version: UInt8 = 1
    static let checksumSize = 8

    /// The envelope fields before the payload.
    static func header(
        id: EventID, type: EventType, stream: StreamID, version: UInt64, previous: Position, recordedAt: RecordTime,
        recordedBy: String, correlationID: EventID, causationID: EventID?, payloadCapacity: Int = 0
    ) -> ByteWriter {
        var w = ByteWriter(capacity: 96 + payloadCapacity)
        writeHeader(
            into: &w, id: id, type: type, stream: stream, version: version, previous: previous, recordedAt: recordedAt,
            recordedBy: recordedBy, correlationID: correlationID, causationID: causationID)
        return w
    }

    /// Replaces `w`'s bytes with the envelope fields before the payload (keeping its storage).
    static func writeHeader(
        into w: inout ByteWriter, id: EventID, type: EventType, stream: StreamID, version: UInt64, previous: Position,
        recordedAt: RecordTime, recordedBy: String, correlationID: EventID, causationID: EventID?
    ) {
        w.bytes.removeAll(keepingCapacity: true)
        w.u8(EnvelopeCodec.version)
        w.u8(causationID == nil ? 0 : 1)
        w.id(id)
        w.id(correlationID)
        if let causationID { w.id(causationID) }
        w.u64(UInt64(bitPattern: recordedAt.rawValue))
        w.varint(version)
        w.varint(previous.rawValue)
        w.string(type.name)
        w.string(stream.rawValue)
        w.string(recordedBy)
    }

    /// The checksum of a stored event body (without its trailing checksum).
    static func checksum(position: Position, body: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = SHA256()
        withUnsafeBytes(of: position.rawValue.bigEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: body)
        return hasher.finalize().withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    /// A stored event, checked: the envelope, its checksum and where the stream's previous
    /// event is (`.zero` for a stream's first).
    struct Decoded {
        let envelope: Envelope
        let checksum: UInt64
        let previous: Position
    }

    /// Why a stored event could not be read.
    struct Corrupt: Error {
        let reason: String
    }

    /// The event type's name in a stored event, read without checking or decoding the rest,
    /// so scans that want some types can pass over the others cheaply; `nil` when the
    /// record is too damaged to find it (a full decode reports why).
    static func typeName(stored: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var r = ByteReader(stored)
        guard skipToVersions(&r), (try? r.varint()) != nil, (try? r.varint()) != nil,
            let count = try? r.varint(), count <= EventType.maximumBytes, let name = try? r.bytes(Int(count))
        else { return nil }
        return name
    }

    /// Reads past the codec version, the flags and the fixed-size fields after them (the
    /// ids and the record time), to the stream version; `false` when the record is too
    /// short or of another codec version.
    private static func skipToVersions(_ r: inout ByteReader) -> Bool {
        guard (try? r.u8()) == version, let flags = try? r.u8() else { return false }
        return (try? r.bytes(32 + (flags & 1 == 1 ? 16 : 0) + 8)) != nil
    }

    /// The stream and stream version of a stored event, read without its checksum or the
    /// rest of the envelope: for reading stream heads back from the events
    /// (``DeferredHeads``), where `verify` is what checks them. `nil` when the record is too
    /// damaged to find them.
    static func streamVersion(stored: UnsafeRawBufferPointer) -> (stream: StreamID, version: UInt64)? {
        var r = ByteReader(stored)
        guard skipToVersions(&r), let streamVersion = try? r.varint(), (try? r.varint()) != nil,
            let typeCount = try? r.varint(), (try? r.bytes(Int(clamping: typeCount))) != nil,
            let stream = (try? r.string()).flatMap(StreamID.init)
        else { return nil }
        return (stream, streamVersion)
    }

    /// Decodes and checks a stored event, reporting damage as ``LogError/corrupted(position:reason:)``.
    static func envelope(position: Position, stored: UnsafeRawBufferPointer, payload: Bool = true) throws -> Envelope {
        do {
            return try decode(position: position, stored: stored, payload: payload).envelope
        } catch {
            throw LogError.corrupted(position: position, reason: error.reason)
        }
    }

    /// Decodes and checks a stored event. With `payload: false` the payload is not decoded
    /// (it is returned as `.null`), for scans that need only the envelope.
    static func decode(position: Position, stored: UnsafeRawBufferPointer, payload decodePayload: Bool = true)
        throws(Corrupt) -> Decoded
    {
        guard stored.count > checksumSize + 2 else { throw Corrupt(reason: "event record too short") }
        let bodyCount = stored.count - checksumSize
        let body = UnsafeRawBufferPointer(rebasing: stored[0..<bodyCount])
        let storedSum = stored.loadUnaligned(fromByteOffset: bodyCount, as: UInt64.self)
        guard checksum(position: position, body: body) == storedSum else {
            throw Corrupt(reason: "checksum mismatch")
        }
        do {
            var r = ByteReader(body)
            guard try r.u8() == version else { throw Corrupt(reason: "unknown envelope codec version") }
            let flags = try r.u8()
            let id = try r.id()
            let correlation = try r.id()
            let causation = flags & 1 == 1 ? try r.id() : nil
            let recordedAt = RecordTime(microseconds: Int64(bitPattern: try r.u64()))
            let streamVersion = try r.varint()
            let previous = Position(try r.varint())
            guard previous < position, (previous == .zero) == (streamVersion == 1) else {
                throw Corrupt(reason: "bad link to the stream's previous event")
            }
            guard let type = EventType(try r.string()) else { throw Corrupt(reason: "invalid event type") }
            guard let stream = StreamID(try r.string()) else { throw Corrupt(reason: "invalid stream id") }
            let recordedBy = try r.string()
            let payload: Payload
            if decodePayload {
                var pr = ByteReader(UnsafeRawBufferPointer(rebasing: body[r.offset...]))
                payload = try Payload.decode(&pr, depth: 0)
                guard pr.remaining == 0 else { throw Corrupt(reason: "bytes after the payload") }
            } else {
                payload = .null
            }
            let envelope = Envelope(
                position: position, id: id, type: type, stream: stream, version: streamVersion,
                recordedAt: recordedAt, recordedBy: recordedBy, correlationID: correlation,
                causationID: causation, payload: payload)
            return Decoded(envelope: envelope, checksum: storedSum, previous: previous)
        } catch let e as Corrupt {
            throw e
        } catch {
            throw Corrupt(reason: "malformed event record: \(error)")
        }
    }
}
