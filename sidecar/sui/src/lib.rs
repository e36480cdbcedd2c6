//! The sidecar's one chain client (work in progress).

#![deny(missing_docs)]
