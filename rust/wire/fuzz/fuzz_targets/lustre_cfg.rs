#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wire::fuzzing::lustre_cfg(data));
