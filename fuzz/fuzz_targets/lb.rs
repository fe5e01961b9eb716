//! The HAProxy and keepalived readers: any text is a configuration or not one, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stretchlint::inputs::lb;
use stretchlint::source::FileId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = lb::read(FileId(0), text);
});
