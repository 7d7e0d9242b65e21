#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| acc_runtime_local::fuzzing::otlp(data));
