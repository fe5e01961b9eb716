//! The Terraform reader: a `.tf` text parses or fails at an offset inside the text, and a parsed
//! module reads into Neutron objects without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stretchlint::inputs::terraform::{self, TerraformFile};
use stretchlint::source::FileId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match terraform::parse(text) {
        Ok(body) => {
            let file = TerraformFile { file: FileId(0), body };
            let _ = terraform::read_module(&[&file]);
        }
        Err(e) => assert!(e.offset <= text.len(), "error at {} of {}", e.offset, text.len()),
    }
});
