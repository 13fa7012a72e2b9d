//! The `tandem` command line's library part: the `.wast` spec-script runner
//! that `tandem wast` and the spec-suite tests share.

pub mod wast;
