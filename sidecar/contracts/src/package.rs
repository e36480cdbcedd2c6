//! `0x2::package`, the part governance uses: the `UpgradeCap` of a package, the `UpgradeTicket`
//! that authorises one upgrade and the `UpgradeReceipt` that commits it, with Sui's checks and
//! abort codes. The `Upgrade` command that turns a ticket into a receipt needs a Move VM; the
//! local chain has none and rejects it, so the twin offers [`test_upgrade`] (as Move's
//! `package::test_upgrade`) for tests.

use blake2::{Blake2b, Digest as _, digest::consts::U32};
use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveResult, ensure},
    framework::{ObjectId, TxContext},
};

const MODULE: &str = "0x2::package";
/// `authorize_upgrade` with a policy more permissive than the cap's.
pub const E_TOO_PERMISSIVE: AbortCode = AbortCode::new(MODULE, "ETooPermissive", 1);
/// `authorize_upgrade` while another upgrade of the cap is pending.
pub const E_ALREADY_AUTHORIZED: AbortCode = AbortCode::new(MODULE, "EAlreadyAuthorized", 2);
/// `commit_upgrade` without an authorised upgrade.
pub const E_NOT_AUTHORIZED: AbortCode = AbortCode::new(MODULE, "ENotAuthorized", 3);
/// `commit_upgrade` with the receipt of another cap.
pub const E_WRONG_UPGRADE_CAP: AbortCode = AbortCode::new(MODULE, "EWrongUpgradeCap", 4);

/// The most permissive upgrade policy: any compatible change.
pub const COMPATIBLE: u8 = 0;

/// `0x2::package::UpgradeCap { id, package, version, policy }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeCap {
    /// Object id.
    pub id: ObjectId,
    /// The latest package id (`0x0` while an upgrade is authorised and not committed).
    pub package: ObjectId,
    /// Upgrades applied; 1 at publication.
    pub version: u64,
    /// The most permissive upgrade policy the cap authorises.
    pub policy: u8,
}

/// `0x2::package::UpgradeTicket { cap, package, policy, digest }` (a hot potato).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeTicket {
    /// The cap it came from.
    pub cap: ObjectId,
    /// The package to upgrade.
    pub package: ObjectId,
    /// The policy of this upgrade.
    pub policy: u8,
    /// SHA-256 of the new bytecode and its dependencies.
    pub digest: Vec<u8>,
}

/// `0x2::package::UpgradeReceipt { cap, package }` (a hot potato).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeReceipt {
    /// The cap to commit to.
    pub cap: ObjectId,
    /// The new package id.
    pub package: ObjectId,
}

impl UpgradeCap {
    /// The cap publication gives for `package` (`package::test_publish` in Move): version 1, the
    /// compatible policy.
    pub fn publish(package: ObjectId, ctx: &mut TxContext) -> Self {
        Self { id: ctx.fresh_id(), package, version: 1, policy: COMPATIBLE }
    }

    /// `authorize_upgrade`.
    pub fn authorize_upgrade(&mut self, policy: u8, digest: Vec<u8>) -> MoveResult<UpgradeTicket> {
        ensure(self.package != ObjectId::default(), E_ALREADY_AUTHORIZED)?;
        ensure(policy >= self.policy, E_TOO_PERMISSIVE)?;
        let package = std::mem::take(&mut self.package);
        Ok(UpgradeTicket { cap: self.id, package, policy, digest })
    }

    /// `commit_upgrade`.
    pub fn commit_upgrade(&mut self, receipt: UpgradeReceipt) -> MoveResult<()> {
        ensure(self.id == receipt.cap, E_WRONG_UPGRADE_CAP)?;
        ensure(self.package == ObjectId::default(), E_NOT_AUTHORIZED)?;
        self.package = receipt.package;
        self.version += 1;
        Ok(())
    }
}

/// `package::test_upgrade`: what the `Upgrade` command does with a ticket, with the new package
/// id `Blake2b-256(cap || package)` as in Move's test helper.
pub fn test_upgrade(ticket: UpgradeTicket) -> UpgradeReceipt {
    let mut hasher = Blake2b::<U32>::new();
    hasher.update(ticket.cap.0);
    hasher.update(ticket.package.0);
    UpgradeReceipt { cap: ticket.cap, package: ObjectId(hasher.finalize().into()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_then_commit_bumps_the_version() {
        let mut ctx = TxContext::new(ObjectId([1; 32]), [2; 32]);
        let mut cap = UpgradeCap::publish(ObjectId([5; 32]), &mut ctx);
        let ticket = cap.authorize_upgrade(COMPATIBLE, vec![7; 32]).unwrap();
        assert_eq!((ticket.package, ticket.cap, ticket.digest.clone()), (ObjectId([5; 32]), cap.id, vec![7; 32]));
        assert_eq!(cap.authorize_upgrade(COMPATIBLE, vec![]).unwrap_err().code(), E_ALREADY_AUTHORIZED);
        let receipt = test_upgrade(ticket);
        let mut other = UpgradeCap::publish(ObjectId([6; 32]), &mut ctx);
        assert_eq!(other.commit_upgrade(receipt.clone()).unwrap_err().code(), E_WRONG_UPGRADE_CAP);
        cap.commit_upgrade(receipt.clone()).unwrap();
        assert_eq!((cap.package, cap.version), (receipt.package, 2));
        assert_eq!(cap.commit_upgrade(receipt).unwrap_err().code(), E_NOT_AUTHORIZED);
        cap.policy = 128;
        assert_eq!(cap.authorize_upgrade(COMPATIBLE, vec![]).unwrap_err().code(), E_TOO_PERMISSIVE);
    }
}
