//! Thin entry point: parse the command line, run, map the outcome to an exit code
//! (0 clean, 1 findings, 2 could not run).

use std::io::Write;
use std::process::ExitCode;

use stretchlint::cli::{self, Cli, ExitStatus};

fn main() -> ExitCode {
    let cli = match Cli::try_parse_args(std::env::args_os()) {
        Ok(cli) => cli,
        // Help and version print and exit 0; usage errors exit 2.
        Err(e) => e.exit(),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = cli::run(cli, &mut out);
    // Output that cannot be written (a full disk) is a failure to do the job, not a clean run.
    let result = result.and_then(|status| out.flush().map(|()| status).map_err(stretchlint::Error::Output));
    match result {
        Ok(ExitStatus::Clean) => ExitCode::SUCCESS,
        Ok(ExitStatus::Findings) => ExitCode::from(1),
        // A closed pipe (`stretchlint check | head`) is not a failure.
        Err(stretchlint::Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "stretchlint: error: {err}");
            ExitCode::from(2)
        }
    }
}
