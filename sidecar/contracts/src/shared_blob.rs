//! `walrus::shared_blob`: a shared, funded blob whose extension anyone can trigger.

use serde::{Deserialize, Serialize};

use crate::{
    abort::MoveResult,
    blob::Blob,
    framework::{Balance, Coin, ObjectId, TxContext},
    objects::Object,
    system::System,
};

/// `SharedBlob { id, blob, funds }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedBlob {
    /// Object id.
    pub id: ObjectId,
    /// The wrapped blob.
    pub blob: Blob,
    /// WAL that pays for extensions.
    pub funds: Balance,
}

/// `new`: shares the blob without funds.
pub fn new(blob: Blob, ctx: &mut TxContext) {
    let shared = SharedBlob { id: ctx.fresh_id(), blob, funds: Balance::default() };
    ctx.share(Object::SharedBlob(shared));
}

/// `new_funded`: shares the blob with the coin as funds.
pub fn new_funded(blob: Blob, funds: Coin, ctx: &mut TxContext) {
    let shared = SharedBlob { id: ctx.fresh_id(), blob, funds: funds.balance };
    ctx.share(Object::SharedBlob(shared));
}

impl SharedBlob {
    /// `fund`: anyone adds WAL.
    pub fn fund(&mut self, added: Coin) {
        self.funds.join(added.balance);
    }

    /// `extend`: anyone extends, paid from the funds.
    pub fn extend(&mut self, system: &mut System, epochs_ahead: u32, ctx: &mut TxContext) -> MoveResult<()> {
        system.extend_blob_with_balance(&mut self.blob, epochs_ahead, &mut self.funds, ctx)
    }

    /// `funds`.
    pub fn funds(&self) -> u64 {
        self.funds.value
    }
}
