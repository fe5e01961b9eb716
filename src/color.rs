//! Whether a report is coloured: `--color always|never` decides; under `auto`, the environment's
//! conventions as clap, cargo and ruff read them (anstyle-query, the detector behind clap's own
//! colours), then whether standard output is a terminal.

use std::io::IsTerminal;

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, as `NO_COLOR`, `FORCE_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE` and `TERM` allow
    #[default]
    Auto,
    Always,
    Never,
}

/// The colour conventions of the environment, read once.
#[derive(Clone, Copy, Debug, Default)]
struct Env {
    /// `NO_COLOR` set and non-empty (no-color.org).
    no_color: bool,
    /// `CLICOLOR_FORCE` (bixense.com/clicolors) or `FORCE_COLOR` (force-color.org) set and
    /// non-empty; `FORCE_COLOR=0` is read as not forcing, as Node's tools read it.
    force: bool,
    /// `CLICOLOR`: `Some(false)` for `0`.
    clicolor: Option<bool>,
    /// `TERM` set and not `dumb`.
    term_supports_color: bool,
    /// A CI runner, whose log viewer renders colour though output is piped.
    ci: bool,
}

impl Env {
    fn read() -> Self {
        let force_color =
            std::env::var_os("FORCE_COLOR").is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
        Env {
            no_color: anstyle_query::no_color(),
            force: anstyle_query::clicolor_force() || force_color,
            clicolor: anstyle_query::clicolor(),
            term_supports_color: anstyle_query::term_supports_color(),
            ci: anstyle_query::is_ci(),
        }
    }
}

/// Whether to colour what goes to standard output (`to_stdout`) or to a file.
pub fn enabled(choice: ColorChoice, to_stdout: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // A report written to a file is read later, elsewhere: never coloured unless asked.
        ColorChoice::Auto => to_stdout && decide(Env::read(), std::io::stdout().is_terminal()),
    }
}

/// anstream's order (`AutoStream::choice`), with `FORCE_COLOR` beside `CLICOLOR_FORCE`: a user's
/// "no colour" beats a forced one, which beats `CLICOLOR=0`, and only then does the terminal count.
fn decide(env: Env, terminal: bool) -> bool {
    if env.no_color {
        false
    } else if env.force {
        true
    } else if env.clicolor == Some(false) {
        false
    } else {
        terminal && (env.term_supports_color || env.clicolor == Some(true) || env.ci)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERMINAL: Env =
        Env { no_color: false, force: false, clicolor: None, term_supports_color: true, ci: false };

    #[test]
    fn a_colour_terminal_gets_colour_and_a_pipe_does_not() {
        assert!(decide(TERMINAL, true));
        assert!(!decide(TERMINAL, false));
    }

    #[test]
    fn no_color_beats_everything_else() {
        let env = Env { no_color: true, force: true, clicolor: Some(true), ..TERMINAL };
        assert!(!decide(env, true));
    }

    #[test]
    fn forcing_colours_a_pipe_and_a_dumb_terminal() {
        assert!(decide(Env { force: true, ..TERMINAL }, false));
        assert!(decide(
            Env { force: true, term_supports_color: false, clicolor: Some(false), ..TERMINAL },
            true
        ));
    }

    #[test]
    fn clicolor_zero_and_term_dumb_turn_a_terminal_plain() {
        assert!(!decide(Env { clicolor: Some(false), ..TERMINAL }, true));
        assert!(!decide(Env { term_supports_color: false, ..TERMINAL }, true));
        // CLICOLOR=1 says the terminal does colour, whatever TERM says.
        assert!(decide(Env { term_supports_color: false, clicolor: Some(true), ..TERMINAL }, true));
    }

    #[test]
    fn the_command_line_wins_over_the_environment() {
        assert!(enabled(ColorChoice::Always, false));
        assert!(!enabled(ColorChoice::Never, true));
        assert!(!enabled(ColorChoice::Auto, false), "a file is never coloured under auto");
    }
}
