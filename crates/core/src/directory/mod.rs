//! The directory of services: searching it. One verb-named file per use case. Names no
//! network, no chat and no SQL.

pub mod search;
