//! Test support shared by the integration tests and the fuzzing seed
//! writer (which includes these files by path).

pub mod conversation;
pub mod pcap;
