//! The real Synapse the Matrix tests talk to: started by the test kit, shared with the
//! benchmarks.

pub use vicinato_testkit::synapse::*;
