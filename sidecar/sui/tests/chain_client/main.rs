//! The chain client against the embedded local chain and its gRPC server on 127.0.0.1: every
//! Move entry point, failures, concurrency, a restart and the event stream. One test binary, so
//! the local chain is linked once.

mod calls;
mod concurrency;
mod events;
mod failures;
mod governance;
mod harness;
mod restart;
mod staking;
