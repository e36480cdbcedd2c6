// Builds a Walrus transaction with the Sui TypeScript SDK (@mysten/sui) from explicit inputs and
// prints its BCS bytes (TransactionData) as hex, so the Rust chain client's bytes for the same
// inputs can be compared byte for byte (sidecar/sui/tests/interop.rs).
//
// Usage: node scripts/interop/build_transaction.mjs '<request JSON>'
//
// The request names the transaction kind and every input explicitly: sender, gas coin reference,
// budget, price, package and object ids, and the call arguments. Nothing is resolved over the
// network (Transaction#build runs without a client), exactly as the Rust client builds offline.
// Inputs are created in the order the Rust client creates them; the TypeScript SDK never merges
// equal pure values, which is why the Rust client adds pure inputs with `pure_unique`.
//
// Kinds:
//   reserve_and_register: reserve_space + register_blob + transfer of the Blob, paid with one or
//     more WAL coins (merged into the first).
//   certify_blob: certify_blob on an owned Blob with a certificate (vector<u8> arguments).
//   attributes: insert_or_update_metadata_pair then remove_metadata_pair (String arguments).

import { Inputs, Transaction } from '@mysten/sui/transactions';

/** A u256 carried as its 32 little-endian BCS bytes (hex) as a bigint. */
function u256FromLeHex(hex) {
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length !== 32) {
    throw new Error(`expected 32 bytes of u256, got ${bytes.length}`);
  }
  return BigInt('0x' + Buffer.from(bytes).reverse().toString('hex'));
}

function objectRef(ref) {
  return Inputs.ObjectRef({ objectId: ref.object_id, version: ref.version, digest: ref.digest });
}

function systemInput(tx, request, mutable) {
  return tx.object(
    Inputs.SharedObjectRef({
      objectId: request.system_object,
      initialSharedVersion: request.system_initial_shared_version,
      mutable,
    }),
  );
}

function target(request, module, fn) {
  return `${request.walrus_package}::${module}::${fn}`;
}

const builders = {
  reserve_and_register(tx, request) {
    const system = systemInput(tx, request, true);
    const [first, ...rest] = request.payment.map((coin) => tx.object(objectRef(coin)));
    if (rest.length > 0) {
      tx.mergeCoins(first, rest);
    }
    const storage = tx.moveCall({
      target: target(request, 'system', 'reserve_space'),
      arguments: [system, tx.pure.u64(request.storage_size), tx.pure.u32(request.epochs_ahead), first],
    });
    const blob = tx.moveCall({
      target: target(request, 'system', 'register_blob'),
      arguments: [
        system,
        storage,
        tx.pure.u256(u256FromLeHex(request.blob_id_hex)),
        tx.pure.u256(u256FromLeHex(request.root_hash_hex)),
        tx.pure.u64(request.size),
        tx.pure.u8(request.encoding_type),
        tx.pure.bool(request.deletable),
      ],
    });
    tx.transferObjects([blob], tx.pure.address(request.recipient));
  },

  certify_blob(tx, request) {
    const system = systemInput(tx, request, false);
    const blob = tx.object(objectRef(request.blob));
    tx.moveCall({
      target: target(request, 'system', 'certify_blob'),
      arguments: [
        system,
        blob,
        tx.pure.vector('u8', Buffer.from(request.signature_hex, 'hex')),
        tx.pure.vector('u8', Buffer.from(request.signers_bitmap_hex, 'hex')),
        tx.pure.vector('u8', Buffer.from(request.message_hex, 'hex')),
      ],
    });
  },

  attributes(tx, request) {
    const blob = tx.object(objectRef(request.blob));
    tx.moveCall({
      target: target(request, 'blob', 'insert_or_update_metadata_pair'),
      arguments: [blob, tx.pure.string(request.key), tx.pure.string(request.value)],
    });
    tx.moveCall({
      target: target(request, 'blob', 'remove_metadata_pair'),
      arguments: [blob, tx.pure.string(request.key)],
    });
  },
};

async function main() {
  if (process.argv.length !== 3) {
    throw new Error("usage: node build_transaction.mjs '<request JSON>'");
  }
  const request = JSON.parse(process.argv[2]);
  const build = builders[request.kind];
  if (!build) {
    throw new Error(`unknown kind ${request.kind}; expected one of ${Object.keys(builders).join(', ')}`);
  }
  const tx = new Transaction();
  tx.setSender(request.sender);
  tx.setGasPayment([request.gas].map((gas) => ({ objectId: gas.object_id, version: gas.version, digest: gas.digest })));
  tx.setGasBudget(BigInt(request.gas_budget));
  tx.setGasPrice(BigInt(request.gas_price));
  build(tx, request);
  const bytes = await tx.build();
  process.stdout.write(Buffer.from(bytes).toString('hex') + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
