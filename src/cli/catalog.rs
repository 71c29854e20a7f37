use crate::till::Till;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Import products from a CSV file (columns in the README); all rows or none.
    Import { file: PathBuf },
}

pub fn run(till: &mut Till, args: &Args) -> anyhow::Result<()> {
    match &args.action {
        Action::Import { file } => {
            let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{} is not UTF-8 (byte {}); save it as UTF-8",
                    file.display(),
                    e.utf8_error().valid_up_to()
                )
            })?;
            let summary = till
                .import_catalog(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            println!(
                "imported {}: {} added, {} updated; {} products in the catalog",
                file.display(),
                summary.added,
                summary.updated,
                till.catalog().len()
            );
        }
    }
    Ok(())
}
