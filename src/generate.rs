//! Shell completions and man pages, generated from the clap definition of the command line so
//! that they cannot drift from it (as ruff's `generate-shell-completion` and clap's own tools do).

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::Error;

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<(), Error> {
    // clap_complete panics when its writer fails (`stretchlint completions bash | head`): it
    // writes to memory, and only the copy to `out` can fail, as an error.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "stretchlint", &mut script);
    out.write_all(&script)?;
    Ok(())
}

/// The `stretchlint(1)` page as roff on `out`, or, given a folder, one page per command written
/// there (`stretchlint.1`, `stretchlint-check.1`, …) with `clap_mangen::generate_to`.
pub fn man(dir: Option<&Path>, out: &mut dyn Write) -> Result<(), Error> {
    match dir {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            out.write_all(&page)?;
        }
        Some(dir) => {
            clap_mangen::generate_to(Cli::command(), dir)
                .map_err(|source| Error::Write { path: dir.to_path_buf(), source })?;
        }
    }
    Ok(())
}
