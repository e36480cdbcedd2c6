//! Move aborts. Every abort code of the Move packages is a constant here with the same module,
//! name and number (`docs/chain.md` §7), so the local chain reports exactly what Sui would.

use std::fmt;

/// One abort code of one Move module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AbortCode {
    /// The module, as `package::module` (e.g. `walrus::blob`, `0x2::group_ops`).
    pub module: &'static str,
    /// The constant's name in the Move source.
    pub name: &'static str,
    /// The numeric abort code.
    pub code: u64,
}

impl AbortCode {
    /// Defines a code.
    pub const fn new(module: &'static str, name: &'static str, code: u64) -> Self {
        Self { module, name, code }
    }
}

/// A Move abort: the transaction fails and none of its changes take effect. On an abort, twin
/// functions may have modified their `&mut` arguments part-way, as Move does inside a failing
/// transaction; callers discard those copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub struct MoveAbort(pub AbortCode);

impl fmt::Display for MoveAbort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        write!(f, "Move abort in {} with code {} ({})", c.module, c.code, c.name)
    }
}

impl MoveAbort {
    /// The abort code.
    pub fn code(&self) -> AbortCode {
        self.0
    }
}

/// The result of a twin function.
pub type MoveResult<T> = Result<T, MoveAbort>;

/// `assert!(condition, code)` in Move.
pub fn ensure(condition: bool, code: AbortCode) -> MoveResult<()> {
    if condition { Ok(()) } else { Err(MoveAbort(code)) }
}
