#!/usr/bin/env python3
"""Generates tests/vectors/certificates.json: a BLS12-381 test committee and certificates.

Scheme: BLS min_pk (48-byte compressed G1 public keys, 96-byte compressed G2 signatures) with the
ciphersuite BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_, which is what Sui's
`sui::bls12381::bls12381_min_pk_verify` checks and what py_ecc's `G2Basic` implements.

The committee has 4 members holding 1, 2, 3 and 4 shards (n_shards = 10). Secret keys come from
`G2Basic.KeyGen(bytes([i + 1]) * 32)` for member i, so they are fixed. Member i is bit i of the
signer bitmap (byte i / 8, bit i % 8, least significant bit first).

Thresholds (see docs/chain.md): quorum when 3 * signer_shards > 2 * n_shards (>= 7 of 10 here);
validity (enough for an invalid-blob certificate) when 3 * signer_shards > n_shards (>= 4 here).

Message layouts (see docs/chain.md, all integers little-endian):
  header        = [intent_type, intent_version = 0, app_id = 3] ++ epoch (u32, 4 bytes)
  storage conf. = header(intent 0) ++ blob_id (u256, 32 bytes) ++ 0x00                (permanent)
                = header(intent 0) ++ blob_id (u256, 32 bytes) ++ 0x01 ++ object id  (deletable)
  invalid blob  = header(intent 1) ++ blob_id (u256, 32 bytes)

Requires: pip install py_ecc   (tested with py_ecc 8.0.0)
Usage: python3 scripts/vectors/make_certificates.py [output path]
"""

import hashlib
import json
import pathlib
import struct
import sys

from py_ecc.bls import G2Basic
from py_ecc.bls.g2_primitives import G1_to_pubkey, pubkey_to_G1
from py_ecc.optimized_bls12_381 import Z1, add

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "tests" / "vectors" / "certificates.json"

EXPECTED_DST = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_"
APP_ID = 3
INTENT_VERSION = 0
INTENT_STORAGE_CONFIRMATION = 0
INTENT_INVALID_BLOB_ID = 1
RED_STUFF = 1
EPOCH = 1

SHARDS = [1, 2, 3, 4]
N_SHARDS = sum(SHARDS)

# Signer subsets exercised for every message.
SUBSETS = {
    "quorum": [1, 2, 3],  # 9 shards: quorum and validity
    "sub_quorum": [0, 1, 2],  # 6 shards: validity but no quorum
    "below_validity": [0, 1],  # 3 shards: neither
}


def blob_id(encoding_type: int, unencoded_size: int, root_hash_le: bytes) -> bytes:
    data = struct.pack("<BQ", encoding_type, unencoded_size) + root_hash_le
    return hashlib.sha256(data).digest()


def header(intent_type: int, epoch: int) -> bytes:
    return bytes([intent_type, INTENT_VERSION, APP_ID]) + struct.pack("<I", epoch)


def bitmap(signers, n_members: int) -> bytes:
    out = bytearray((n_members + 7) // 8)
    for i in signers:
        out[i // 8] |= 1 << (i % 8)
    return bytes(out)


def aggregate_pk(pks):
    acc = Z1
    for pk in pks:
        acc = add(acc, pubkey_to_G1(pk))
    return G1_to_pubkey(acc)


def main() -> None:
    assert G2Basic.DST == EXPECTED_DST, G2Basic.DST
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT

    members = []
    for i, shards in enumerate(SHARDS):
        sk = G2Basic.KeyGen(bytes([i + 1]) * 32)
        members.append(
            {
                "index": i,
                "node_id_hex": (bytes(31) + bytes([i + 1])).hex(),
                "secret_key_hex": sk.to_bytes(32, "big").hex(),
                "public_key_hex": G2Basic.SkToPk(sk).hex(),
                "shards": shards,
                "_sk": sk,
            }
        )

    specs = []
    root = hashlib.sha256(b"walrus-cert-permanent").digest()
    bid = blob_id(RED_STUFF, 10_000, root)
    specs.append(
        {
            "name": "storage_confirmation_permanent",
            "intent_type": INTENT_STORAGE_CONFIRMATION,
            "epoch": EPOCH,
            "encoding_type": RED_STUFF,
            "unencoded_size": 10_000,
            "root_hash_hex": root.hex(),
            "blob_id_hex": bid.hex(),
            "deletable": False,
            "object_id_hex": None,
            "message": header(INTENT_STORAGE_CONFIRMATION, EPOCH) + bid + b"\x00",
        }
    )
    root = hashlib.sha256(b"walrus-cert-deletable").digest()
    bid = blob_id(RED_STUFF, 20_000, root)
    object_id = bytes([0x0B]) * 32
    specs.append(
        {
            "name": "storage_confirmation_deletable",
            "intent_type": INTENT_STORAGE_CONFIRMATION,
            "epoch": EPOCH,
            "encoding_type": RED_STUFF,
            "unencoded_size": 20_000,
            "root_hash_hex": root.hex(),
            "blob_id_hex": bid.hex(),
            "deletable": True,
            "object_id_hex": object_id.hex(),
            "message": header(INTENT_STORAGE_CONFIRMATION, EPOCH) + bid + b"\x01" + object_id,
        }
    )
    root = hashlib.sha256(b"walrus-cert-invalid").digest()
    bid = blob_id(RED_STUFF, 30_000, root)
    specs.append(
        {
            "name": "invalid_blob_id",
            "intent_type": INTENT_INVALID_BLOB_ID,
            "epoch": EPOCH,
            "encoding_type": RED_STUFF,
            "unencoded_size": 30_000,
            "root_hash_hex": root.hex(),
            "blob_id_hex": bid.hex(),
            "deletable": None,
            "object_id_hex": None,
            "message": header(INTENT_INVALID_BLOB_ID, EPOCH) + bid,
        }
    )

    messages = []
    for spec in specs:
        msg = spec.pop("message")
        sigs = [G2Basic.Sign(m["_sk"], msg) for m in members]
        certificates = []
        for name, signers in SUBSETS.items():
            signature = G2Basic.Aggregate([sigs[i] for i in signers])
            agg_pk = aggregate_pk([bytes.fromhex(members[i]["public_key_hex"]) for i in signers])
            assert G2Basic.Verify(agg_pk, msg, signature), (spec["name"], name)
            signer_shards = sum(SHARDS[i] for i in signers)
            certificates.append(
                {
                    "name": name,
                    "signers": signers,
                    "signers_bitmap_hex": bitmap(signers, len(members)).hex(),
                    "signer_shards": signer_shards,
                    "is_quorum": 3 * signer_shards > 2 * N_SHARDS,
                    "is_validity": 3 * signer_shards > N_SHARDS,
                    "aggregate_public_key_hex": agg_pk.hex(),
                    "signature_hex": bytes(signature).hex(),
                }
            )
        spec["message_hex"] = msg.hex()
        spec["certificates"] = certificates
        messages.append(spec)

    for m in members:
        del m["_sk"]
    doc = {
        "scheme": "BLS12-381 min_pk",
        "ciphersuite": EXPECTED_DST.decode(),
        "n_shards": N_SHARDS,
        "quorum_rule": "3 * signer_shards > 2 * n_shards",
        "validity_rule": "3 * signer_shards > n_shards",
        "bitmap_rule": "member i is bit (i % 8) of byte (i / 8), least significant bit first; "
        "length is exactly ceil(members / 8) bytes",
        "committee": members,
        "messages": messages,
    }
    out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
