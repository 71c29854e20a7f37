// Release builds on Windows open the till window without a console window behind it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;
use std::process::ExitCode;
use tillguard::cli::{Cli, exit_code, run};

fn main() -> ExitCode {
    // Typed in cmd or PowerShell, a command prints there all the same (Windows; src/platform/console.rs).
    tillguard::platform::console::attach_parent_for_cli();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("TILLGUARD_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = run(&cli).and_then(|handled| if handled { Ok(()) } else { open_gui(&cli) });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line on stderr; multi-line details (CSV rows) follow indented.
            let text = format!("{e:#}");
            let mut lines = text.lines();
            eprintln!("tillguard: {}", lines.next().unwrap_or("error"));
            for line in lines {
                eprintln!("  {line}");
            }
            ExitCode::from(exit_code(&e))
        }
    }
}

fn open_gui(cli: &Cli) -> anyhow::Result<()> {
    use tillguard::till::{Till, TillError, restore};
    use tillguard::ui::app::audit_check::DAMAGED_MARK;
    // The window checks every page of the ledger on a worker thread after it opens; a ledger
    // found damaged there leaves a mark, and this start checks every page before anything
    // else (PRAGMA quick_check), opening the restore window when they are damaged.
    // `--training` starts on the real till, which then hands the desk to its training till.
    let paths = cli.shop_paths()?;
    let mark = paths.data_dir.join(DAMAGED_MARK);
    let mut till = loop {
        let opened = if mark.exists() {
            restore::open_checked(&paths, tillguard::cli::clock()?)
        } else {
            Till::open(&paths, tillguard::cli::clock()?)
        };
        match opened {
            Ok(till) => {
                if mark.exists() {
                    // Whole again (restored, or the damage was elsewhere): the mark has done its work.
                    let _ = std::fs::remove_file(&mark);
                }
                break till;
            }
            // A damaged ledger opens the restore window; after a restore the till starts on it.
            Err(TillError::Store(e)) if e.damaged_ledger() => {
                let config = tillguard::config::Config::load(&paths.config_file)?;
                let language = if config.language_chosen {
                    config.language
                } else {
                    tillguard::config::Language::from_system().unwrap_or(config.language)
                };
                let i18n = tillguard::i18n::I18n::new(language);
                if !tillguard::ui::restore::run(paths.clone(), tillguard::cli::clock()?, i18n, e.to_string())? {
                    return Err(e.into());
                }
            }
            Err(e) => return Err(e.into()),
        }
    };
    till.set_printer(cli.printer_spec()?);
    let terminal = tillguard::ui::TerminalSetup {
        spec: cli.terminal_spec()?.or_else(|| till.config().terminal.clone()),
        data_dir: cli.shop_paths()?.data_dir,
        // The simulated terminal takes its time, so the demo shows each step on screen.
        think_time: std::time::Duration::from_millis(700),
    };
    let ledger = cli.shop_paths()?.data_dir.join(tillguard::store::FILE_NAME);
    tillguard::platform::signals::record_stops(ledger, till.currency());
    tillguard::ui::run(till, terminal, cli.training)
}
