#!/usr/bin/env python3
"""Generates tests/vectors/blob_id_derivation.json.

A blob id is the SHA-256 digest of the BCS encoding of
    BlobIdDerivation { encoding_type: u8, unencoded_size: u64, root_hash: u256 }
(1 + 8 + 32 = 41 bytes, integers little-endian), with the 32 digest bytes read back as a
little-endian u256. See docs/chain.md and move/walrus/sources/encoding.move.

`root_hash_hex` is the 32 bytes of the BCS u256 (little-endian); `blob_id_hex` is the 32 digest
bytes, which are also the BCS (little-endian) bytes of the blob id u256.

Usage: python3 scripts/vectors/make_blob_id_vectors.py [output path]
"""

import hashlib
import json
import pathlib
import struct
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "tests" / "vectors" / "blob_id_derivation.json"

RED_STUFF = 1


def derivation_bcs(encoding_type: int, unencoded_size: int, root_hash_le: bytes) -> bytes:
    assert len(root_hash_le) == 32
    return struct.pack("<BQ", encoding_type, unencoded_size) + root_hash_le


def blob_id(encoding_type: int, unencoded_size: int, root_hash_le: bytes) -> bytes:
    return hashlib.sha256(derivation_bcs(encoding_type, unencoded_size, root_hash_le)).digest()


def cases():
    # Root hashes: all zero, all 0xff, a counting pattern, and a few hash-derived ones.
    yield 1, 0, bytes(32)
    yield 1, 1, bytes([0xFF] * 32)
    yield 1, 10_000, bytes(range(32))
    for i, size in enumerate([1_048_576, 123_456_789, 68_719_476_736, 2**64 - 1]):
        yield RED_STUFF, size, hashlib.sha256(b"walrus-root-hash-%d" % i).digest()
    # Another encoding type byte: derive_blob_id itself does not restrict it.
    yield 0, 10_000, bytes(range(32))


def main() -> None:
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    vectors = []
    for encoding_type, size, root in cases():
        vectors.append(
            {
                "encoding_type": encoding_type,
                "unencoded_size": size,
                "root_hash_hex": root.hex(),
                "derivation_bcs_hex": derivation_bcs(encoding_type, size, root).hex(),
                "blob_id_hex": blob_id(encoding_type, size, root).hex(),
            }
        )
    out.write_text(json.dumps(vectors, indent=2) + "\n")
    print(f"wrote {len(vectors)} vectors to {out}")


if __name__ == "__main__":
    main()
